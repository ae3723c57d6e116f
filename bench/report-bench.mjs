#!/usr/bin/env node
/**
 * Times `logq report` and `logq suggest` on a generated database of 10 million events
 * (90 days, 20 services, 5,000 internal clients, about 900,000 FAILs from 30,000 sources)
 * and prints the wall time of each run and the report's size.
 *
 *   npx tsc -b && node bench/report-bench.mjs [--events N] [--rounds R] [--db PATH]
 *
 * The database is written straight by SQL into logq's schema, because ingesting 10 million
 * lines is what the ingest benchmark measures, not this one. It is reused when it exists.
 * No other tool draws this report, so there is no side-by-side run: the targets are under
 * 5 s per report and under 2 MB per file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOGQ = join(ROOT, 'bin', 'logq.js');
const { ensureSchema } = await import(join(ROOT, 'apps', 'logq', 'dist', 'schema.js'));

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const EVENTS = Number(option('events', '10000000'));
const ROUNDS = Number(option('rounds', '3'));
const DB = option('db', join(tmpdir(), `logq-report-bench-${EVENTS}.duckdb`));

// Every column is a function of the row number i and hashes of it, so the data is the
// same on every machine. Kinds: 44 % START, 44 % EXIT, 9 % FAIL, 1 % USERID, rest TRAFFIC,
// and one daemon message per 10,000 rows.
const GENERATE = `
INSERT INTO events
WITH base AS (
  SELECT i, hash(i) AS h, hash(i * 31 + 7) AS g,
    TIMESTAMPTZ '2026-09-05 00:00:00+00' + to_microseconds(CAST(i * (CAST(90 * 86400 AS BIGINT) * 1000000 // $events) AS BIGINT)) AS time
  FROM range($events) r(i)),
shaped AS (
  SELECT *, CASE
      WHEN i % 10000 = 0 THEN 'MESSAGE'
      WHEN h % 100 < 44 THEN 'START' WHEN h % 100 < 88 THEN 'EXIT' WHEN h % 100 < 97 THEN 'FAIL'
      WHEN h % 100 < 98 THEN 'USERID' ELSE 'TRAFFIC' END AS kind,
    'svc' || lpad(CAST(g % 20 AS VARCHAR), 2, '0') AS service
  FROM base),
sourced AS (
  SELECT *, CASE
      WHEN kind = 'START' THEN '10.' || (g % 20) || '.' || ((g >> 8) % 250) || '.' || ((h >> 16) % 250)
      WHEN kind = 'FAIL' AND g % 10 < 7 THEN '203.0.' || (100 + (g >> 4) % 40) || '.' || ((h >> 20) % 50)
      WHEN kind = 'FAIL' THEN '198.' || (18 + (g >> 4) % 2) || '.' || ((h >> 12) % 256) || '.' || ((h >> 24) % 256)
    END AS source_ip
  FROM shaped)
SELECT 1, i + 1, time, 'gw', kind,
  CASE WHEN kind = 'MESSAGE' THEN NULL ELSE service END,
  CASE WHEN kind IN ('START', 'EXIT') THEN CAST(1000 + (i % 30000) AS INTEGER) END,
  source_ip, NULL,
  CASE WHEN kind = 'FAIL' THEN (CASE WHEN h % 10 < 8 THEN 'address' WHEN h % 10 < 9 THEN 'libwrap' ELSE 'per_source_limit' END) END,
  CASE WHEN kind = 'EXIT' THEN CAST(CASE WHEN h % 50 = 0 THEN 1 ELSE 0 END AS INTEGER) END,
  NULL,
  CASE WHEN kind = 'EXIT' THEN CAST(1000 * ((g >> 3) % 900) AS DOUBLE) END,
  CASE WHEN kind = 'USERID' THEN 'UNIX : user' || (g % 50)
       WHEN kind = 'MESSAGE' THEN (CASE WHEN i % 40000 = 0 THEN 'Started working: 20 available services' ELSE 'Reconfigured: new=0 old=20 dropped=0 (services)' END) END,
  CASE WHEN kind = 'MESSAGE' THEN 'NOTICE' END,
  NULL, NULL, NULL, 'file',
  kind || ': ' || service || coalesce(' from=' || source_ip, '')
FROM sourced`;

async function generate() {
  const instance = await DuckDBInstance.create(DB);
  const connection = await instance.connect();
  await connection.run('BEGIN');
  await ensureSchema(connection, DB);
  await connection.run(`INSERT INTO files VALUES (1, 'bench', 0, 0, 0, 0, $events, NULL, NULL, now(), now(), now())`, { events: EVENTS });
  await connection.run(GENERATE, { events: EVENTS });
  await connection.run('COMMIT');
  connection.closeSync();
  instance.closeSync();
}

/** Runs logq under /usr/bin/time and returns its wall and CPU (user + system) seconds. */
function timed(args, dir) {
  const times = join(dir, 'time.txt');
  execFileSync('/usr/bin/time', ['-o', times, '-f', '%e %U %S', process.execPath, LOGQ, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const [wall, user, system] = readFileSync(times, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { wall, cpu: user + system };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (!existsSync(DB)) {
  const start = Date.now();
  await generate();
  console.log(`generated ${EVENTS.toLocaleString('en-US')} events in ${((Date.now() - start) / 1000).toFixed(1)} s: ${DB} (${(statSync(DB).size / 1e6).toFixed(0)} MB)`);
}
const out = mkdtempSync(join(tmpdir(), 'logq-report-bench-'));
try {
  const report = join(out, 'report.html');
  const reportTimes = [];
  const suggestTimes = [];
  for (let round = 0; round < ROUNDS; round++) {
    reportTimes.push(timed(['report', '--db', DB, '-o', report], out));
    suggestTimes.push(timed(['suggest', '--db', DB, '--ban-time', 'never'], out));
  }
  // The machine may be shared: CPU time varies less with other load than wall time does.
  const format = (times) =>
    `wall ${times.map((time) => time.wall.toFixed(2)).join(' / ')} s (median ${median(times.map((time) => time.wall)).toFixed(2)}), ` +
    `CPU median ${median(times.map((time) => time.cpu)).toFixed(2)} s`;
  console.log(`logq report:  ${format(reportTimes)}`);
  console.log(`logq suggest: ${format(suggestTimes)}`);
  console.log(`report size:  ${(statSync(report).size / 1024).toFixed(0)} KiB`);
  console.log(`load average after the runs: ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
