import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { GzipBombError, MAX_GZIP_RATIO, fileSource, gunzipSource, type ByteSource } from './byte-source.js';
import { CHUNK_BYTES, MAX_LINE_BYTES, readCompleteLines, splitLines } from './reader.js';
import { makeTempDir, removeTempDirs } from '../test-support/run.js';

afterEach(removeTempDirs);

async function linesOf(source: ByteSource, startOffset = 0): Promise<{ lines: string[]; endOffset: number; heldBackBytes: number }> {
  const lines: string[] = [];
  const result = await readCompleteLines(source, startOffset, (data) => {
    lines.push(...splitLines(data));
  });
  return { lines, endOffset: result.endOffset, heldBackBytes: result.heldBackBytes };
}

async function withFile<T>(content: Buffer | string, use: (source: ByteSource) => Promise<T>): Promise<T> {
  const path = join(makeTempDir(), 'log');
  writeFileSync(path, content);
  const handle = await open(path, 'r');
  try {
    return await use(fileSource(handle, Buffer.byteLength(content)));
  } finally {
    await handle.close();
  }
}

describe('readCompleteLines with long lines', () => {
  it('cuts a long line and notes its length', async () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 10);
    const { lines, endOffset } = await withFile(`first\n${long}\nlast\n`, (source) => linesOf(source));
    expect(lines).toEqual(['first', `${'x'.repeat(MAX_LINE_BYTES)} [logq: line cut at ${MAX_LINE_BYTES} of ${MAX_LINE_BYTES + 10} bytes]`, 'last']);
    expect(endOffset).toBe(6 + long.length + 1 + 5);
  });

  it('cuts a line that spans reads and keeps the offsets', async () => {
    // Longer than one read, so the line is held back across reads.
    const length = CHUNK_BYTES + (8 << 20);
    const content = Buffer.concat([Buffer.from('a\n'), Buffer.alloc(length, 'y'), Buffer.from('\nb\n')]);
    const { lines, endOffset, heldBackBytes } = await withFile(content, (source) => linesOf(source));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`${'y'.repeat(MAX_LINE_BYTES)} [logq: line cut at ${MAX_LINE_BYTES} of ${length} bytes]`);
    expect(lines[2]).toBe('b');
    expect(endOffset).toBe(content.length);
    expect(heldBackBytes).toBe(0);
  });

  it('holds back an endless last line without keeping it', async () => {
    const length = CHUNK_BYTES + (8 << 20);
    const content = Buffer.concat([Buffer.from('a\n'), Buffer.alloc(length, 'z')]);
    const { lines, endOffset, heldBackBytes } = await withFile(content, (source) => linesOf(source));
    expect(lines).toEqual(['a']);
    expect(endOffset).toBe(2);
    expect(heldBackBytes).toBe(length);
  });
});

describe('gunzipSource', () => {
  function gzipFile(content: Buffer): string {
    const path = join(makeTempDir(), 'log.gz');
    writeFileSync(path, gzipSync(content));
    return path;
  }

  it('reads any range, also backwards', async () => {
    const content = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `line ${i}\n`).join(''));
    const source = await gunzipSource(gzipFile(content));
    expect(source.size).toBe(content.length);
    for (const [position, length] of [[0, 10], [1_000_000, 70_000], [5, 100], [content.length - 3, 100], [content.length + 5, 10]] as const) {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await source.read(buffer, 0, length, position);
      expect(buffer.subarray(0, bytesRead).equals(content.subarray(position, position + length))).toBe(true);
    }
  });

  it('rejects a file that expands past the ratio', async () => {
    const path = gzipFile(Buffer.alloc(8 * 1024 * 1024));
    await expect(gunzipSource(path)).rejects.toThrow(GzipBombError);
    await expect(gunzipSource(path)).rejects.toThrow(`over ${MAX_GZIP_RATIO} times`);
  });

  it('keeps the content before damage', async () => {
    const content = Buffer.from(Array.from({ length: 50_000 }, (_, i) => `line ${i} ${i * 7919}\n`).join(''));
    const whole = gzipSync(content);
    const path = join(makeTempDir(), 'cut.gz');
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)));
    const source = await gunzipSource(path);
    expect(source.damage).toBeDefined();
    const buffer = Buffer.alloc(source.size);
    await source.read(buffer, 0, source.size, 0);
    expect(buffer.equals(content.subarray(0, source.size))).toBe(true);
  });
});
