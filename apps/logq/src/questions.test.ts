import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mayReadViews } from './question-commands.js';
import { makeTempDir, removeTempDirs, runLogq } from '../test-support/run.js';

// TZ is Asia/Kolkata (vitest.config.ts): 10:00 local is 04:30 UTC.
const NOW = new Date(2026, 11, 4, 12, 0, 0);

let dir = '';
let db = '';
let jsonl = '';

const CLASSIC = [
  '26/12/4@10:00:00: START: telnet pid=200 from=192.0.2.5',
  '26/12/4@10:00:07: EXIT: telnet status=1 pid=200 duration=7(sec)',
  '26/12/4@10:01:00: START: telnet pid=201 from=192.0.2.6',
  '26/12/4@10:02:00: START: telnet pid=200 from=192.0.2.7',
  '26/12/4@10:02:03: EXIT: telnet signal=9 pid=200 duration=3(sec)',
  '26/12/4@10:03:00: FAIL: telnet address from=198.51.100.9',
  '26/12/4@10:03:01: FAIL: telnet address from=198.51.100.9',
  '26/12/4@10:03:02: FAIL: ftp connections per second from=198.51.100.10',
  '26/12/4@10:03:03: FAIL: ftp per_source_limit from=2001:db8::1',
  '26/12/4@11:10:00: START: echo pid=0 from=192.0.2.8',
  '26/12/4@11:10:00: START: echo pid=0 from=192.0.2.9',
  '26/12/4@11:10:01: EXIT: echo status=0 pid=0 duration=1(sec)',
  '26/12/4@11:10:02: EXIT: echo status=0 pid=0 duration=2(sec)',
  '26/12/4@11:20:00: START: echo pid=0 from=192.0.2.8',
  '26/12/4@11:20:01: EXIT: echo status=0 pid=0 duration=1(sec)',
];

beforeAll(async () => {
  dir = makeTempDir();
  db = join(dir, 'logq.duckdb');
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, CLASSIC.join('\n') + '\n');
  jsonl = join(dir, 'gw.jsonl');
  writeFileSync(
    jsonl,
    [
      '{"time":"2026-12-04T05:00:00.000Z","host":"gw","event":"START","service":"ssh","pid":7,"source":{"ip":"::ffff:192.0.2.5","port":4000}}',
      '{"time":"2026-12-04T05:00:02.500Z","host":"gw","event":"EXIT","service":"ssh","pid":7,"status":0,"signal":null,"duration_ms":2500}',
      '{"time":"2026-12-04T05:01:00.000Z","host":"gw","event":"FAIL","service":"ssh","reason":"address","source":{"ip":"198.51.100.9","port":4001}}',
    ].join('\n') + '\n',
  );
  const result = await runLogq(['ingest', '--db', db, '--host', 'box', file, jsonl], { now: NOW });
  expect(result.status).toBe(0);
});

afterAll(removeTempDirs);

function logq(...args: string[]): ReturnType<typeof runLogq> {
  return runLogq([...args, '--db', db], { now: NOW });
}

