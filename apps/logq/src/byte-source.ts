/**
 * What logq reads a log from: an open file, or the decompressed content of a gzip file.
 * Both offer positional reads, so resuming, hashing and line reading work the same way.
 */
import { createReadStream } from 'node:fs';
import { stat, type FileHandle } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
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

export function isGzipHeader(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Decompressed bytes per compressed byte above which a gzip file is taken for a bomb.
 * Text logs stay far below it. A flood of one FAIL line from one address, its time stamp
 * changing each second, compressed 232 times with gzip -6 and 280 times with -9. Runs of
 * one byte compress about 1,030 times.
 */
export const MAX_GZIP_RATIO = 500;

/** Content up to this size is never taken for a bomb, whatever its ratio. */
export const MIN_GZIP_LIMIT = 1 << 20;

/** Decompressed bytes kept before the last read, so that a short step back (hashTail) needs no restart. */
const KEEP_BEHIND = 64 * 1024;

/** A gzip file that expands past its limit, so it is not read at all. */
export class GzipBombError extends Error {}

function openGunzip(path: string): Readable {
  return pipeline(createReadStream(path), createGunzip(), () => undefined);
}

function bombMessage(path: string, compressed: number, limit: number): string {
  return (
    `gzip data expands to more than ${limit} bytes from ${compressed} compressed bytes ` +
    `(over ${MAX_GZIP_RATIO} times as many), which no text log does, so it is taken for a gzip bomb and not read; ` +
    `if it is a genuine log, decompress it (zcat ${path} > FILE) and ingest FILE`
  );
}

/** Decompresses the whole file once, keeping only the count, to learn its content length. */
async function measureGzip(path: string, compressed: number): Promise<{ size: number; damage?: string }> {
  const limit = Math.max(MIN_GZIP_LIMIT, MAX_GZIP_RATIO * compressed);
  let size = 0;
  try {
    for await (const chunk of openGunzip(path)) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new GzipBombError(bombMessage(path, compressed, limit));
    }
  } catch (error) {
    if (error instanceof GzipBombError) throw error;
    return { size, damage: error instanceof Error ? error.message : String(error) };
  }
  return { size };
}

/**
 * Positional reads over a gzip stream, decompressing on demand and keeping only the
 * chunks near the last read. A read before them starts the decompression again from
 * the start of the file, which the forward reads of an ingest never need.
 */
class GunzipSource implements ByteSource {
  private chunks: Buffer[] = [];
  /** Content offset of chunks[0]. */
  private chunksStart = 0;
  private chunksEnd = 0;
  private stream: Readable | null = null;
  private iterator: AsyncIterator<unknown> | null = null;
  private ended = false;

  constructor(
    private readonly path: string,
    readonly size: number,
    readonly damage?: string,
  ) {}

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    if (position < this.chunksStart) this.rewind();
    this.discardBefore(position - KEEP_BEHIND);
    const requestEnd = Math.min(position + length, this.size);
    while (this.chunksEnd < requestEnd && !this.ended) await this.pull();
    return { bytesRead: this.copy(buffer, offset, position, requestEnd) };
  }

  /** Drops the stream, so that the next pull decompresses from the start of the file. */
  private rewind(): void {
    this.stream?.destroy();
    this.stream = null;
    this.iterator = null;
    this.chunks = [];
    this.chunksStart = 0;
    this.chunksEnd = 0;
    this.ended = false;
  }

  private async pull(): Promise<void> {
    // The stream is opened only here, right before next(), because an iterator that was
    // never started has no error listener and a zlib error would be thrown uncaught.
    // NOTE: a source left before its end keeps its file open until logq exits.
    if (this.iterator === null) {
      this.stream = openGunzip(this.path);
      this.iterator = this.stream[Symbol.asyncIterator]();
    }
    try {
      const next = await this.iterator.next();
      if (next.done) this.ended = true;
      else this.append(next.value as Buffer);
    } catch {
      // The measuring pass recorded the damage; the content ends where it starts.
      this.ended = true;
    }
  }

  private append(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.chunksEnd += chunk.length;
  }

  private discardBefore(offset: number): void {
    while (this.chunks.length > 1 && this.chunksStart + this.chunks[0]!.length <= offset) {
      this.chunksStart += this.chunks.shift()!.length;
    }
  }

  private copy(buffer: Buffer, offset: number, from: number, to: number): number {
    let copied = 0;
    let chunkStart = this.chunksStart;
    for (const chunk of this.chunks) {
      const chunkEnd = chunkStart + chunk.length;
      const start = Math.max(from, chunkStart);
      const end = Math.min(to, chunkEnd);
      if (start < end) copied += chunk.copy(buffer, offset + (start - from), start - chunkStart, end - chunkStart);
      chunkStart = chunkEnd;
    }
    return copied;
  }
}

/**
 * Opens a gzip file for positional reads without holding its content in memory. The
 * file is decompressed once to learn its length. Truncated or corrupt data keeps what
 * decompressed before the damage, with the zlib reason in `damage`. A file that expands
 * past MAX_GZIP_RATIO times its size (and past MIN_GZIP_LIMIT) throws a GzipBombError.
 */
export async function gunzipSource(path: string): Promise<ByteSource> {
  const compressed = (await stat(path)).size;
  const { size, damage } = await measureGzip(path, compressed);
  return new GunzipSource(path, size, damage);
}
