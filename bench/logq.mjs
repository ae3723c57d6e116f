#!/usr/bin/env node
/**
 * The logq benchmark: generates a synthetic xinetd log (syslog-prefixed classic lines and
 * the same events as JSONL), measures logq's ingest rate and the latency of two questions,
 * then runs the same questions through the tools an administrator would otherwise use on the
 * same syslog file: grep -c (the floor), Debian's lnav in headless SQL mode, and
 * fail2ban-regex with the stock xinetd-fail filter.
 *
 *   npm run bench:logq -- [--lines N] [--tool-lines M] [--rounds R] [--dir DIR] [--keep-db] [--logq PATH]
 *     [--compare PATH] [--questions IDS] [--no-tools]
 *
 * --keep-db reuses the syslog-form database that an earlier run left in --dir instead of
 * ingesting again (about 70 s per form for 10 million lines), and so measures no ingest.
 * --logq runs another build's bin/logq.js, such as an older checkout, for a before and
 * after comparison on the same database. --compare PATH also times that build's
 * bin/logq.js on each question, in turns with this one round by round, so that both see
 * the same load on a shared machine. Each row's note gives the range of its rounds.
 * --questions fails,top,… picks questions by the ids in QUESTIONS below, and --no-tools
 * leaves out grep, lnav and fail2ban-regex.
 * --store-floor also times DuckDB alone storing the syslog form's rows, already parsed, from
 * memory, on all threads and on one: how long keeping the rows takes, whatever parses
 * them. It then times DuckDB alone parsing the syslog lines as ingest does, without
 * storing them.
 * --lines (default 10,000,000) sizes the log for logq; --tool-lines (default 1,000,000)
 * caps the head of the file that lnav and fail2ban-regex read, because fail2ban-regex
 * reads about 25,000 lines/s here and 10 million lines would take minutes per round.
 * Rates are compared per line, and the table says how many lines each tool read.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './logq-generate.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const LOGQ = resolve(option('logq', join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'logq.js')));
const COMPARE = option('compare', null) && resolve(option('compare', null), 'bin', 'logq.js');
const ROOT = join(dirname(LOGQ), '..');
const keepDb = process.argv.includes('--keep-db');

const lines = Number(option('lines', '10000000'));
const toolLines = Math.min(lines, Number(option('tool-lines', '1000000')));
const rounds = Number(option('rounds', '3'));
const dir = option('dir', null) ?? mkdtempSync(join(tmpdir(), 'logq-bench-'));
mkdirSync(dir, { recursive: true });

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs a command and returns [seconds, stdout, stderr]. Throws with its stderr when it fails. */
function timed(command, args, env = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return [seconds, result.stdout, result.stderr];
}

function best(command, args, env) {
  const runs = [];
  let output = '';
  for (let round = 0; round < rounds; round++) {
    const [seconds, stdout] = timed(command, args, env);
    runs.push(seconds);
    output = stdout;
  }
  return { seconds: median(runs), output };
}

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

const results = [];
function record(tool, question, linesRead, seconds, note = '') {
  results.push({ tool, question, lines: linesRead, seconds, rate: linesRead / seconds, note });
  console.error(`${tool} | ${question} | ${linesRead} lines | ${seconds.toFixed(3)} s | ${note}`);
}

const syslogPath = join(dir, 'xinetd.log');
const jsonlPath = join(dir, 'xinetd.jsonl');
const headPath = join(dir, 'xinetd-head.log');
if (!existsSync(syslogPath) || Number(option('regenerate', '0'))) {
  console.error(`generating ${lines} lines in ${dir} …`);
  await generate({ lines, syslogPath, jsonlPath });
}
execFileSync('sh', ['-c', `head -n ${toolLines} '${syslogPath}' > '${headPath}'`]);

// logq: ingest each form into a fresh database, then ask the questions.
const db = join(dir, 'logq-syslog.duckdb');
if (!keepDb || !existsSync(db)) {
  for (const [form, path] of [['syslog', syslogPath], ['jsonl', jsonlPath]]) {
    const formDb = join(dir, `logq-${form}.duckdb`);
    rmSync(formDb, { force: true });
    // GNU time (Debian's `time` package) reports the CPU time and peak memory of the ingest.
    const ingest = [process.execPath, LOGQ, 'ingest', '--db', formDb, path];
    const command = have('/usr/bin/time') ? ['/usr/bin/time', '-f', 'usage: %U s user, %S s system, %M KiB peak memory', ...ingest] : ingest;
    const [seconds, output, errors] = timed(command[0], command.slice(1));
    const used = /usage: .*/.exec(errors)?.[0] ?? '';
    const size = `database ${(statSync(formDb).size / 1e6).toFixed(0)} MB`;
    record('logq', `ingest (${form})`, lines, seconds, `${output.trim().split('\n').pop()} ${used}, ${size}`.replace(/^ /, ''));
  }
}

