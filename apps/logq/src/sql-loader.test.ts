import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import fc from 'fast-check';
import { ChunkAppender } from './chunk-appender.js';
import { DuckDBInstance } from './duckdb.js';
import type { IngestTarget, ReadState } from './ingest-file.js';
import { ensureSchema } from './schema.js';
import { loadLinesInSql, numberLines } from './sql-loader.js';
import { makeTempDir, removeTempDirs } from '../test-support/run.js';

afterEach(removeTempDirs);

test('numberLines puts each line number before its line', () => {
  expect(numberLines(Buffer.from('a\nbb\n'), 2).toString()).toBe('1\x01a\n2\x01bb\n');
  const ten = Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join('');
  const numbered = numberLines(Buffer.from(ten), 10).toString().split('\n');
  expect(numbered.slice(0, 2)).toEqual(['01\x01line 0', '02\x01line 1']);
  expect(numbered.slice(8)).toEqual(['09\x01line 8', '10\x01line 9', '']);
});

test('numbered lines keep their bytes and order', () => {
  const line = fc.string({ unit: 'binary', maxLength: 40 }).filter((text) => !text.includes('\n'));
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 300 }), (lines) => {
      const data = Buffer.from(lines.map((text) => `${text}\n`).join(''));
      const width = String(lines.length).length;
      const expected = lines.map((text, i) => `${String(i + 1).padStart(width, '0')}\x01${text}\n`).join('');
      expect(numberLines(data, lines.length).equals(Buffer.from(expected))).toBe(true);
    }),
  );
});

/** Runs `check` with what ingest gives loadLinesInSql: an empty database, its appenders and a staging directory. */
async function withTarget(check: (target: IngestTarget) => Promise<void>): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await ensureSchema(connection, ':memory:');
    await check({
      connection,
      events: await ChunkAppender.create(connection, 'events'),
      rejects: await ChunkAppender.create(connection, 'rejects'),
      ingestedAt: new Date(2026, 11, 31),
      host: 'fallback',
      sqlParser: { stagingDir: makeTempDir(), zone: 'UTC' },
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function readState(): ReadState {
  const summary = { path: 'x.log', startOffset: 0, linesRead: 0, events: 0, rejects: 0, foreign: 0, heldBackBytes: 0 };
  return { absolutePath: join('/', 'x.log'), fileId: 1, byteOffset: 0, lineCount: 0, reference: new Date(2026, 11, 31), summary };
}

const BATCH = Buffer.from(
  '26/12/4@10:00:00: START: ftp pid=7 from=192.0.2.1\n' +
    '26/12/4@10:00:01: USERID: ftp OTHER :alice\n' +
    '26/12/4@10:00:02: EXIT: ftp status=0 pid=7 duration=2(sec)\n',
);

test('SQL path loads a batch and leaves the odd line to JS', () =>
  withTarget(async (target) => {
    const state = readState();
    expect(await loadLinesInSql(target, state, 1, BATCH, 3)).toBe(true);
    target.events.close();
    const rows = await target.connection.runAndReadAll('SELECT line_number, kind::VARCHAR FROM events ORDER BY line_number');
    expect(rows.getRows()).toEqual([
      [1n, 'START'],
      [2n, 'USERID'],
      [3n, 'EXIT'],
    ]);
    expect(state.lineCount).toBe(3);
  }));

test('batch whose lines do not add up loads nothing through SQL', () =>
  withTarget(async (target) => {
    const state = readState();
    expect(await loadLinesInSql(target, state, 1, BATCH, 4)).toBe(false);
    target.events.close();
    const rows = await target.connection.runAndReadAll('SELECT count(*) FROM events');
    expect(rows.getRows()).toEqual([[0n]]);
    expect(state.lineCount).toBe(0);
    expect(state.summary.events).toBe(0);
  }));
