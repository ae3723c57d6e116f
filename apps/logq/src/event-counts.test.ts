import { appendFileSync, copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { countsMismatch } from '../test-support/event-counts.js';
import { makeTempDir, query, removeTempDirs, runLogq, runSql } from '../test-support/run.js';
import { openEvents, type EventsDatabase } from './query-source.js';
import { servicesQuestion, topQuestion, type Question, type QuestionOptions } from './questions.js';

afterEach(removeTempDirs);

// TZ is Asia/Kolkata (vitest.config.ts); yearless syslog stamps take the year of NOW.
const NOW = new Date(2026, 11, 4, 12, 0, 0);

const SUBJECTS = ['sources', 'services', 'reasons', 'hosts'];

const FILTERS: QuestionOptions[] = [
  {},
  { kind: 'FAIL' },
  { kind: 'exit' },
  { kind: 'MESSAGE' },
  { service: 'telnet' },
  { source: '198.51.100.9' },
  { source: '192.0.2.0/24' },
  { source: '2001:db8::/32' },
  { host: 'gw' },
  { host: 'gw', service: 'ftp', kind: 'FAIL' },
  { limit: 2 },
  { limit: 1, kind: 'START' },
];

function classic(minute: number, body: string): string {
  return `26/12/4@10:${String(minute).padStart(2, '0')}:00: ${body}`;
}

function syslog(host: string, minute: number, body: string): string {
  return `Dec  4 10:${String(minute).padStart(2, '0')}:30 ${host} xinetd[9]: ${body}`;
}

/** Returns a few lines of every kind, from several sources, services and reasons. */
function batch(round: number, form: (minute: number, body: string) => string): string {
  const lines = [
    form(round, `START: telnet pid=${100 + round} from=192.0.2.${round + 1}`),
    form(round, `EXIT: telnet status=${round % 2} pid=${100 + round} duration=${round}(sec)`),
    form(round, `FAIL: telnet address from=198.51.100.9`),
    form(round, `FAIL: ftp connections per second from=198.51.100.${10 + (round % 3)}`),
    form(round, `FAIL: ftp per_source_limit from=2001:db8::${round + 1}`),
    form(round, `START: echo pid=0 from=192.0.2.${(round % 2) + 8}`),
    form(round, `USERID: telnet text`),
  ];
  return lines.join('\n') + '\n';
}

type Build = (database: EventsDatabase) => Promise<Question>;

async function answer(database: EventsDatabase, build: Build, eventCounts: boolean): Promise<unknown[]> {
  database.eventCounts = eventCounts;
  const question = await build(database);
  // Each side must really read its own table.
  expect(question.sql.includes('event_counts')).toBe(eventCounts);
  return (await database.connection.runAndReadAll(question.sql, question.params)).getRowObjectsJS();
}

/** Lists every `top` subject and filter, and `services` with every filter it takes. */
function questions(): [string, Build][] {
  const tops = SUBJECTS.flatMap((subject) =>
    FILTERS.map((options): [string, Build] => [`top ${subject} ${JSON.stringify(options)}`, (database) => topQuestion(database, subject, options)]),
  );
  const services = FILTERS.filter((options) => options.kind === undefined && options.limit === undefined).map(
    (options): [string, Build] => [`services ${JSON.stringify(options)}`, (database) => servicesQuestion(database, options)],
  );
  return [...tops, ...services];
}

/** Checks the table against the events, and every question it answers against the same question over events. */
async function expectSameAnswers(db: string, step: string): Promise<void> {
  expect({ step, mismatch: await countsMismatch(db) }).toEqual({ step, mismatch: [] });
  const database = await openEvents({ db }, { stdout: process.stdout, stderr: process.stderr, env: {} });
  let answered = 0;
  try {
    for (const [name, build] of questions()) {
      const fromEvents = await answer(database, build, false);
      const fromCounts = await answer(database, build, true);
      expect({ step, name, rows: fromCounts }).toEqual({ step, name, rows: fromEvents });
      if (fromEvents.length > 0) answered++;
    }
  } finally {
    database.close();
  }
  // Most combinations find rows, so the comparison is not between empty results.
  expect(answered).toBeGreaterThan(questions().length / 2);
}

async function ingest(db: string, ...files: string[]): Promise<string> {
  const result = await runLogq(['ingest', '--db', db, ...files], { now: NOW });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

test('event_counts matches events across ingests', async () => {
  const dir = makeTempDir();
  const db = join(dir, 'logq.duckdb');
  const local = join(dir, 'xinetd.log');
  const gw = join(dir, 'gw.log');
  const gwJson = join(dir, 'gw.jsonl');

  writeFileSync(local, batch(0, classic) + classic(1, 'Started working: 2 available services') + '\n');
  writeFileSync(gw, batch(0, (minute, body) => syslog('gw', minute, body)));
  await ingest(db, local, gw);
  await expectSameAnswers(db, 'first ingest');

  appendFileSync(local, batch(2, classic));
  appendFileSync(gw, batch(2, (minute, body) => syslog('other', minute, body)));
  await ingest(db, local, gw);
  await expectSameAnswers(db, 'appended lines');

  // Rotation: the renamed file gets one more batch, and a new file takes its name.
  renameSync(gw, `${gw}.1`);
  appendFileSync(`${gw}.1`, batch(3, (minute, body) => syslog('gw', minute, body)));
  writeFileSync(gw, batch(4, (minute, body) => syslog('gw', minute, body)));
  await ingest(db, `${gw}.1`, gw);
  await expectSameAnswers(db, 'rotated file');

  // Rewritten from scratch and shorter, so it is read again from byte 0.
  writeFileSync(local, batch(5, classic));
  expect(await ingest(db, local)).toContain('read again from the start');
  await expectSameAnswers(db, 'rewritten file');

  // A copy that grew past its original, a file named twice, and JSONL with mapped addresses.
  copyFileSync(`${gw}.1`, join(dir, 'copy.log'));
  appendFileSync(join(dir, 'copy.log'), batch(6, (minute, body) => syslog('copy', minute, body)));
  appendFileSync(local, batch(7, classic));
  writeFileSync(
    gwJson,
    // Halves add up exactly in any order, like whole milliseconds.
    '{"time":"2026-12-04T05:00:00.000Z","host":"gw","event":"FAIL","service":"ssh","reason":"address","source":{"ip":"::ffff:198.51.100.9","port":4001}}\n' +
      '{"time":"2026-12-04T05:00:01.000Z","host":"gw","event":"START","service":"telnet","pid":7,"source":{"ip":"192.0.2.5","port":4000}}\n' +
      '{"time":"2026-12-04T05:00:03.500Z","host":"gw","event":"EXIT","service":"telnet","pid":7,"status":0,"signal":null,"duration_ms":2500.5}\n',
  );
  await ingest(db, join(dir, 'copy.log'), local, local, gwJson);
  await expectSameAnswers(db, 'copy, repeated file and JSONL');

  // Nothing new: the counts stay as they are.
  await ingest(db, local, gw, `${gw}.1`);
  await expectSameAnswers(db, 'no new lines');
});

test('version 1 database is read, then migrated', async () => {
  const dir = makeTempDir();
  const db = join(dir, 'logq.duckdb');
  const log = join(dir, 'xinetd.log');
  writeFileSync(log, batch(0, classic) + batch(1, classic));
  await ingest(db, log);
  const expected = await runLogq(['top', 'reasons', '--db', db, '--json']);
  // Version 1 was version 2 without event_counts.
  await runSql(db, 'DROP TABLE event_counts', 'UPDATE schema_version SET version = 1');

  const fromEvents = await runLogq(['top', 'reasons', '--db', db, '--json']);
  expect(fromEvents.stderr).toBe('');
  expect(JSON.parse(fromEvents.stdout)).toEqual(JSON.parse(expected.stdout));
  expect(await query(db, 'SELECT version FROM schema_version')).toEqual([{ version: 1 }]);
  expect(await query(db, "SELECT table_name FROM duckdb_tables() WHERE table_name = 'event_counts'")).toEqual([]);

  appendFileSync(log, batch(2, classic));
  await ingest(db, log);
  expect(await query(db, 'SELECT version FROM schema_version')).toEqual([{ version: 2 }]);
  await expectSameAnswers(db, 'migrated');
});