/** Runs `work` and returns its wall seconds and the CPU seconds of this process, DuckDB's threads included. */
async function measured(work) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await work();
  const used = process.cpuUsage(cpu);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpu: (used.user + used.system) / 1e6 };
}

/**
 * Times DuckDB alone storing the rows that ingest made, read from a temporary table in
 * memory, in one transaction with one INSERT: how long keeping the rows takes, whatever
 * parses them. It runs once with DuckDB's default threads and once with one thread.
 */
async function storeFloor(duckdb, formDb, form) {
  for (const threads of [null, 1]) {
    const floorDb = join(dir, 'store-floor.duckdb');
    rmSync(floorDb, { force: true });
    const instance = await duckdb.DuckDBInstance.create(floorDb);
    const connection = await instance.connect();
    if (threads) await connection.run(`SET threads = ${threads}`);
    await connection.run(`ATTACH '${formDb}' AS source (READ_ONLY)`);
    await connection.run('CREATE TEMP TABLE parsed AS SELECT * FROM source.events');
    await connection.run('CREATE TABLE events AS SELECT * FROM parsed LIMIT 0');
    await connection.run('DETACH source');
    const eventCount = Number((await connection.runAndReadAll('SELECT count(*) FROM parsed')).getRows()[0][0]);
    const run = await measured(async () => {
      await connection.run('BEGIN');
      await connection.run('INSERT INTO events SELECT * FROM parsed');
      await connection.run('COMMIT');
      await connection.run('CHECKPOINT');
    });
    connection.closeSync();
    instance.closeSync();
    rmSync(floorDb, { force: true });
    const threadNote = threads ? 'on one thread' : `on ${cpus().length} threads`;
    record('DuckDB alone', `store the ${form} events, parsed, from memory, ${threadNote}`, eventCount, run.seconds, `${run.cpu.toFixed(1)} s of CPU`);
  }
}

/**
 * Times DuckDB alone parsing the syslog file's lines as ingest's INSERT does, keeping only
 * the count of each column: the parsing half of that statement, without storing.
 */
async function parseFloor(duckdb) {
  const require = createRequire(join(ROOT, 'package.json'));
  const { INSERT_SERVICE_SQL } = await import(join(ROOT, 'apps', 'logq', 'dist', 'sql-parse.js'));
  const { numberLines } = await import(join(ROOT, 'apps', 'logq', 'dist', 'sql-loader.js'));
  const numberedPath = join(dir, 'parse-floor.txt');
  const data = require('node:fs').readFileSync(syslogPath);
  writeFileSync(numberedPath, numberLines(data, lines));
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const select = INSERT_SERVICE_SQL.replace('INSERT INTO events', '');
  const params = { path: numberedPath, file_id: 1, base: 0, host: 'bench', zone: 'UTC', year: new Date().getFullYear(), latest: '9999-01-01 00:00:00' };
  let parsed = 0;
  const run = await measured(async () => {
    const reader = await connection.runAndReadAll(`SELECT count(*), count(COLUMNS(*)) FROM (${select})`, params);
    parsed = Number(reader.getRows()[0][0]);
  });
  connection.closeSync();
  instance.closeSync();
  rmSync(numberedPath, { force: true });
  record('DuckDB alone', 'parse the syslog lines, without storing them', lines, run.seconds, `${run.cpu.toFixed(1)} s of CPU, ${parsed} lines parsed in SQL`);
}


// Each question as an administrator types it, in its default table form.
const QUESTIONS = [
  ['fails', 'fails --since 1d', ['fails', '--since', '1d']],
  ['fails-csv', 'fails --since 1d --csv (every row)', ['fails', '--since', '1d', '--csv']],
  ['top', 'top sources', ['top', 'sources']],
  ['top-since', 'top services --since 1d', ['top', 'services', '--since', '1d']],
  ['services', 'services', ['services']],
  ['sessions', 'sessions', ['sessions']],
  ['timeline', 'timeline --since 1d', ['timeline', '--since', '1d']],
  ['query', 'query (FAILs per reason)', ['query', "SELECT reason, count(*) AS n FROM events WHERE kind = 'FAIL' GROUP BY reason ORDER BY n DESC"]],
];
/** Times the whole command of each build once per round, the builds in turns. */
function inTurns(builds, args) {
  const runs = builds.map(() => []);
  const outputs = [];
  for (let round = 0; round < rounds; round++) {
    builds.forEach((build, index) => {
      const [seconds, stdout] = timed(process.execPath, [build, ...args, '--db', db]);
      runs[index].push(seconds);
      outputs[index] = stdout;
    });
  }
  return runs.map((seconds, index) => ({ seconds, output: outputs[index] }));
}

