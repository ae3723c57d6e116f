import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { uniqueColumnNames } from './output.js';
import { makeTempDir, removeTempDirs, runLogq } from '../test-support/run.js';

let dir = '';
let db = '';
let log = '';

beforeAll(async () => {
  dir = makeTempDir();
  db = join(dir, 'logq.duckdb');
  log = join(dir, 'xinetd.log');
  writeFileSync(log, ['26/12/4@10:00:00: START: telnet pid=200 from=192.0.2.5', 'not an xinetd line'].join('\n') + '\n');
  const result = await runLogq(['ingest', '--db', db, log]);
  expect(result.status).toBe(0);
});

afterAll(removeTempDirs);

function query(sql: string, ...format: string[]): ReturnType<typeof runLogq> {
  return runLogq(['query', sql, '--db', db, ...format]);
}

test('repeated column names in the table', async () => {
  const result = await query('SELECT 1 AS a, 2 AS a, 3 AS a');
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe('A  A_2  A_3\n1    2    3\n');
});

test('repeated column names in CSV', async () => {
  const result = await query('SELECT 1 AS a, 2 AS a', '--csv');
  expect(result.stdout).toBe('a,a_2\n1,2\n');
});

test('repeated column names in JSON', async () => {
  const result = await query('SELECT 1 AS a, 2 AS a', '--json');
  expect(JSON.parse(result.stdout)).toEqual([{ a: 1, a_2: 2 }]);
});

test('suffix skips names the result has', async () => {
  const result = await query('SELECT 1 AS a, 2 AS a, 3 AS a_2', '--json');
  expect(JSON.parse(result.stdout)).toEqual([{ a: 1, a_3: 2, a_2: 3 }]);
});

test('repeated names read by node-api', async () => {
  // DECIMAL is a type that read-client.ts leaves to @duckdb/node-api.
  const result = await query('SELECT 1.5::DECIMAL(4, 1) AS d, 2.5::DECIMAL(4, 1) AS d', '--csv');
  expect(result.stdout).toBe('d,d_2\n1.5,2.5\n');
});

test('join of tables sharing a column', async () => {
  const result = await query('SELECT * FROM rejects r JOIN files f ON r.file_id = f.id', '--json');
  expect(result.stderr).toBe('');
  const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
  expect(rows).toHaveLength(1);
  expect(rows[0]?.path).toBe(log);
  expect(rows[0]?.path_2).toBe(log);
  expect(rows[0]?.text).toBe('not an xinetd line');
  expect(rows[0]?.size).toBeGreaterThan(0);
});

test('join of events and files', async () => {
  const result = await query('SELECT * FROM events e JOIN files f ON e.file_id = f.id', '--csv');
  const [header, row] = result.stdout.trimEnd().split('\n');
  expect(header?.split(',')).toContain('service');
  expect(header?.split(',')).toContain('path');
  expect(row).toContain('telnet');
});

test('unique names compared without case', () => {
  expect(uniqueColumnNames(['a', 'A'])).toEqual(['a', 'A_2']);
  expect(uniqueColumnNames(['a_2', 'a', 'a'])).toEqual(['a_2', 'a', 'a_3']);
  expect(uniqueColumnNames(['x', 'y'])).toEqual(['x', 'y']);
});
