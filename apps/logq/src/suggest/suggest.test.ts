import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { formatProgramLine, formatServiceLine } from '#logformat';
import { makeTempDir, removeTempDirs, runLogq } from '../../test-support/run.js';

afterEach(removeTempDirs);

const BASE = new Date(2026, 11, 4, 10, 0, 0).getTime();
const NOW = new Date(BASE + 3600_000);

function failLine(offsetSeconds: number, ip: string, reason = 'address', service = 'telnet'): string {
  return formatServiceLine(new Date(BASE + offsetSeconds * 1000), { event: 'FAIL', service, reason: reason as 'address', source: { ip } });
}

async function database(lines: string[]): Promise<string> {
  const dir = makeTempDir();
  const log = join(dir, 'services.log');
  writeFileSync(log, lines.sort().join('\n') + '\n');
  const db = join(dir, 'logq.duckdb');
  const result = await runLogq(['ingest', '--db', db, log]);
  expect(result.status).toBe(0);
  return db;
}

function entries(fragment: string): string[] {
  return [...fragment.matchAll(/^\tno_access \+= (\S+)$/gm)].map((match) => match[1]!);
}

describe('logq suggest', () => {
  test('counts failures in a sliding window', async () => {
    const lines = [
      ...[0, 60, 120, 180, 599].map((second) => failLine(second, '198.51.100.1')),
      ...[0, 200, 400, 601, 800].map((second) => failLine(second, '198.51.100.2')),
    ];
    const result = await runLogq(['suggest', '--db', await database(lines)], { now: NOW });
    expect(result.status).toBe(0);
    expect(entries(result.stdout)).toEqual(['198.51.100.1']);
    expect(result.stdout).toContain('#   5 failures, at most 5 within 10m');
    expect(result.stdout).toContain('#   services: telnet');
  });

  test('thresholds and reasons are options', async () => {
    const lines = [
      ...[0, 10, 20].map((second) => failLine(second, '198.51.100.1')),
      ...[0, 10, 20, 30, 40].map((second) => failLine(second, '198.51.100.2', 'per_source_limit')),
    ];
    const db = await database(lines);
    expect(entries((await runLogq(['suggest', '--db', db, '--max-retry', '3'], { now: NOW })).stdout)).toEqual(['198.51.100.1']);
    const limits = await runLogq(['suggest', '--db', db, '--reasons', 'per_source_limit'], { now: NOW });
    expect(entries(limits.stdout)).toEqual(['198.51.100.2']);
    expect(entries((await runLogq(['suggest', '--db', db, '--max-retry', '3', '--find-time', '15s'], { now: NOW })).stdout)).toEqual([]);
  });

  test('counts SENSOR hits as failures', async () => {
    const lines = [0, 20, 40, 60, 80].map((second) =>
      formatProgramLine(new Date(BASE + second * 1000), 'xinetd', 9724, { severity: 'CRITICAL', text: '9724 {process_sensor} Adding 192.0.2.50 to the global_no_access list for 10 minutes' }),
    );
    const db = await database(lines);
    const result = await runLogq(['suggest', '--db', db], { now: NOW });
    expect(entries(result.stdout)).toEqual(['192.0.2.50']);
    expect(result.stdout).toContain('#   services: sensor');
    expect(entries((await runLogq(['suggest', '--db', db, '--reasons', 'address,libwrap'], { now: NOW })).stdout)).toEqual([]);
    expect(entries((await runLogq(['suggest', '--db', db, '--service', 'telnet'], { now: NOW })).stdout)).toEqual([]);
  });

  test('aggregates a hostile block', async () => {
    const lines = ['203.0.113.5', '203.0.113.6', '203.0.113.99'].flatMap((ip, index) => [failLine(index * 10, ip), failLine(index * 10 + 5, ip)]);
    const db = await database(lines);
    expect(entries((await runLogq(['suggest', '--db', db], { now: NOW })).stdout)).toEqual(['203.0.113.0/24']);
    expect(entries((await runLogq(['suggest', '--db', db, '--block-hosts', '0'], { now: NOW })).stdout)).toEqual([]);
  });

  test('leaves out entries whose ban has expired', async () => {
    const db = await database([0, 1, 2, 3, 4].map((second) => failLine(second, '198.51.100.1')));
    const later = new Date(BASE + 2 * 86_400_000);
    const result = await runLogq(['suggest', '--db', db], { now: later });
    expect(entries(result.stdout)).toEqual([]);
    expect(result.stderr).toContain('raise --ban-time');
    expect(entries((await runLogq(['suggest', '--db', db, '--ban-time', 'never'], { now: later })).stdout)).toEqual(['198.51.100.1']);
  });

  test('--allow keeps an address out', async () => {
    const db = await database([0, 1, 2, 3, 4].map((second) => failLine(second, '198.51.100.1')));
    const result = await runLogq(['suggest', '--db', db, '--allow', '198.51.100.0/24'], { now: NOW });
    expect(entries(result.stdout)).toEqual([]);
    expect(result.stderr).toContain('not suggesting 198.51.100.1');
  });

  test('--write keeps earlier unexpired entries', async () => {
    const first = await database([0, 1, 2, 3, 4].map((second) => failLine(second, '198.51.100.1')));
    const second = await database([0, 1, 2, 3, 4].map((second) => failLine(second, '198.51.100.2')));
    const include = join(makeTempDir(), 'logq-no-access');
    expect((await runLogq(['suggest', '--db', first, '--write', include], { now: NOW })).status).toBe(0);
    const result = await runLogq(['suggest', '--db', second, '--write', include], { now: NOW });
    expect(result.stdout).toContain('2 entries (1 from this run, 1 kept, 0 expired and removed)');
    expect(entries(readFileSync(include, 'utf8'))).toEqual(['198.51.100.2', '198.51.100.1']);
  });

  test('bad command lines exit 2 with a code', async () => {
    const db = await database([failLine(0, '198.51.100.1')]);
    const dotted = await runLogq(['suggest', '--db', db, '--write', join(makeTempDir(), 'no-access.conf')]);
    expect(dotted.status).toBe(2);
    expect(dotted.stderr).toContain('[LOGQ_INCLUDE_NAME_SKIPPED]');
    const reloadOnly = await runLogq(['suggest', '--db', db, '--reload', '/run/xinetd.pid']);
    expect(reloadOnly.status).toBe(2);
    expect(reloadOnly.stderr).toContain('[LOGQ_RELOAD_WITHOUT_WRITE]');
    const badAllow = await runLogq(['suggest', '--db', db, '--allow', '10.0.0.0/33']);
    expect(badAllow.status).toBe(2);
    expect(badAllow.stderr).toContain('not an IPv4 or IPv6 address or CIDR block');
    const badReason = await runLogq(['suggest', '--db', db, '--reasons', 'adress']);
    expect(badReason.status).toBe(2);
    expect(badReason.stderr).toContain('unknown FAIL reason adress');
  });

  test('a missing pidfile is reported after the write', async () => {
    const db = await database([failLine(0, '198.51.100.1')]);
    const dir = makeTempDir();
    const result = await runLogq(['suggest', '--db', db, '--write', join(dir, 'no-access'), '--reload', join(dir, 'xinetd.pid')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('[LOGQ_PIDFILE_UNREADABLE]');
    expect(readFileSync(join(dir, 'no-access'), 'utf8')).toContain('# no entries');
  });
});
