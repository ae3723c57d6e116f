/**
 * Hostile input to logq, through the real CLI and a real DuckDB file. It covers SQL in the
 * filter options of every question and gzip bombs given to ingest. It also covers markup
 * that a real daemon writes into its logs from service ids and identd replies, rendered
 * by `logq report` and opened in Chromium.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOGQ_BIN, exchange, makeTempDir, removeDir, startDaemon, type RunningDaemon } from '../support/daemon.js';
import { block, waitForLine, writeConfig } from '../servers/support.js';
import { launchBrowser, openReport } from '../browser/browser.js';
import { runLogq } from '../../apps/logq/test-support/run.js';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function logq(args: string[]): Run {
  const result = spawnSync(process.execPath, [LOGQ_BIN, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs logq's main in this process: the same command code without a process start per call. */
async function logqInProcess(args: string[]): Promise<Run> {
  return runLogq(args, { env: { TZ: 'UTC' } });
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Returns the events table as JSON rows, to compare before and after. */
async function eventRows(db: string): Promise<string> {
  return (await logqInProcess(['query', '--db', db, '--json', 'SELECT kind, service, source_ip, host FROM events ORDER BY ALL'])).stdout;
}

const QUOTED_SERVICE = "x' OR 1=1 --";

describe('SQL in logq filters', () => {
  let dir: string;
  let db: string;

  beforeAll(() => {
    dir = makeTempDir('logq-sql-filters');
    db = join(dir, 'logq.duckdb');
    const lines = [
      '26/12/4@10:00:01: FAIL: echo address from=127.0.0.1',
      '26/12/4@10:00:02: FAIL: echo address from=10.0.0.1',
      `26/12/4@10:00:03: FAIL: ${QUOTED_SERVICE.replaceAll(' ', '_')} address from=10.0.0.2`,
      "26/12/4@10:00:04: START: o'brien pid=7 from=10.0.0.3",
      "26/12/4@10:00:05: EXIT: o'brien status=0 pid=7 duration=1(sec)",
    ];
    writeFileSync(join(dir, 'services.log'), `${lines.join('\n')}\n`);
    const ingest = logq(['ingest', '--db', db, '--host', "gw'1", join(dir, 'services.log')]);
    expect(ingest.status).toBe(0);
  });

  afterAll(() => removeDir(dir));

  const hostile: [string, string][] = [
    ['--service', "' OR 1=1 --"],
    ['--service', "echo' OR '1'='1"],
    ['--service', 'echo"; DROP TABLE events; --'],
    ['--host', "gw' OR host IS NOT NULL --"],
  ];
  const baseline: Record<string, string> = { '--service': 'no-such-service', '--host': 'no-such-host' };

  it.each(['fails', 'top', 'services', 'sessions', 'timeline'])('%s answers a hostile filter like one matching nothing', async (command) => {
    const before = sha256(db);
    for (const [option, value] of hostile) {
      const plain = await logqInProcess([command, '--db', db, '--json', option, baseline[option]!]);
      const result = await logqInProcess([command, '--db', db, '--json', option, value]);
      expect(result.stderr, `${command} ${option} ${value}`).toBe('');
      expect(result.stdout, `${command} ${option} ${value}`).toBe(plain.stdout);
    }
    expect(sha256(db)).toBe(before);
  });

  it('rejects a hostile source, naming it', async () => {
    const before = sha256(db);
    for (const value of ['10.0.0.0/8; DELETE FROM events', "127.0.0.1' OR '1'='1", '127.0.0.1; DELETE FROM events']) {
      const result = await logqInProcess(['fails', '--db', db, '--source', value]);
      expect(result.status, value).toBe(2);
      expect(result.stderr, value).toContain(value);
      expect(result.stderr, value).toContain('[LOGQ_INVALID_SOURCE]');
      expect(result.stdout, value).toBe('');
    }
    expect(sha256(db)).toBe(before);
  });

  it('matches a quoted value as the literal text', async () => {
    const quoted = JSON.parse((await logqInProcess(['services', '--db', db, '--json', '--service', "o'brien"])).stdout) as { service: string }[];
    expect(quoted.map((row) => row.service)).toEqual(["o'brien"]);
    const host = JSON.parse((await logqInProcess(['fails', '--db', db, '--json', '--host', "gw'1"])).stdout) as unknown[];
    expect(host).toHaveLength(3);
  });

  it('keeps the database unchanged through report, suggest and query', async () => {
    const rows = await eventRows(db);
    const before = sha256(db);
    expect((await logqInProcess(['report', '--db', db, '-o', join(dir, 'r.html'), '--service', "echo' OR '1'='1"])).status).toBe(0);
    expect((await logqInProcess(['suggest', '--db', db, '--service', "echo'; DROP TABLE events; --"])).status).toBe(0);
    const copy = join(dir, 'copy.csv');
    for (const sql of ['DELETE FROM events', 'DROP TABLE events', 'SELECT 1; DROP TABLE events', `COPY events TO '${copy}'`]) {
      const result = await logqInProcess(['query', '--db', db, sql]);
      expect(result.status, sql).toBe(2);
      expect(result.stderr, sql).toContain('[LOGQ_QUERY_FAILED]');
    }
    expect(existsSync(copy)).toBe(false);
    expect(sha256(db)).toBe(before);
    expect(await eventRows(db)).toBe(rows);
  });
});

/** Writes a gzip file of `members` copies of one member of `size` bytes of `byte`, and returns its size on disk. */
function writeBomb(path: string, byte: string, size: number, members: number, level = 9): number {
  const member = gzipSync(Buffer.alloc(size, byte), { level });
  writeFileSync(path, Buffer.concat(Array.from({ length: members }, () => member)));
  return member.length * members;
}

/** Runs logq under GNU time and returns its result with the peak RSS in KiB. */
function logqMeasured(args: string[]): Run & { maxRssKiB: number } {
  const result = spawnSync('/usr/bin/time', ['-v', process.execPath, LOGQ_BIN, ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, maxRssKiB: Number(rss?.[1]) };
}

describe('gzip bombs given to logq ingest', () => {
  let dir: string;

  beforeEach(() => {
    dir = makeTempDir('logq-gzip-bomb');
  });

  afterEach(() => removeDir(dir));

  function goodLog(name: string, service: string): string {
    const path = join(dir, name);
    writeFileSync(path, `26/12/4@10:00:01: START: ${service} pid=1 from=127.0.0.1\n26/12/4@10:00:02: EXIT: ${service} status=0 pid=1 duration=1(sec)\n`);
    return path;
  }

  it('stops each bomb with an error naming it and keeps every good file', () => {
    const db = join(dir, 'logq.duckdb');
    expect(logq(['ingest', '--db', db, goodLog('before.log', 'before')]).status).toBe(0);
    const mib = 1024 * 1024;
    const bombs = {
      zeros: join(dir, 'zeros.gz'),
      newlines: join(dir, 'newlines.gz'),
      endless: join(dir, 'endless-line.gz'),
    };
    // 32 members of 64 MiB: 2 GiB inside each file of about 2 MiB.
    const sizes = {
      zeros: writeBomb(bombs.zeros, '\0', 64 * mib, 32),
      newlines: writeBomb(bombs.newlines, '\n', 64 * mib, 32),
      endless: writeBomb(bombs.endless, 'a', 64 * mib, 32),
    };
    const started = performance.now();
    const run = logqMeasured(['ingest', '--db', db, goodLog('first.log', 'first'), bombs.zeros, bombs.newlines, bombs.endless, goodLog('last.log', 'last')]);
    const seconds = (performance.now() - started) / 1000;
    console.log(`gzip bombs: 3 files of 2 GiB inside (${Object.values(sizes).join(', ')} bytes on disk), peak RSS ${run.maxRssKiB} KiB, ${seconds.toFixed(1)} s`);

    expect(run.status).toBe(1);
    for (const path of Object.values(bombs)) {
      const line = run.stderr.split('\n').find((text) => text.startsWith(`logq: ${path}:`));
      expect(line, path).toContain('taken for a gzip bomb and not read');
      expect(line, path).toContain(`zcat ${path}`);
    }
    // An in-memory decompression needs the whole 2 GiB; the streaming read stays far below it.
    expect(run.maxRssKiB).toBeLessThan(1024 * 1024);
    const services = logq(['query', '--db', db, '--json', 'SELECT DISTINCT service FROM events ORDER BY service']).stdout;
    expect(JSON.parse(services)).toEqual([{ service: 'before' }, { service: 'first' }, { service: 'last' }]);
  });

  it('reads an endless line under the bomb ratio in bounded memory', () => {
    const db = join(dir, 'logq.duckdb');
    const path = join(dir, 'long-line.gz');
    // gzip -1 packs a run of one byte only about 230 times, below the bomb ratio, so this file is read.
    const compressed = writeBomb(path, 'b', 64 * 1024 * 1024, 4, 1);
    const started = performance.now();
    const run = logqMeasured(['ingest', '--db', db, path, goodLog('after.log', 'after')]);
    const seconds = (performance.now() - started) / 1000;
    console.log(`endless line: 256 MiB in ${compressed} bytes, peak RSS ${run.maxRssKiB} KiB, ${seconds.toFixed(1)} s`);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${path}: 0 lines read`);
    expect(run.stdout).toContain('held back an incomplete last line (268435456 bytes');
    expect(run.maxRssKiB).toBeLessThan(1024 * 1024);
    expect(JSON.parse(logq(['query', '--db', db, '--json', "SELECT count(*)::INTEGER AS n FROM events WHERE service = 'after'"]).stdout)).toEqual([{ n: 2 }]);
  });
});

/** Markup that must stay text: each one sets window.__injected if it runs. */
const MARKUP = {
  scriptId: '<script>window.__injected=1</script>',
  imageId: '"><img/src=x/onerror=window.__injected=2>',
  identReply: 'UNIX : </td><svg/onload=window.__injected=3>',
};

/** A source that is not an address: ingest rejects its line, so the report never shows it. */
const FORGED_SOURCE = '"><iframe/src=javascript:window.__injected=4>';

describe('HTML escaping from the daemon to the report', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;
  let identd: net.Server;

  beforeAll(async () => {
    dir = makeTempDir('logq-report-e2e');
    identd = net.createServer((socket) => {
      socket.setEncoding('latin1');
      socket.once('data', (line: string) => socket.end(`${line.trim()} : USERID : ${MARKUP.identReply}\r\n`));
    });
    await new Promise<void>((resolve) => identd.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    identd.close();
    removeDir(dir);
  });

  it('renders hostile ids and identd replies as text', async () => {
    const serviceLog = join(dir, 'services.log');
    const jsonLog = join(dir, 'events.jsonl');
    const defaults = `defaults\n{\n\tlog_type = FILE ${serviceLog}\n\tlog_on_success = PID HOST USERID EXIT\n\tlog_on_failure = HOST USERID\n}\n`;
    const internal = (id: string, extra: string[]): string =>
      block('echo', ['type = INTERNAL UNLISTED', `id = ${id}`, 'socket_type = stream', 'protocol = tcp', 'bind = 127.0.0.1', 'port = 0', 'wait = no', ...extra]);
    const config = defaults + internal(MARKUP.scriptId, []) + internal(MARKUP.imageId, ['only_from = 127.0.0.9']);
    const identPort = (identd.address() as net.AddressInfo).port;
    daemon = await startDaemon(['-f', writeConfig(dir, config), '-jsonlog', jsonLog], { XINETD_TS_IDENT_PORT: String(identPort) });
    await exchange(daemon.ports.get(MARKUP.scriptId)!, 'hello\n', { end: true });
    await exchange(daemon.ports.get(MARKUP.imageId)!, '');
    await waitForLine(serviceLog, /FAIL: "><img[^\n]*\n[^]*USERID|USERID[^]*FAIL: "><img/, 'the FAIL and USERID lines');
    await daemon.stop('SIGTERM');
    daemon = undefined;

    // The daemon only writes real addresses, so a hostile one is added to the file directly.
    const forged = join(dir, 'forged.log');
    writeFileSync(forged, `26/12/4@10:00:00: FAIL: forged address from=${FORGED_SOURCE}\n`);
    const db = join(dir, 'logq.duckdb');
    const ingested = execFileSync(process.execPath, [LOGQ_BIN, 'ingest', '--db', db, serviceLog, jsonLog, forged], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(ingested).toContain(`${forged}: 1 line read, 0 events, 1 reject`);
    const report = join(dir, 'report.html');
    execFileSync(process.execPath, [LOGQ_BIN, 'report', '--db', db, '-o', report, '--since', '2000-01-01'], { env: { ...process.env, TZ: 'UTC' } });

    const html = readFileSync(report, 'utf8');
    for (const [name, markup] of Object.entries(MARKUP)) expect(html.includes(markup), name).toBe(false);
    expect(html).not.toContain('iframe');
    expect(html).not.toMatch(/<(img|svg|iframe)\b/i);

    const browser = await launchBrowser();
    try {
      const opened = await openReport(browser, report);
      expect(await opened.page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
      for (const tag of ['img', 'svg', 'iframe']) expect(await opened.page.locator(tag).count(), tag).toBe(0);
      const text = await opened.page.locator('body').innerText();
      for (const [name, markup] of Object.entries(MARKUP)) expect(text, name).toContain(markup);
      expect(opened.pageErrors).toEqual([]);
      expect(opened.requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
