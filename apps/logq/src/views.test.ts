import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeTempDir, query, removeTempDirs, runLogq } from '../test-support/run.js';

// Syslog lines with RFC 3339 stamps, so that the year is not guessed. The daemon (pid 900)
// writes START and EXIT; the child of pid 300 writes its own USERID and FAIL lines.
const LINES = [
  '2026-12-04T10:00:00+05:30 box xinetd[900]: START: telnet pid=300 from=192.0.2.5',
  '2026-12-04T10:00:01+05:30 box xinetd[300]: USERID: telnet UNIX : alice',
  '2026-12-04T10:00:02+05:30 box xinetd[300]: FAIL: telnet libwrap from=192.0.2.5',
  '2026-12-04T10:00:05+05:30 box xinetd[900]: EXIT: telnet status=0 pid=300 duration=5(sec)',
  '2026-12-04T10:01:00+05:30 box xinetd[900]: START: echo pid=0 from=192.0.2.6',
  '2026-12-04T10:01:01+05:30 box xinetd[900]: EXIT: echo status=0 pid=0 duration=1(sec)',
];

let db = '';

beforeAll(async () => {
  const dir = makeTempDir();
  db = join(dir, 'logq.duckdb');
  const file = join(dir, 'syslog');
  writeFileSync(file, LINES.join('\n') + '\n');
  const result = await runLogq(['ingest', '--db', db, file]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

afterAll(removeTempDirs);

async function sessions(): Promise<Record<string, unknown>[]> {
  const result = await runLogq(['sessions', '--db', db, '--json']);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

test('sessions join the child lines by writer pid', async () => {
  const rows = await sessions();

  expect(rows.map((row) => [row.service, row.pid, row.seconds, row.userid])).toEqual([
    ['echo', 0, 1, null],
    ['telnet', 300, 5, 'UNIX : alice'],
  ]);
  const childFails = await query(db, "SELECT child_fails FROM sessions WHERE service = 'telnet'");
  expect(childFails).toEqual([{ child_fails: ['libwrap'] }]);
});

test('sessions view runs as a hash join', async () => {
  // A nested loop join here took minutes on 10 million events.
  const plan = await query(db, 'EXPLAIN SELECT * FROM sessions');
  const text = plan.map((row) => String(row.explain_value)).join('\n');

  expect(text).toContain('HASH_JOIN');
  expect(text).not.toContain('NL_JOIN');
});

test('questions use this version of a stored view', async () => {
  const instance = await DuckDBInstance.create(db);
  const connection = await instance.connect();
  await connection.run("CREATE OR REPLACE VIEW sessions AS SELECT 'stale' AS service");
  connection.closeSync();
  instance.closeSync();

  const rows = await sessions();

  expect(rows.map((row) => row.service)).toEqual(['echo', 'telnet']);
});
