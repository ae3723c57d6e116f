/**
 * Debian's logrotate rotates the daemon's logs with tools/logrotate's configuration
 * (rename, then SIGHUP) three times while clients connect, and every line must be in
 * exactly one of the files. Needs Debian's logrotate (`apt-get install -y logrotate`).
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, exchange, makeTempDir, readIfExists, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';

const SNIPPET = join(ROOT, 'tools', 'logrotate', 'xinetd-ts');
const ROTATIONS = 3;
/** An upper bound on the connections made, so a daemon that stops logging cannot loop forever. */
const MAX_CONNECTIONS = 3000;

const execFileAsync = promisify(execFile);

interface Traffic {
  accepted: number;
  refused: number;
}

/** The service turns cps off: the clients make more than xinetd's default 50 connections a second. */
function configText(serviceLog: string): string {
  return `defaults\n{\n\tbind = 127.0.0.1\n\tlog_type = FILE ${serviceLog}\n\tlog_on_success = PID HOST EXIT DURATION\n\tlog_on_failure = HOST\n}\n
service echo\n{\n\tid = guarded\n\ttype = INTERNAL UNLISTED\n\tsocket_type = stream\n\tprotocol = tcp\n\tport = 0\n\twait = no\n\tonly_from = 127.0.0.1\n\tcps = 0 0\n}\n`;
}

/** Our snippet with its paths moved into `dir`. */
function rotateConfig(snippet: string, files: string[], pidFile: string): string {
  const paths = '/var/log/xinetd.log /var/log/xinetd.jsonl {';
  if (!snippet.includes(paths) || !snippet.includes('/run/xinetd.pid')) throw new Error(`${SNIPPET} no longer names ${paths} and /run/xinetd.pid`);
  return snippet.replace(paths, `${files.join(' ')} {`).replaceAll('/run/xinetd.pid', pidFile);
}

/** Every line of `base` and its rotated copies, oldest first, gzip or not. */
function allLines(dir: string, base: string): string[] {
  const names = readdirSync(dir).filter((name) => name === base || name.startsWith(`${base}.`));
  const generation = (name: string) => (name === base ? 0 : Number(name.slice(base.length + 1).replace(/\.gz$/, '')));
  names.sort((a, b) => generation(b) - generation(a));
  return names.flatMap((name) => {
    const raw = readFileSync(join(dir, name));
    const text = name.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    return text === '' ? [] : text.replace(/\n$/, '').split('\n');
  });
}

function count(lines: string[], pattern: RegExp): number {
  return lines.filter((line) => pattern.test(line)).length;
}

describe('logrotate under traffic', () => {
  let dir: string;
  let daemon: RunningDaemon;
  const traffic: Traffic = { accepted: 0, refused: 0 };
  const logs = { service: 'services.log', program: 'xinetd.log', json: 'xinetd.jsonl' };

  beforeAll(async () => {
    dir = makeTempDir('xinetd-ts-logrotate');
    const path = (name: string) => join(dir, name);
    writeFileSync(path('xinetd.conf'), configText(path(logs.service)));
    writeFileSync(path('logrotate.conf'), rotateConfig(readFileSync(SNIPPET, 'utf8'), Object.values(logs).map(path), path('xinetd.pid')));
    daemon = await startDaemon(['-f', path('xinetd.conf'), '-filelog', path(logs.program), '-jsonlog', path(logs.json), '-pidfile', path('xinetd.pid')]);
    const port = daemon.ports.get('guarded')!;

    let rotating = true;
    const clients = (async () => {
      while (rotating && traffic.accepted + traffic.refused < MAX_CONNECTIONS) {
        await exchange(port, 'x\n', { localAddress: '127.0.0.1', end: true });
        traffic.accepted++;
        await exchange(port, 'x\n', { localAddress: '127.0.0.2', end: true });
        traffic.refused++;
      }
    })();
    try {
      for (let i = 0; i < ROTATIONS; i++) {
        // notifempty skips an empty file, so each rotation waits for new lines in all three.
        await waitFor('new lines in every log', () => (Object.values(logs).every((name) => readIfExists(path(name)).length > 0) ? true : undefined));
        await execFileAsync('logrotate', ['-f', '-s', path('logrotate.state'), path('logrotate.conf')]);
        await waitFor('the reopen', () => (readIfExists(path(logs.program)).includes('Reconfigured:') ? true : undefined));
      }
      const before = traffic.accepted;
      await waitFor('traffic after the last rotation', () => (traffic.accepted >= before + 20 ? true : undefined));
    } finally {
      rotating = false;
      await clients;
    }
    expect(await daemon.stop('SIGTERM')).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    removeDir(dir);
  });

  it('rotated each file three times', () => {
    const files = readdirSync(dir);
    for (const name of Object.values(logs)) {
      expect(files, name).toContain(`${name}.1`);
      expect(files, name).toContain(`${name}.${ROTATIONS}.gz`);
      expect(readIfExists(join(dir, name)), `${name} after the last rotation`).not.toBe('');
    }
  });

  it('keeps every service line', () => {
    const lines = allLines(dir, logs.service);
    expect(count(lines, /^\d{2}\/\d{1,2}\/\d{1,2}@\d{2}:\d{2}:\d{2}: START: guarded pid=0 from=127\.0\.0\.1$/)).toBe(traffic.accepted);
    expect(count(lines, /: EXIT: guarded status=0 pid=0 duration=\d+\(sec\)$/)).toBe(traffic.accepted);
    expect(count(lines, /: FAIL: guarded address from=127\.0\.0\.2$/)).toBe(traffic.refused);
    expect(lines).toHaveLength(2 * traffic.accepted + traffic.refused);
  });

  it('keeps every JSONL event', () => {
    const events = allLines(dir, logs.json).map((line) => JSON.parse(line) as { event: string; service?: string });
    const of = (event: string) => events.filter((record) => record.event === event && record.service === 'guarded').length;
    expect(of('START')).toBe(traffic.accepted);
    expect(of('EXIT')).toBe(traffic.accepted);
    expect(of('FAIL')).toBe(traffic.refused);
  });

  it('keeps every daemon message whole', () => {
    const lines = allLines(dir, logs.program);
    expect(count(lines, /Reconfigured: new=0 old=1 dropped=0 \(services\)$/)).toBe(ROTATIONS);
    for (const line of lines) expect(line).toMatch(/^\d{2}\/\d{1,2}\/\d{1,2}@\d{2}:\d{2}:\d{2} xinetd\[\d+\]: [A-Z]+: /);
  });
});
