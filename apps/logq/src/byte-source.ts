/**
 * What logq reads a log from: an open file, or the decompressed content of a gzip file.
 * Both offer positional reads, so resuming, hashing and line reading work the same way.
 */
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export interface ByteSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  /** Content length in bytes: the file size, or the decompressed length. */
  readonly size: number;
  /** Set when gzip data ended early or was corrupt: the content is what came before. */
  readonly damage?: string;
}

export function fileSource(handle: FileHandle, size: number): ByteSource {
  return { size, read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position) };
}

class BufferSource implements ByteSource {
  constructor(
    private readonly data: Buffer,
    readonly damage?: string,
  ) {}

  get size(): number {
    return this.data.length;
  }

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    const bytesRead = this.data.copy(buffer, offset, position, Math.min(position + length, this.data.length));
    return { bytesRead: Math.max(0, bytesRead) };
  }
}

export function isGzipHeader(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Decompresses a gzip file into memory. Rotated logs are read whole and never appended
 * to, so streaming them buys little. Truncated or corrupt data keeps what decompressed
 * before the damage, with the zlib reason in `damage`.
 */
export function gunzipSource(path: string): Promise<ByteSource> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const gunzip = createGunzip();
    const finish = (damage?: string): void => resolve(new BufferSource(Buffer.concat(chunks), damage));
    gunzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    gunzip.on('end', () => finish());
    gunzip.on('error', (error: Error) => finish(error.message));
    const input = createReadStream(path);
    input.on('error', (error: Error) => finish(error.message));
    input.pipe(gunzip);
  });
}
