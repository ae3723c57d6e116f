import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { formatServiceLine } from '#logformat';
import { countsMismatch } from '../test-support/event-counts.js';
import { countRows, makeTempDir, removeTempDirs, runLogq } from '../test-support/run.js';

afterEach(removeTempDirs);

const REPOSITORY = new URL('../../../', import.meta.url).pathname;
const BIN = join(REPOSITORY, 'bin', 'logq.js');

function requireBuild(): void {
  if (!existsSync(join(REPOSITORY, 'apps', 'logq', 'dist', 'main.js'))) {
    throw new Error('apps/logq/dist/main.js is missing: run `npx tsc -b apps/logq` in the repository root first');
  }
}

test('help lists commands and exit statuses', async () => {
  const result = await runLogq(['--help']);

  expect(result.status).toBe(0);
  expect(result.stdout).toContain('ingest [options] <files...>');
  expect(result.stdout).toContain('fails [options]');
  expect(result.stdout).toContain('70  internal error');
});

test('no command prints help and fails', async () => {
  const result = await runLogq([]);

  expect(result.status).toBe(2);
  expect(result.stderr).toContain('Usage: logq');
});

test('--json with --csv is a usage error', async () => {
  const result = await runLogq(['fails', '--json', '--csv']);

  expect(result.status).toBe(2);
  expect(result.stderr).toContain("option '--csv' cannot be used with option '--json'");
});

test('unknown command suggests the nearest', async () => {
  const result = await runLogq(['fail']);

  expect(result.status).toBe(2);
  expect(result.stderr).toContain("unknown command 'fail'");
  expect(result.stderr).toContain('Did you mean fails?');
});

test('unknown option suggests the nearest', async () => {
  const result = await runLogq(['fails', '--sinse', '1d']);

  expect(result.status).toBe(2);
  expect(result.stderr).toContain("unknown option '--sinse'");
  expect(result.stderr).toContain('Did you mean --since?');
});

test('ingest without files is a usage error', async () => {
  const result = await runLogq(['ingest']);

  expect(result.status).toBe(2);
  expect(result.stderr).toContain("missing required argument 'files'");
});

test('bin/logq.js runs the built CLI', () => {
  requireBuild();
  const result = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });

  expect(result.status).toBe(0);
  expect(result.stdout).toContain('Usage: logq');
});

test('bin/logq.js exits with the status of main', () => {
  requireBuild();
  const dir = makeTempDir();
  const result = spawnSync(process.execPath, [BIN, 'fails', '--db', join(dir, 'none.duckdb')], { encoding: 'utf8' });

  expect(result.status).toBe(1);
  expect(result.stderr).toContain('[LOGQ_DB_NOT_FOUND]');
});

/**
 * Runs each command line in one Node process, through main() on a database of three
 * events, and returns its exit status and whether a module whose path contains `module`
 * was loaded by then, in turn.
 */
async function statusesAndLoads(questions: string[][], module: string): Promise<unknown[]> {
  requireBuild();
  const dir = makeTempDir();
  const db = join(dir, 'logq.duckdb');
  const log = join(dir, 'xinetd.log');
  writeStartLines(log, 3);
  expect((await runLogq(['ingest', '--db', db, log])).status).toBe(0);
  const script = `
    import { createRequire } from 'node:module';
    const { main } = await import(${JSON.stringify(join(REPOSITORY, 'apps', 'logq', 'dist', 'main.js'))});
    const io = { stdout: { write: () => true }, stderr: process.stderr, env: {} };
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(${JSON.stringify(module)}));
    const statuses = [];
    for (const argv of JSON.parse(process.argv[1])) statuses.push(await main([...argv, '--db', ${JSON.stringify(db)}], io), loaded());
    console.log(JSON.stringify(statuses));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(questions)], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as unknown[];
}

// Loading @duckdb/node-api costs a question tens of milliseconds, so only ingest,
// report, suggest and result types that read-client.ts does not convert load it.
test('question commands skip node-api', async () => {
  const questions = [['fails'], ['top', 'sources'], ['services'], ['sessions'], ['timeline'], ['query', 'SELECT 1 AS n'], ['query', 'SELECT 1.5::DECIMAL(4, 1) AS d']];

  expect(await statusesAndLoads(questions, '@duckdb/node-api')).toEqual([0, false, 0, false, 0, false, 0, false, 0, false, 0, false, 0, true]);
});

// ipaddr.js comes in through --source, report and suggest only, so a question without
// --source shows that those modules stayed unloaded.
test('question commands load only their modules', async () => {
  const questions = [['fails'], ['top', 'sources'], ['services'], ['sessions'], ['timeline'], ['query', 'SELECT 1 AS n'], ['fails', '--source', '192.0.2.0/24']];

  expect(await statusesAndLoads(questions, 'ipaddr.js')).toEqual([0, false, 0, false, 0, false, 0, false, 0, false, 0, false, 0, true]);
});

test('help of a question command is unchanged', async () => {
  const alone = await runLogq(['top', '--help']);
  const viaHelp = await runLogq(['help', 'top']);

  expect(alone.status).toBe(0);
  expect(alone.stdout).toContain('Usage: logq top [options] [subject]');
  expect(viaHelp.stdout).toBe(alone.stdout);
});

/**
 * Writes `count` START lines, about 60 bytes each. Files with the same service start
 * alike, and logq takes the longer one for a continuation of the shorter.
 */
function writeStartLines(path: string, count: number, service = 'echo'): void {
  const start = new Date(2026, 11, 4, 0, 0, 0).getTime();
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(formatServiceLine(new Date(start + i * 1000), { event: 'START', service, pid: i, source: { ip: '192.0.2.1' } }));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

test('killed ingest leaves the database as it was', async () => {
  requireBuild();
  const dir = makeTempDir();
  const db = join(dir, 'logq.duckdb');
  const before = join(dir, 'before.log');
  const small = join(dir, 'small.log');
  const large = join(dir, 'large.log');
  writeStartLines(before, 3);
  writeStartLines(small, 10, 'small');
  writeStartLines(large, 1_000_000, 'large');
  expect((await runLogq(['ingest', '--db', db, before])).status).toBe(0);

  // The summary line of small.log shows that the child is inside its transaction,
  // reading large.log, when it is killed.
  const child = spawn(process.execPath, [BIN, 'ingest', '--db', db, small, large], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes(`${small}: 10 lines read`)) resolve();
    });
  });
  child.kill('SIGKILL');

  expect(await exit).toBe('SIGKILL');
  expect(await countRows(db, 'events')).toBe(3);
  expect(await countRows(db, 'files')).toBe(1);
  expect(await countsMismatch(db)).toEqual([]);
  const again = await runLogq(['ingest', '--db', db, small]);
  expect(again.stdout).toContain(`${small}: 10 lines read, 10 events`);
  expect(await countsMismatch(db)).toEqual([]);
});
