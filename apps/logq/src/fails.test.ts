import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ALL_PARTS, formatServiceLine, type FailReason } from '#logformat';
import { countRows, makeTempDir, removeTempDirs, runLogq } from '../test-support/run.js';

// The tests run with TZ=Asia/Kolkata (vitest.config.ts), so local 20:00 is 14:30 UTC.
const NOW = new Date(2026, 11, 4, 20, 0, 0);

function minutesBefore(minutes: number): Date {
  return new Date(NOW.getTime() - minutes * 60 * 1000);
}

function failLine(time: Date, service: string, reason: FailReason, ip: string | null): string {
  const parts = ip === null ? { ...ALL_PARTS, host: false } : ALL_PARTS;
  return formatServiceLine(time, { event: 'FAIL', service, reason, source: { ip } }, parts);
}

let db = '';

beforeAll(async () => {
  const dir = makeTempDir();
  db = join(dir, 'logq.duckdb');
  const file = join(dir, 'xinetd.log');
  const lines = [
    failLine(minutesBefore(30), 'telnet', 'address', '10.0.0.1'),
    failLine(minutesBefore(60), 'telnet', 'libwrap', '10.0.0.1'),
    failLine(minutesBefore(120), 'telnet', 'address', '10.0.0.1'),
    failLine(minutesBefore(10), 'ftp', 'per_source_limit', '10.0.0.2'),
    failLine(minutesBefore(5), 'quiet', 'address', null),
    failLine(minutesBefore(3 * 24 * 60), 'telnet', 'address', '10.0.0.1'),
    failLine(minutesBefore(8 * 24 * 60), 'telnet', 'connections per second', '10.0.0.3'),
    formatServiceLine(minutesBefore(1), { event: 'START', service: 'telnet', pid: 5, source: { ip: '10.0.0.9' } }),
    // 14:00 UTC is 19:30 local: 30 minutes before NOW.
    '{"time":"2026-12-04T14:00:00.000Z","host":"gw","event":"FAIL","service":"ftp","reason":"address","source":{"ip":"::ffff:10.0.0.2","port":40200}}',
  ];
  writeFileSync(file, lines.join('\n') + '\n');
  const result = await runLogq(['ingest', '--db', db, file]);
  expect(result.status).toBe(0);
});

afterAll(removeTempDirs);

function fails(...args: string[]): ReturnType<typeof runLogq> {
  return runLogq(['fails', '--db', db, ...args], { now: NOW });
}

test('fails since 1d prints a table', async () => {
  const result = await fails('--since', '1d');

  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toBe(
    [
      'SOURCE    SERVICE  REASONS                   COUNT  FIRST SEEN           LAST SEEN',
      '10.0.0.1  telnet   address,libwrap               3  2026-12-04 18:00:00  2026-12-04 19:30:00',
      '10.0.0.2  ftp      address,per_source_limit      2  2026-12-04 19:30:00  2026-12-04 19:50:00',
      '-         quiet    address                       1  2026-12-04 19:55:00  2026-12-04 19:55:00',
      '',
    ].join('\n'),
  );
});

test('fails without range covers all events', async () => {
  const result = await fails();

  const rows = result.stdout.trimEnd().split('\n').slice(1);
  expect(rows.map((row) => row.split(/\s{2,}/).slice(0, 4))).toEqual([
    ['10.0.0.1', 'telnet', 'address,libwrap', '4'],
    ['10.0.0.2', 'ftp', 'address,per_source_limit', '2'],
    ['10.0.0.3', 'telnet', 'connections per second', '1'],
    ['-', 'quiet', 'address', '1'],
  ]);
});

test('fails since accepts each duration form', async () => {
  const cases: [string, number][] = [
    ['45m', 4],
    ['2h30m', 6],
    ['90m', 5],
    ['1w', 7],
    // The event exactly 3 days old is included: --since is inclusive.
    ['3d', 7],
    ['1w2d', 8],
    ['30s', 0],
  ];
  for (const [since, expected] of cases) {
    const result = await fails('--since', since, '--json');
    const groups = JSON.parse(result.stdout) as { count: number }[];
    expect({ since, total: groups.reduce((sum, group) => sum + group.count, 0) }).toEqual({ since, total: expected });
  }
});

