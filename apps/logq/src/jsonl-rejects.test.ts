import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { makeTempDir, query, removeTempDirs, runLogq } from '../test-support/run.js';

afterAll(removeTempDirs);

const EVENT = '{"time":"2026-12-04T05:00:00.000Z","host":"gw","event":"START","service":"ssh","pid":7,"source":{"ip":"192.0.2.5","port":4000}}';
const NOT_OBJECTS = ['null', '42', '"x"', '[1]', 'true'];

async function rejectReasons(lines: string[], env: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  const dir = makeTempDir();
  const log = join(dir, 'gw.jsonl');
  writeFileSync(log, lines.join('\n') + '\n');
  const db = join(dir, 'logq.duckdb');
  const result = await runLogq(['ingest', '--db', db, log], { env });
  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`${lines.length} lines read, 1 event, ${NOT_OBJECTS.length} rejects`);
  return query(db, 'SELECT text, reason FROM rejects ORDER BY line_number');
}

test('JSONL non-objects after an object', async () => {
  const rows = await rejectReasons([EVENT, ...NOT_OBJECTS]);
  expect(rows).toEqual(NOT_OBJECTS.map((text) => ({ text, reason: 'not a JSON object' })));
});

test('JSONL non-objects before an object', async () => {
  const rows = await rejectReasons([...NOT_OBJECTS, EVENT]);
  expect(rows).toEqual(NOT_OBJECTS.map((text) => ({ text, reason: 'not a JSON object' })));
});

test('JSONL non-objects with the JS parser', async () => {
  const rows = await rejectReasons([EVENT, ...NOT_OBJECTS], { LOGQ_PARSER: 'js' });
  expect(rows).toEqual(NOT_OBJECTS.map((text) => ({ text, reason: 'not a JSON object' })));
});
