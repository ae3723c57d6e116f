/**
 * Hashes that tell whether a file still starts with what logq read before: one of the
 * first line, and one of the bytes just before the stored offset.
 */
import { createHash } from 'node:crypto';
import type { ByteSource } from './byte-source.js';

const READ_BYTES = 64 * 1024;

/** Bytes before the stored offset that are compared on a resumed read. */
export const TAIL_BYTES = 4096;

/**
 * Returns the SHA-256 (hex) of the first line without its newline, or null when the
 * file has no complete first line yet.
 */
export async function hashFirstLine(handle: ByteSource): Promise<string | null> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, position);
    if (bytesRead === 0) return null;
    const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
    if (newline >= 0) {
      hash.update(buffer.subarray(0, newline));
      return hash.digest('hex');
    }
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
}

/** Returns the SHA-256 (hex) of the TAIL_BYTES bytes (or fewer, near the start) before `offset`. */
export async function hashTail(handle: ByteSource, offset: number): Promise<string> {
  const start = Math.max(0, offset - TAIL_BYTES);
  const buffer = Buffer.alloc(offset - start);
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
  return createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
}
