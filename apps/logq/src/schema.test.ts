import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, expect, test } from 'vitest';
import { EVENT_KINDS, SEVERITIES } from '#logformat';
import { makeTempDir, query, removeTempDirs, runLogq, runSql } from '../test-support/run.js';
import { LINE_FORMS, SCHEMA_VERSION } from './schema.js';

afterEach(removeTempDirs);

async function ingestOneLine(dir: string): Promise<string> {
  const db = join(dir, 'logq.duckdb');
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, '26/12/4@10:00:00: START: a pid=1 from=192.0.2.1\n');
  const result = await runLogq(['ingest', '--db', db, file]);
  expect(result.status).toBe(0);
  return db;
}

test('schema enums match the log format', async () => {
  const db = await ingestOneLine(makeTempDir());

  const [row] = await query(
    db,
    'SELECT enum_range(NULL::event_kind) AS kinds, enum_range(NULL::severity) AS severities, enum_range(NULL::line_form) AS forms',
  );
  expect(row?.kinds).toEqual([...EVENT_KINDS, 'MESSAGE']);
  expect(row?.severities).toEqual([...SEVERITIES]);
  expect(row?.forms).toEqual([...LINE_FORMS]);
  expect(await query(db, 'SELECT version FROM schema_version')).toEqual([{ version: SCHEMA_VERSION }]);
});

test('foreign DuckDB file is not written to', async () => {
  const dir = makeTempDir();
  const db = join(dir, 'other.duckdb');
  await runSql(db, 'CREATE TABLE sales (amount INTEGER)');
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, '26/12/4@10:00:00: START: a pid=1 from=192.0.2.1\n');

  const ingest = await runLogq(['ingest', '--db', db, file]);
  const fails = await runLogq(['fails', '--db', db]);

  expect(ingest.status).toBe(1);
  expect(ingest.stderr).toContain('[LOGQ_DB_NOT_LOGQ]');
  expect(fails.status).toBe(1);
  expect(fails.stderr).toContain('[LOGQ_DB_NOT_LOGQ]');
  expect(await query(db, "SELECT table_name FROM duckdb_tables()")).toEqual([{ table_name: 'sales' }]);
});

test('empty DuckDB file asks for an ingest and stays empty', async () => {
  const dir = makeTempDir();
  const db = join(dir, 'empty.duckdb');
  await runSql(db, 'CHECKPOINT');

  const result = await runLogq(['top', 'sources', '--db', db]);

  expect(result.status).toBe(1);
  expect(result.stderr).toContain('[LOGQ_DB_NOT_FOUND]');
  expect(result.stderr).toContain('contains no logq tables yet');
  expect(await query(db, 'SELECT count(*)::INTEGER AS n FROM duckdb_tables()')).toEqual([{ n: 0 }]);
});

test('newer schema version is reported', async () => {
  const dir = makeTempDir();
  const db = await ingestOneLine(dir);
  await runSql(db, `UPDATE schema_version SET version = ${SCHEMA_VERSION + 1}`);

  const result = await runLogq(['fails', '--db', db]);

  expect(result.status).toBe(1);
  expect(result.stderr).toContain('[LOGQ_DB_SCHEMA_TOO_NEW]');
});

test('non-DuckDB file is reported', async () => {
  const dir = makeTempDir();
  const db = join(dir, 'notes.txt');
  writeFileSync(db, 'just text\n');

  const result = await runLogq(['fails', '--db', db]);

  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`failed to open database ${db}`);
  expect(result.stderr).toContain('[LOGQ_DB_OPEN_FAILED]');
});