test('fails since and until take ISO times', async () => {
  const local = await fails('--since', '2026-12-04', '--until', '2026-12-04T19:45', '--json');
  expect((JSON.parse(local.stdout) as { source: string; count: number }[]).map((group) => [group.source, group.count])).toEqual([
    ['10.0.0.1', 3],
    ['10.0.0.2', 1],
  ]);

  const zoned = await fails('--since', '2026-12-04T14:00:00Z', '--json');
  expect((JSON.parse(zoned.stdout) as { count: number }[]).map((group) => group.count)).toEqual([2, 1, 1]);

  const offset = await fails('--since', '2026-12-04 19:30:00+05:30', '--json');
  expect(offset.stdout).toBe(zoned.stdout);
});

test('fails --json prints the groups', async () => {
  const result = await fails('--since', '1d', '--json');

  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual([
    {
      source: '10.0.0.1',
      service: 'telnet',
      reasons: ['address', 'libwrap'],
      count: 3,
      first_seen: '2026-12-04T12:30:00.000Z',
      last_seen: '2026-12-04T14:00:00.000Z',
    },
    {
      source: '10.0.0.2',
      service: 'ftp',
      reasons: ['address', 'per_source_limit'],
      count: 2,
      first_seen: '2026-12-04T14:00:00.000Z',
      last_seen: '2026-12-04T14:20:00.000Z',
    },
    {
      source: null,
      service: 'quiet',
      reasons: ['address'],
      count: 1,
      first_seen: '2026-12-04T14:25:00.000Z',
      last_seen: '2026-12-04T14:25:00.000Z',
    },
  ]);
});

test('fails with no match says so', async () => {
  const text = await fails('--since', '1m');
  expect(text.status).toBe(0);
  expect(text.stdout).toBe('no FAIL events since 2026-12-04 19:59:00\n');

  const json = await fails('--since', '1m', '--json');
  expect(json.stdout).toBe('[]\n');

  const filtered = await fails('--service', 'nntp', '--until', '2026-12-01');
  expect(filtered.stdout).toBe('no FAIL events for service nntp until 2026-12-01 00:00:00\n');
});

test('fails filters by source and service', async () => {
  const source = await fails('--source', '10.0.0.1', '--json');
  expect(JSON.parse(source.stdout)).toHaveLength(1);
  expect(JSON.parse(source.stdout)[0].count).toBe(4);

  const service = await fails('--service', 'ftp', '--json');
  expect(JSON.parse(service.stdout)[0].source).toBe('10.0.0.2');
});

test('SQL-looking filter values are bound, not run', async () => {
  const source = await fails('--source', "10.0.0.1' OR '1'='1");
  expect(source.status).toBe(2);
  expect(source.stderr).toContain('[LOGQ_INVALID_SOURCE]');

  const service = await fails('--service', "x'; DROP TABLE events; --", '--json');
  expect(service.stdout).toBe('[]\n');

  expect(await countRows(db, 'events')).toBe(9);
});

test('fails rejects an empty time range', async () => {
  const result = await fails('--since', '1h', '--until', '2h');

  expect(result.status).toBe(2);
  expect(result.stderr).toContain('[LOGQ_INVALID_RANGE]');
  expect(result.stdout).toBe('');
});

test('fails rejects a malformed --since', async () => {
  for (const value of ['3x', '1d2', '2026-02-30', 'yesterday', "1d'; DROP TABLE events"]) {
    const result = await fails('--since', value);
    expect({ value, status: result.status }).toEqual({ value, status: 2 });
    expect(result.stderr).toContain(`argument '${value}' is invalid`);
  }
});

test('fails without a database says to ingest first', async () => {
  const dir = makeTempDir();
  const missing = join(dir, 'none.duckdb');

  const result = await runLogq(['fails', '--db', missing]);

  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`database ${missing} not found: run \`logq ingest FILE…\` first`);
  expect(result.stderr).toContain('[LOGQ_DB_NOT_FOUND]');
  expect(existsSync(missing)).toBe(false);
});

test('fails with a limit matches the full result', async () => {
  for (const by of ['source,service', 'service', 'reason', 'source,reason,host']) {
    const full = JSON.parse((await fails('--by', by, '--json')).stdout) as unknown[];
    const limited = JSON.parse((await fails('--by', by, '--json', '--limit', '3')).stdout) as unknown[];
    const wide = JSON.parse((await fails('--by', by, '--json', '--limit', '50')).stdout) as unknown[];
    expect({ by, limited }).toEqual({ by, limited: full.slice(0, 3) });
    expect({ by, wide }).toEqual({ by, wide: full });
  }
});