function rangeNote(seconds) {
  return `rounds ${(Math.min(...seconds) * 1000).toFixed(0)}–${(Math.max(...seconds) * 1000).toFixed(0)} ms`;
}

const chosen = QUESTIONS.filter(([id]) => option('questions', QUESTIONS.map(([key]) => key).join(',')).split(',').includes(id));
// Every whole command runs before this process loads DuckDB: Linux copies a parent's page
// tables on fork, so spawning from a process with DuckDB's memory took longer.
for (const [, question, args] of chosen) {
  const [cli, compared] = inTurns(COMPARE ? [LOGQ, COMPARE] : [LOGQ], args);
  const printed = `${cli.output.split('\n').length - 1} lines printed`;
  record('logq', `${question} (whole CLI)`, lines, median(cli.seconds), COMPARE ? `${printed}, ${rangeNote(cli.seconds)}` : printed);
  if (compared) record(`logq ${COMPARE}`, `${question} (whole CLI)`, lines, median(compared.seconds), rangeNote(compared.seconds));
}
for (const [, question, args] of chosen) {
  // The same command run in-process by a warm Node with DuckDB already loaded: this
  // leaves out process start and module load, but still opens the database each time.
  const { main } = await import(join(ROOT, 'apps', 'logq', 'dist', 'main.js'));
  const sink = { write: () => true };
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    const status = await main([...args, '--db', db], { stdout: sink, stderr: sink, env: {} });
    if (status !== 0) throw new Error(`logq ${args.join(' ')} exited with ${status}`);
    runs.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  record('logq', `${question} (in-process, DuckDB loaded)`, lines, median(runs));
}

const tools = !process.argv.includes('--no-tools');

// grep: the floor, counting FAIL lines only.
if (tools) record('grep -c', 'count FAIL lines', lines, best('grep', ['-c', 'FAIL: ', syslogPath]).seconds);

// lnav: its built-in syslog format, queried headless.
if (!tools) {
  // Skipped on request.
} else if (have('lnav')) {
  const home = join(dir, 'lnav-home');
  mkdirSync(home, { recursive: true });
  const env = { HOME: home };
  const since = ";SELECT regexp_match('from=(\\S+)', log_body) AS src, count(*) FROM syslog_log WHERE log_body LIKE 'FAIL: %' AND log_time >= datetime('now', '-1 day') GROUP BY src ORDER BY 2 DESC";
  const top = ";SELECT regexp_match('from=(\\S+)', log_body) AS src, count(*) AS n FROM syslog_log WHERE log_body LIKE 'START: %' OR log_body LIKE 'FAIL: %' GROUP BY src ORDER BY n DESC LIMIT 10";
  record('lnav', 'fails --since 1d', toolLines, best('lnav', ['-n', '-c', since, headPath], env).seconds);
  record('lnav', 'top sources', toolLines, best('lnav', ['-n', '-c', top, headPath], env).seconds);
} else {
  console.error('lnav not installed: apt-get install lnav');
}

// fail2ban-regex: the stock filter counts only address and libwrap FAILs, by design.
const filter = '/etc/fail2ban/filter.d/xinetd-fail.conf';
if (!tools) {
  // Skipped on request.
} else if (have('fail2ban-regex') && existsSync(filter)) {
  const run = best('fail2ban-regex', ['--print-no-missed', headPath, filter]);
  const matched = /Lines: \d+ lines, \d+ ignored, (\d+) matched/.exec(run.output)?.[1] ?? '?';
  record('fail2ban-regex', 'match FAIL lines (stock xinetd-fail)', toolLines, run.seconds, `${matched} matched`);
} else {
  console.error('fail2ban not installed: apt-get install fail2ban');
}

if (process.argv.includes('--store-floor')) {
  const duckdb = createRequire(join(ROOT, 'package.json'))('@duckdb/node-api');
  await storeFloor(duckdb, db, 'syslog');
  await parseFloor(duckdb);
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, load average at the end ${execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ')}`;
const sizes = `syslog form ${(statSync(syslogPath).size / 1e6).toFixed(0)} MB, JSONL ${(statSync(jsonlPath).size / 1e6).toFixed(0)} MB`;
const table = [
  `machine: ${machine}`,
  `log: ${lines} lines (${sizes}); lnav and fail2ban-regex read the first ${toolLines}; median of ${rounds} rounds`,
  '',
  '| tool | question | lines | seconds | lines/s | note |',
  '| --- | --- | --: | --: | --: | --- |',
  ...results.map((row) => `| ${row.tool} | ${row.question} | ${row.lines} | ${row.seconds.toFixed(3)} | ${Math.round(row.rate).toLocaleString('en-US')} | ${row.note} |`),
].join('\n');
writeFileSync(join(dir, 'results.md'), table + '\n');
console.log(table);
if (!option('dir', null)) rmSync(dir, { recursive: true, force: true });
