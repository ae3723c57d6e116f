import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, test } from 'vitest';
import { gunzipSource } from './byte-source.js';
import { IngestProgress } from './progress.js';
import { makeTempDir, removeTempDirs } from '../test-support/run.js';

afterAll(removeTempDirs);

/** A stderr that is not a terminal, so no bar is drawn and only the counting runs. */
const QUIET = { write: () => true, isTTY: false };

test('gzip file advances in proportion', async () => {
  const path = join(makeTempDir(), 'xinetd.log.gz');
  const line = '26/12/4@10:03:00: FAIL: telnet address from=198.51.100.9\n';
  writeFileSync(path, gzipSync(line.repeat(20_000)));
  const stored = statSync(path).size;
  const source = await gunzipSource(path);
  expect(source.size).toBe(line.length * 20_000);
  expect(source.size).toBeGreaterThan(stored * 10);

  const progress = new IngestProgress(QUIET, stored);
  progress.startFile(stored);
  const buffer = Buffer.alloc(64 * 1024);
  const seen: number[] = [];
  for (let position = 0; position < source.size; ) {
    const { bytesRead } = await source.read(buffer, 0, buffer.length, position);
    position += bytesRead;
    progress.advance(bytesRead, source.size);
    seen.push(progress.doneBytes);
    expect(progress.doneBytes).toBe(Math.round((stored * position) / source.size));
  }
  expect(seen.length).toBeGreaterThan(3);
  expect(seen.at(-1)).toBe(stored);
  expect(seen.at(-2)).toBeLessThan(stored);
  progress.stop();
});

test('plain file counts bytes read', () => {
  const progress = new IngestProgress(QUIET, 1000);
  progress.startFile(1000);
  progress.advance(300, 1000);
  expect(progress.doneBytes).toBe(300);
  progress.advance(700, 1000);
  expect(progress.doneBytes).toBe(1000);
  progress.stop();
});

test('file that grew counts its size', () => {
  const progress = new IngestProgress(QUIET, 1000);
  progress.startFile(1000);
  progress.advance(1200, 1000);
  expect(progress.doneBytes).toBe(1000);
  progress.stop();
});

test('files count one after another', () => {
  const progress = new IngestProgress(QUIET, 1500);
  progress.startFile(1000);
  // A resumed file: only its last 400 content bytes of 4000 are read.
  progress.advance(400, 4000);
  expect(progress.doneBytes).toBe(100);
  progress.finishFile();
  expect(progress.doneBytes).toBe(1000);

  progress.startFile(500);
  progress.advance(250, 500);
  expect(progress.doneBytes).toBe(1250);
  progress.finishFile();
  expect(progress.doneBytes).toBe(1500);
  progress.stop();
});

test('empty file counts as read', () => {
  const progress = new IngestProgress(QUIET, 20);
  progress.startFile(20);
  progress.advance(0, 0);
  expect(progress.doneBytes).toBe(20);
  progress.stop();
});
