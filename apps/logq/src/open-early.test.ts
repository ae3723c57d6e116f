import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { closeEarlyConnection, dbArgument, guessDatabasePath, openEarly, takeEarlyConnection } from './open-early.js';
import { makeTempDir, removeTempDirs, runLogq } from '../test-support/run.js';

let dir = '';
let first = '';
let second = '';

beforeAll(async () => {
  dir = makeTempDir();
  first = join(dir, 'first.duckdb');
  second = join(dir, 'second.duckdb');
  const log = join(dir, 'xinetd.log');
  writeFileSync(log, '26/12/4@10:03:00: FAIL: telnet address from=198.51.100.9\n');
  for (const db of [first, second]) expect((await runLogq(['ingest', '--db', db, log])).status).toBe(0);
});

afterAll(removeTempDirs);

const REPOSITORY = new URL('../../../', import.meta.url).pathname;

/**
 * Returns whether another process can open the file for writing. DuckDB's file lock is
 * per process, so a connection this process left open shows up only from outside.
 */
function writableElsewhere(db: string): boolean {
  const script = `
    const { DuckDBInstance } = require('@duckdb/node-api');
    DuckDBInstance.create(process.argv[1]).then((instance) => instance.closeSync()).catch((error) => {
      console.error(error.message);
      process.exitCode = 1;
    });`;
  return spawnSync(process.execPath, ['-e', script, db], { cwd: REPOSITORY, encoding: 'utf8' }).status === 0;
}

test('dbArgument reads both option forms', () => {
  expect(dbArgument(['fails', '--db', 'a.duckdb'])).toBe('a.duckdb');
  expect(dbArgument(['fails', '--db=b.duckdb', '--json'])).toBe('b.duckdb');
  expect(dbArgument(['fails', '--db', 'a.duckdb', '--db', 'c.duckdb'])).toBe('c.duckdb');
  expect(dbArgument(['query', '--', '--db', 'a.duckdb'])).toBeUndefined();
  expect(dbArgument(['fails', '--json'])).toBeUndefined();
});

test('guessDatabasePath skips non-questions', () => {
  expect(guessDatabasePath(['fails', '--db', first], {})).toBe(first);
  expect(guessDatabasePath(['query', 'SELECT 1', `--db=${first}`], {})).toBe(first);
  expect(guessDatabasePath(['ingest', '--db', first, 'x.log'], {})).toBeUndefined();
  expect(guessDatabasePath(['report', '--db', first], {})).toBeUndefined();
  expect(guessDatabasePath(['fails', '--from', dir, '--db', first], {})).toBeUndefined();
  expect(guessDatabasePath(['fails', '--db', join(dir, 'missing.duckdb')], {})).toBeUndefined();
  expect(guessDatabasePath(['fails'], { LOGQ_DB: second })).toBe(second);
});

test('early connection serves the same path only', async () => {
  openEarly(['fails', '--db', first], {});
  expect(await takeEarlyConnection(second)).toBeNull();
  expect(writableElsewhere(first)).toBe(true);

  openEarly(['fails', '--db', first], {});
  const connection = await takeEarlyConnection(first);
  expect(connection).not.toBeNull();
  const rows = (await connection!.runAndReadAll('SELECT count(*) AS n FROM events')).getRowObjectsJS();
  expect(rows).toEqual([{ n: 1n }]);
  connection!.closeSync();
  expect(await takeEarlyConnection(first)).toBeNull();
});

test('unused early connection is closed', async () => {
  openEarly(['fails', '--db', first], {});
  expect(writableElsewhere(first)).toBe(false);
  await closeEarlyConnection();
  expect(writableElsewhere(first)).toBe(true);

  const usage = await runLogq(['fails', '--db', first, '--bogus']);
  expect(usage.status).toBe(2);
  expect(writableElsewhere(first)).toBe(true);
});

test('question closes the early connection', async () => {
  const fails = await runLogq(['fails', '--db', second, '--json']);
  expect(JSON.parse(fails.stdout)).toMatchObject([{ count: 1 }]);
  expect(writableElsewhere(second)).toBe(true);
});
