import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTempDir, removeTempDirs, runLogq } from '../test-support/run.js';
import { buildFilter, where } from './filters.js';
import { openEvents, type EventsDatabase } from './query-source.js';
import { sessionsQuestion, type QuestionOptions } from './questions.js';

// The sessions question reads only the lines of the keys it prints. These cases compare
// it with the same question over the whole sessions view. The log is made to be awkward.
// It has few pids, so keys repeat over weeks, and pid 0 connections that overlap. Some
// EXITs come more than 7 days late, some lines share a second, children write their own
// lines, and classic lines have no host.

let dir = '';
let db = '';
let database: EventsDatabase;

const SERVICES = ['telnet', 'ftp', 'echo'];

/** Returns a deterministic pseudo-random number generator in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function stamp(time: number): string {
  return new Date(time).toISOString().replace('.000Z', '+00:00');
}

function classicStamp(time: number): string {
  const date = new Date(time);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear() % 100}/${date.getMonth() + 1}/${date.getDate()}@${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** Returns syslog lines from hosts a and b and classic lines, over about 40 days. */
function makeLogs(): { syslog: string[]; classic: string[] } {
  const next = random(7);
  const syslog: string[] = [];
  const classic: string[] = [];
  let time = Date.UTC(2026, 9, 20, 0, 0, 0);
  for (let i = 0; i < 3000; i++) {
    if (next() > 0.2) time += Math.floor(next() * 40_000_000);
    const service = SERVICES[Math.floor(next() * SERVICES.length)]!;
    const pid = service === 'echo' ? 0 : 100 + Math.floor(next() * 4);
    const source = `192.0.2.${1 + Math.floor(next() * 6)}`;
    const roll = next();
    let body: string;
    let writer = 900;
    if (roll < 0.4) body = `START: ${service} pid=${pid} from=${source}`;
    else if (roll < 0.75) body = next() < 0.2 ? `EXIT: ${service} signal=9 pid=${pid} duration=${Math.floor(next() * 9)}(sec)` : `EXIT: ${service} status=${next() < 0.8 ? 0 : 1} pid=${pid} duration=${Math.floor(next() * 9)}(sec)`;
    else if (roll < 0.9) {
      body = `USERID: ${service} UNIX : user${Math.floor(next() * 3)}`;
      writer = pid || 100;
    } else {
      body = `FAIL: ${service} libwrap from=${source}`;
      writer = pid || 101;
    }
    const where = next();
    if (where < 0.8) syslog.push(`${stamp(time)} ${where < 0.5 ? 'a' : 'b'} xinetd[${writer}]: ${body}`);
    else if (!body.startsWith('USERID') && !body.startsWith('FAIL')) classic.push(`${classicStamp(time)}: ${body}`);
  }
  return { syslog, classic };
}

beforeAll(async () => {
  dir = makeTempDir();
  db = join(dir, 'logq.duckdb');
  const { syslog, classic } = makeLogs();
  writeFileSync(join(dir, 'syslog'), syslog.join('\n') + '\n');
  writeFileSync(join(dir, 'classic.log'), classic.join('\n') + '\n');
  const result = await runLogq(['ingest', '--db', db, join(dir, 'syslog'), join(dir, 'classic.log')]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  database = await openEvents({ db }, { stdout: process.stdout, stderr: process.stderr, env: {} }, { views: true });
});

afterAll(() => {
  database.close();
  removeTempDirs();
});

const CASES: QuestionOptions[] = [
  {},
  { limit: 1 },
  { limit: 500 },
  { limit: 5000 },
  { service: 'echo', limit: 200 },
  { service: 'telnet', host: 'b' },
  { source: '192.0.2.3', limit: 300 },
  { source: '192.0.2.0/30', limit: 300 },
  { since: new Date(Date.UTC(2026, 10, 10)) },
  { since: new Date(Date.UTC(2026, 10, 10)), until: new Date(Date.UTC(2026, 10, 20)), limit: 400 },
  { until: new Date(Date.UTC(2026, 9, 28)), limit: 400 },
];

const BY_CASES: QuestionOptions[] = CASES.map((options) => ({ ...options, by: 'service,host,source', limit: 1000 }));

/** Returns the rows of the question written over the whole sessions view. */
async function fromWholeView(options: QuestionOptions): Promise<Record<string, unknown>[]> {
  const filter = await buildFilter(database.connection, options, 'start_time');
  filter.params.limit = options.limit ?? 50;
  const sql = options.by === undefined
    ? `SELECT start_time, host, service, pid, source_ip, exit_time, status, signal, duration_ms / 1000 AS seconds, userid
       FROM sessions WHERE ${where(filter)} ORDER BY start_time DESC, file_id, line_number LIMIT $limit`
    : `SELECT service, host, source_ip AS source, count(*) AS sessions, count(exit_time) AS ended,
         count(*) FILTER (WHERE status <> 0 OR signal IS NOT NULL) AS failed,
         round(median(duration_ms) / 1000, 1) AS median_seconds, max(duration_ms) / 1000 AS max_seconds
       FROM sessions WHERE ${where(filter)} GROUP BY ALL ORDER BY sessions DESC LIMIT $limit`;
  return (await database.connection.runAndReadAll(sql, filter.params)).getRowObjectsJS();
}

async function fromQuestion(options: QuestionOptions): Promise<Record<string, unknown>[]> {
  const question = await sessionsQuestion(database, options);
  return (await database.connection.runAndReadAll(question.sql, question.params)).getRowObjectsJS();
}

/** Sorts grouped rows, whose order among equal counts is not defined. */
function sorted(rows: Record<string, unknown>[]): string[] {
  return rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))).sort();
}

test('log has the awkward cases', async () => {
  const rows = await fromWholeView({ limit: 5000 });
  const joined = rows.filter((row) => row.exit_time !== null);

  expect(rows.length).toBeGreaterThan(900);
  expect(joined.length).toBeGreaterThan(100);
  expect(joined.length).toBeLessThan(rows.length);
  expect(rows.some((row) => row.host === null)).toBe(true);
  expect(rows.some((row) => row.pid === 0 && row.exit_time !== null)).toBe(true);
  expect(rows.some((row) => row.userid !== null)).toBe(true);
});

test('sessions list equals whole view', async () => {
  for (const options of CASES) {
    const expected = await fromWholeView(options);
    expect({ options, rows: await fromQuestion(options) }).toEqual({ options, rows: expected });
  }
});

test('sessions by group equal whole view', async () => {
  for (const options of BY_CASES) {
    const expected = await fromWholeView(options);
    expect(expected.length).toBeLessThan(1000);
    expect({ options, rows: sorted(await fromQuestion(options)) }).toEqual({ options, rows: sorted(expected) });
  }
});
