/**
 * Debian's lnav installs tools/lnav's formats with `lnav -i` into a temporary HOME, then
 * runs headless SQL on logs the real daemon wrote, and must count the same refusals as
 * `logq fails`. Needs Debian's lnav (`apt-get install -y lnav`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, makeTempDir, removeDir } from '../support/daemon.js';
import { REFUSALS, logqFails, writeDaemonLogs, type LogqFailGroup, type WorkloadLogs } from './workload.js';

const FORMATS = ['xinetd_ts_log.json', 'xinetd_ts_jsonl.json'].map((name) => join(ROOT, 'tools', 'lnav', name));

/**
 * The environment and working directory for lnav. lnav 0.11 keeps its configuration in
 * ~/.lnav when HOME exists, and in the working directory otherwise, so both are temporary.
 */
function lnavOptions(home: string): { env: NodeJS.ProcessEnv; cwd: string; encoding: 'utf8' } {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.XDG_CONFIG_HOME;
  return { env, cwd: home, encoding: 'utf8' };
}

/** Runs lnav headless on `files` with `query`, and returns the CSV result as rows of strings. */
function lnavQuery(home: string, query: string, files: string[]): string[][] {
  const output = execFileSync('lnav', ['-n', '-c', `;${query}`, '-c', ':write-csv-to -', ...files], lnavOptions(home));
  return output
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

/** The FAIL count logq reports per "source service" key. */
function logqCounts(groups: LogqFailGroup[]): Map<string, number> {
  return new Map(groups.map((group) => [`${group.source} ${group.service}`, group.count]));
}

function lnavCounts(rows: string[][]): Map<string, number> {
  return new Map(rows.map(([source, service, count]) => [`${source} ${service}`, Number(count)]));
}

/** A Date as lnav prints a log_time: local time, `2026-12-04 19:48:04.000`. */
function lnavTime(iso: string): string {
  const time = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}`;
  return `${date} ${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.000`;
}

describe('lnav formats on the daemon\'s logs', () => {
  let dir: string;
  let home: string;
  let logs: WorkloadLogs;
  let install: { status: number | null; output: string };

  beforeAll(async () => {
    dir = makeTempDir('xinetd-ts-lnav');
    home = join(dir, 'home');
    mkdirSync(home);
    const result = spawnSync('lnav', ['-i', ...FORMATS], lnavOptions(home));
    install = { status: result.status, output: `${result.stdout}${result.stderr}` };
    logs = await writeDaemonLogs(dir);
  });

  afterAll(() => removeDir(dir));

  it('installs both formats with lnav -i', () => {
    expect(install.status, install.output).toBe(0);
    expect(install.output.match(/installed -- /g), install.output).toHaveLength(2);
    for (const name of ['xinetd_ts_log.json', 'xinetd_ts_jsonl.json']) {
      expect(existsSync(join(home, '.lnav', 'formats', 'installed', name)), name).toBe(true);
    }
  });

  it('counts the same refusals as logq in the classic file log', () => {
    const query = "SELECT source_ip, service, count(*) FROM xinetd_ts_log WHERE event = 'FAIL' GROUP BY source_ip, service";
    const expected = logqCounts(logqFails(dir, 'classic', [logs.serviceLog]));
    expect(lnavCounts(lnavQuery(home, query, [logs.serviceLog]))).toEqual(expected);
    for (const [address, count] of REFUSALS) expect(expected.get(`${address} guarded`)).toBe(count);
  });

  it('reads the time of the classic lines', () => {
    const query = "SELECT source_ip, min(log_time), max(log_time) FROM xinetd_ts_log WHERE event = 'FAIL' GROUP BY source_ip";
    const rows = lnavQuery(home, query, [logs.serviceLog]);
    for (const group of logqFails(dir, 'classic-times', [logs.serviceLog])) {
      expect(rows, group.source ?? '').toContainEqual([group.source, lnavTime(group.first_seen), lnavTime(group.last_seen)]);
    }
  });

  it('reads the time of the JSONL lines', () => {
    // lnav 0.11 gives the UTC time of a stamp that names its zone, whatever TZ says.
    const utc = (iso: string) => iso.replace('T', ' ').replace(/Z$/, '');
    const query = 'SELECT "source/ip", min(log_time), max(log_time) FROM xinetd_ts_jsonl WHERE event = \'FAIL\' GROUP BY "source/ip"';
    const rows = lnavQuery(home, query, [logs.jsonLog]);
    for (const group of logqFails(dir, 'jsonl-times', [logs.jsonLog])) {
      expect(rows, group.source ?? '').toContainEqual([group.source, utc(group.first_seen), utc(group.last_seen)]);
    }
  });

  it('counts the same refusals as logq in the JSONL log', () => {
    const query = 'SELECT "source/ip", service, count(*) FROM xinetd_ts_jsonl WHERE event = \'FAIL\' GROUP BY "source/ip", service';
    const expected = logqCounts(logqFails(dir, 'jsonl', [logs.jsonLog]));
    expect(lnavCounts(lnavQuery(home, query, [logs.jsonLog]))).toEqual(expected);
    for (const [address, count] of REFUSALS) expect(expected.get(`${address} guarded`)).toBe(count);
  });

  it('claims every line of every log', () => {
    const cases = [
      { file: logs.serviceLog, table: 'xinetd_ts_log' },
      { file: logs.programLog, table: 'xinetd_ts_log' },
      { file: logs.jsonLog, table: 'xinetd_ts_jsonl' },
    ];
    for (const { file, table } of cases) {
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n').length;
      expect(lnavQuery(home, `SELECT count(*) FROM ${table}`, [file]), file).toEqual([[String(lines)]]);
    }
  });

  it('marks refusals and daemon errors by level', () => {
    const query = "SELECT DISTINCT event, log_level FROM xinetd_ts_log WHERE event IN ('FAIL', 'START', 'EXIT') ORDER BY event";
    expect(lnavQuery(home, query, [logs.serviceLog])).toEqual([
      ['EXIT', 'info'],
      ['FAIL', 'error'],
      ['START', 'info'],
    ]);
  });
});