async function json(...args: string[]): Promise<Record<string, unknown>[]> {
  const result = await logq(...args, '--json');
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

test('top sources counts STARTs and FAILs', async () => {
  const result = await logq('top', '--limit', '2');

  expect(result.stdout).toBe(
    [
      'SOURCE        EVENTS  STARTS  FAILS  SERVICES  LAST SEEN',
      '198.51.100.9       3       0      3         2  2026-12-04 10:31:00',
      '192.0.2.5          2       2      0         2  2026-12-04 10:30:00',
      '',
    ].join('\n'),
  );
});

test('top services with a kind', async () => {
  const rows = await json('top', 'services', '--kind', 'fail');
  expect(Object.keys(rows[0]!)).not.toContain('services');
  expect(rows.map((row) => [row.service, row.events])).toEqual([
    ['ftp', 2],
    ['telnet', 2],
    ['ssh', 1],
  ]);
});

test('source filter takes CIDR networks', async () => {
  const v4 = await json('fails', '--source', '198.51.100.0/24', '--by', 'source');
  expect(v4.map((row) => [row.source, row.count])).toEqual([
    ['198.51.100.9', 3],
    ['198.51.100.10', 1],
  ]);
  const v6 = await json('fails', '--source', '2001:db8::/32');
  expect(v6.map((row) => row.source)).toEqual(['2001:db8::1']);
  const bad = await logq('fails', '--source', '10.0.0.0/99');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('[LOGQ_INVALID_SOURCE]');
});

test('cut-off or invalid address is a usage error', async () => {
  for (const source of ['10.20.0', 'bogus', '10.0.0.999', '010.0.0.1']) {
    const result = await logq('fails', '--source', source);
    expect(result.status, source).toBe(2);
    expect(result.stderr, source).toContain(`--source ${source} is not an address or a CIDR network`);
  }
});

test('source network without stored addresses', async () => {
  const fails = await logq('fails', '--source', '10.0.0.0/8');
  expect(fails.stderr).toBe('');
  expect(fails.stdout).toBe('no FAIL events from 10.0.0.0/8 in database ' + db + '\n');
  const top = await logq('top', 'sources', '--source', '10.0.0.0/8');
  expect(top.stderr).toBe('');
  expect(top.status).toBe(0);
  expect(top.stdout).toBe('SOURCE  EVENTS  STARTS  FAILS  SERVICES  LAST SEEN\n');
});

test('fails by reason and host', async () => {
  const rows = await json('fails', '--by', 'host,reason');
  expect(rows.map((row) => [row.host, row.reason, row.count])).toEqual([
    ['box', 'address', 2],
    ['box', 'connections per second', 1],
    ['box', 'per_source_limit', 1],
    ['gw', 'address', 1],
  ]);
});

test('sessions join START to EXIT by pid', async () => {
  const rows = await json('sessions', '--service', 'telnet');
  expect(rows.map((row) => [row.pid, row.source_ip, row.status, row.signal, row.seconds])).toEqual([
    [200, '192.0.2.7', null, 9, 3],
    [201, '192.0.2.6', null, null, null],
    [200, '192.0.2.5', 1, null, 7],
  ]);
});

test('pid 0 sessions join only when alone', async () => {
  const rows = await json('sessions', '--service', 'echo');
  expect(rows.map((row) => [row.source_ip, row.seconds])).toEqual([
    ['192.0.2.8', 1],
    ['192.0.2.8', null],
    ['192.0.2.9', null],
  ]);
});

test('sessions by service aggregate', async () => {
  const rows = await json('sessions', '--by', 'service');
  const telnet = rows.find((row) => row.service === 'telnet');
  expect(telnet).toMatchObject({ sessions: 3, ended: 2, failed: 2, max_seconds: 7 });
  const ssh = rows.find((row) => row.service === 'ssh');
  expect(ssh).toMatchObject({ sessions: 1, ended: 1, failed: 0, median_seconds: 2.5 });
});

test('services summarises each service', async () => {
  const result = await logq('services', '--csv');
  expect(result.stdout.split('\n')[0]).toBe('service,starts,exits,failed_exits,fails,avg_seconds,max_seconds,sources,last_seen');
  expect(result.stdout).toContain('\ntelnet,3,2,2,2,5,7,4,2026-12-04T04:33:01.000Z\n');
});

test('timeline buckets by hour in local time', async () => {
  const rows = await json('timeline', '--bucket', '1h', '--kind', 'START');
  expect(rows).toEqual([
    { bucket: '2026-12-04T04:30:00.000Z', kind: 'START', events: 4 },
    { bucket: '2026-12-04T05:30:00.000Z', kind: 'START', events: 3 },
  ]);
  const bad = await logq('timeline', '--bucket', 'soon');
  expect(bad.stderr).toContain('[LOGQ_INVALID_OPTION]');
});

test('timeline days start at local midnight', async () => {
  // Local midnight in Asia/Kolkata is 18:30 UTC on the day before.
  const rows = await json('timeline', '--bucket', '1d', '--kind', 'FAIL');
  expect(rows).toEqual([{ bucket: '2026-12-03T18:30:00.000Z', kind: 'FAIL', events: 5 }]);
  // --from reads into an in-memory database, which takes the zone the same way.
  const fromJsonl = JSON.parse((await runLogq(['timeline', '--bucket', '1d', '--kind', 'FAIL', '--from', jsonl, '--json'])).stdout) as unknown;
  expect(fromJsonl).toEqual([{ bucket: '2026-12-03T18:30:00.000Z', kind: 'FAIL', events: 1 }]);
});

test('top reads events as it reads counts', async () => {
  // With --since, top groups the events. Without, it reads event_counts.
  for (const subject of ['sources', 'services', 'reasons', 'hosts']) {
    for (const kind of [[], ['--kind', 'exit']]) {
      const counted = await json('top', subject, ...kind);
      const grouped = await json('top', subject, ...kind, '--since', '2000-01-01');
      expect({ subject, kind, rows: grouped }).toEqual({ subject, kind, rows: counted });
    }
  }
});

test('since and until bound every question', async () => {
  const rows = await json('top', 'services', '--since', '2026-12-04T11:00', '--until', '2026-12-04T11:15');
  expect(rows.map((row) => [row.service, row.events])).toEqual([['echo', 2]]);
});

test('query runs SQL over the views', async () => {
  const result = await logq('query', 'SELECT action, subject_service FROM messages UNION ALL SELECT service, NULL FROM sessions WHERE pid = 7');
  expect(result.stdout).toBe('ACTION  SUBJECT_SERVICE\nssh     -\n');
  const bad = await logq('query', 'SELECT * FROM nowhere');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('[LOGQ_QUERY_FAILED]');
});

test('query creates the views when it may read them', async () => {
  const temporaryViews = 'SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal ORDER BY view_name';
  expect((await json('query', temporaryViews)).map((row) => row.view_name)).toEqual(['messages', 'sessions']);
  expect(mayReadViews('SELECT count(*) FROM events')).toBe(false);
  expect(mayReadViews('SELECT * FROM Sessions')).toBe(true);
  expect(mayReadViews('SHOW TABLES')).toBe(true);
  expect(mayReadViews('FROM information_schema.tables')).toBe(true);
  const plain = await logq('query', "SELECT count(*) AS n FROM events WHERE kind = 'FAIL'");
  expect(plain.stdout).toBe('N\n5\n');
});

test('query cannot change the database', async () => {
  const result = await logq('query', 'DELETE FROM events');
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('read-only');
  expect((await json('top', 'services')).length).toBeGreaterThan(0);
});

test('query refuses statements that write files', async () => {
  const target = join(dir, 'copied.csv');
  const statements = [
    [`COPY events TO '${target}'`, 'a COPY statement'],
    [`EXPORT DATABASE '${join(dir, 'exported')}'`, 'an EXPORT statement'],
    [`ATTACH '${join(dir, 'other.duckdb')}' AS other`, 'an ATTACH statement'],
  ];
  for (const [sql, named] of statements) {
    const result = await logq('query', sql!);
    expect(result.status, sql).toBe(2);
    expect(result.stderr, sql).toContain('runs only SELECT statements');
    expect(result.stderr, sql).toContain(`this is ${named}`);
  }
  expect(readdirSync(dir)).not.toContain('copied.csv');
  expect(readdirSync(dir)).not.toContain('other.duckdb');
});

test('parquet export answers the same', async () => {
  const target = join(dir, 'parquet');
  const exported = await logq('export', '--parquet', target);
  expect(exported.stdout).toContain('exported 18 events');
  expect(readdirSync(target).sort()).toEqual(['host_key=box', 'host_key=gw']);

  const fromDb = await json('fails', '--by', 'source');
  const fromParquet = JSON.parse((await runLogq(['fails', '--by', 'source', '--from', target, '--json'])).stdout);
  expect(fromParquet).toEqual(fromDb);

  const again = await logq('export', '--parquet', target);
  expect(again.stderr).toContain('[LOGQ_EXPORT_FAILED]');
});

test('parquet answers every question the same', async () => {
  const target = join(dir, 'parquet-questions');
  expect((await logq('export', '--parquet', target)).status).toBe(0);
  const questions = [['top', 'sources'], ['top', 'services', '--kind', 'exit'], ['services'], ['timeline', '--bucket', '1d'], ['fails', '--limit', '2'], ['sessions'], ['sessions', '--by', 'service'], ['sessions', '--service', 'telnet']];
  for (const question of questions) {
    const fromDb = await json(...question);
    const fromParquet = await runLogq([...question, '--from', target, '--json'], { now: NOW });
    expect({ question, stderr: fromParquet.stderr }).toEqual({ question, stderr: '' });
    expect({ question, rows: JSON.parse(fromParquet.stdout) as unknown }).toEqual({ question, rows: fromDb });
  }
});

test('JSONL answers with kind filters', async () => {
  const result = await runLogq(['services', '--from', jsonl, '--json']);
  expect(result.stderr).toBe('');
  expect(JSON.parse(result.stdout)).toMatchObject([{ service: 'ssh', starts: 1, exits: 1, fails: 1 }]);
});

test('--from rejects a text log and a missing file', async () => {
  const text = join(dir, 'services.log');
  writeFileSync(text, '26/12/4@10:00:00: FAIL: telnet address from=192.0.2.1\n');
  const result = await runLogq(['fails', '--from', text]);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`--from ${text}: not the daemon's JSONL`);
  expect(result.stderr).toContain('[LOGQ_FROM_NOT_JSONL]');

  const missing = await runLogq(['fails', '--from', join(dir, 'missing.jsonl')]);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain('[LOGQ_FILE_NOT_FOUND]');
  expect(missing.stderr).not.toContain('LINE');
});

test('JSONL answers without ingest', async () => {
  const result = await runLogq(['sessions', '--from', jsonl, '--json']);
  const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
  expect(rows).toMatchObject([{ host: 'gw', service: 'ssh', source_ip: '192.0.2.5', seconds: 2.5, status: 0 }]);
});
