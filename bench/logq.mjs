#!/usr/bin/env node
/**
 * The logq benchmark: generates a synthetic xinetd log (syslog-prefixed classic lines and
 * the same events as JSONL), measures logq's ingest rate and the latency of two questions,
 * then runs the same questions through the tools an administrator would otherwise use on the
 * same syslog file: grep -c (the floor), Debian's lnav in headless SQL mode, and
 * fail2ban-regex with the stock xinetd-fail filter.
 *
 *   npm run bench:logq -- [--lines N] [--tool-lines M] [--rounds R] [--dir DIR] [--keep-db] [--logq PATH]
 *     [--questions IDS] [--no-tools]
 *
 * --keep-db reuses the syslog-form database that an earlier run left in --dir instead of
 * ingesting again (about 70 s per form for 10 million lines), and so measures no ingest.
 * --logq runs another build's bin/logq.js, such as an older checkout, for a before and
 * after comparison on the same database. --compare PATH also times that build's
 * bin/logq.js on each question, in turns with this one round by round, so that both see
 * the same load on a shared machine. Each row's note gives the range of its rounds.
 * --questions fails,top,… picks questions by the ids in QUESTIONS below, and --no-tools
 * leaves out grep, lnav and fail2ban-regex.
 * --store-floor also times DuckDB storing the syslog form's rows, already parsed, from a
 * CSV file: how long keeping the rows takes, whatever parses them.
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

/** Runs a command, returns [seconds, stdout]; throws with its stderr when it fails. */
function timed(command, args, env = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return [seconds, result.stdout];
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
    const [seconds, output] = timed(process.execPath, [LOGQ, 'ingest', '--db', formDb, path]);
    record('logq', `ingest (${form})`, lines, seconds, output.trim().split('\n').pop());
  }
}

/**
 * Times DuckDB alone storing the rows that ingest made, read back from a CSV file with
 * their column types: the floor under any ingest that keeps these rows in a DuckDB table
 * on this machine. Exporting the CSV is not timed.
 */
async function storeFloor(formDb, form) {
  const { DuckDBInstance } = createRequire(join(ROOT, 'package.json'))('@duckdb/node-api');
  const floorDb = join(dir, 'store-floor.duckdb');
  const csv = join(dir, 'store-floor.csv');
  rmSync(floorDb, { force: true });
  const instance = await DuckDBInstance.create(floorDb);
  const connection = await instance.connect();
  await connection.run(`ATTACH '${formDb}' AS source (READ_ONLY)`);
  await connection.run(`COPY (SELECT * FROM source.events) TO '${csv}' (HEADER false)`);
  const eventCount = Number((await connection.runAndReadAll('SELECT count(*) FROM source.events')).getRows()[0][0]);
  const described = (await connection.runAndReadAll('DESCRIBE source.events')).getRows();
  // Enum columns are stored as text here, because their types belong to the other database.
  const types = described.map(([name, type]) => [name, String(type).startsWith('ENUM') ? 'VARCHAR' : String(type)]);
  await connection.run(`CREATE TABLE events (${types.map(([name, type]) => `${name} ${type}`).join(', ')})`);
  await connection.run('DETACH source');
  const columns = types.map(([name, type]) => `'${name}': '${type}'`).join(', ');
  const start = process.hrtime.bigint();
  await connection.run(`INSERT INTO events SELECT * FROM read_csv('${csv}', header = false, auto_detect = false, columns = {${columns}})`);
  await connection.run('CHECKPOINT');
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  connection.closeSync();
  instance.closeSync();
  rmSync(csv, { force: true });
  rmSync(floorDb, { force: true });
  record('DuckDB alone', `store the ${form} events, parsed, from CSV`, eventCount, seconds, 'the floor under ingest');
}
if (process.argv.includes('--store-floor')) await storeFloor(db, 'syslog');

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

const chosen = option('questions', QUESTIONS.map(([id]) => id).join(',')).split(',');
for (const [, question, args] of QUESTIONS.filter(([id]) => chosen.includes(id))) {
  const [cli, compared] = inTurns(COMPARE ? [LOGQ, COMPARE] : [LOGQ], args);
  const printed = `${cli.output.split('\n').length - 1} lines printed`;
  record('logq', `${question} (whole CLI)`, lines, median(cli.seconds), COMPARE ? `${printed}, ${rangeNote(cli.seconds)}` : printed);
  if (compared) record(`logq ${COMPARE}`, `${question} (whole CLI)`, lines, median(compared.seconds), rangeNote(compared.seconds));
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
