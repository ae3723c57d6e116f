import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTempDir, removeTempDirs, runLogq } from '../test-support/run.js';

let dir = '';
let log = '';

beforeAll(() => {
  dir = makeTempDir();
  log = join(dir, 'xinetd.log');
  writeFileSync(log, '26/12/4@10:00:00: START: telnet pid=200 from=192.0.2.5\n');
});

afterAll(removeTempDirs);

test('ingest --db in a missing directory', async () => {
  const missing = join(dir, 'typo');
  const result = await runLogq(['ingest', '--db', join(missing, 'x.duckdb'), log]);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('[LOGQ_DB_DIR_NOT_FOUND]');
  expect(result.stderr).toContain(`directory ${missing} for database`);
  expect(result.stderr).toContain(`mkdir -p ${missing}`);
  expect(result.stdout).toBe('');
  expect(existsSync(missing)).toBe(false);
});

test('ingest LOGQ_DB in a missing directory', async () => {
  const missing = join(dir, 'unset', 'deeper');
  const result = await runLogq(['ingest', log], { env: { LOGQ_DB: join(missing, 'x.duckdb'), HOME: dir } });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('[LOGQ_DB_DIR_NOT_FOUND]');
  expect(result.stderr).toContain(`directory ${missing} for database`);
  expect(existsSync(join(dir, 'unset'))).toBe(false);
});

test('ingest --db in an existing directory', async () => {
  const db = join(dir, 'here.duckdb');
  const result = await runLogq(['ingest', '--db', db, log]);
  expect(result.status).toBe(0);
  expect(existsSync(db)).toBe(true);
});

test('ingest creates the XDG data directory', async () => {
  const dataHome = join(dir, 'xdg', 'data');
  const result = await runLogq(['ingest', log], { env: { XDG_DATA_HOME: dataHome, HOME: dir } });
  expect(result.status).toBe(0);
  expect(existsSync(join(dataHome, 'xinetd-ts', 'logq.duckdb'))).toBe(true);
});

test('ingest creates the directory under HOME', async () => {
  const home = join(dir, 'home');
  const result = await runLogq(['ingest', log], { env: { HOME: home } });
  expect(result.status).toBe(0);
  expect(existsSync(join(home, '.local', 'share', 'xinetd-ts', 'logq.duckdb'))).toBe(true);
});

test('read commands keep their message', async () => {
  const db = join(dir, 'typo2', 'x.duckdb');
  for (const command of [['top'], ['report', '-o', '-'], ['suggest']]) {
    const result = await runLogq([...command, '--db', db]);
    expect(result.status, command[0]).toBe(1);
    expect(result.stderr, command[0]).toContain(`database ${db} not found`);
    expect(result.stderr, command[0]).toContain('[LOGQ_DB_NOT_FOUND]');
  }
  expect(existsSync(join(dir, 'typo2'))).toBe(false);
});
