/**
 * The whole chain on real input: a config file, the daemon serving internal services and
 * real programs, a refusal from a second loopback address, a reload, a stop, and logq
 * reading the logs the daemon wrote.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { renameSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGQ_BIN, exchange, makeTempDir, readIfExists, removeDir, request, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';

const STAMP = String.raw`\d{2}/\d{1,2}/\d{1,2}@\d{2}:\d{2}:\d{2}`;

function serviceBlock(name: string, lines: string[]): string {
  return `service ${name}\n{\n${lines.map((line) => `\t${line}`).join('\n')}\n}\n`;
}

function configText(dir: string, extra = ''): string {
  const defaults = `defaults\n{\n\tbind = 127.0.0.1\n\tlog_type = FILE ${join(dir, 'services.log')}\n\tlog_on_success = PID HOST EXIT DURATION\n\tlog_on_failure = HOST\n}\n`;
  const internal = (id: string, socketType: string) => [
    `id = ${id}`,
    'type = INTERNAL UNLISTED',
    `socket_type = ${socketType}`,
    `protocol = ${socketType === 'stream' ? 'tcp' : 'udp'}`,
    'port = 0',
    `wait = ${socketType === 'stream' ? 'no' : 'yes'}`,
  ];
  const external = (server: string, more: string[] = []) => [
    'type = UNLISTED',
    'socket_type = stream',
    'protocol = tcp',
    'port = 0',
    'wait = no',
    'user = nobody',
    `server = ${server}`,
    ...more,
  ];
  return [
    defaults,
    serviceBlock('echo', internal('echo-stream', 'stream')),
    serviceBlock('daytime', internal('daytime-dgram', 'dgram')),
    serviceBlock('cat', external('/bin/cat')),
    serviceBlock('whoami', external('/usr/bin/id')),
    serviceBlock('envdump', external('/usr/bin/env')),
    serviceBlock('private', external('/bin/cat', ['only_from = 127.0.0.1'])),
    extra,
  ].join('\n');
}

function udpRequest(port: number, payload: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      fail(new Error(`no UDP reply from port ${port} within 5 s`));
    }, 5000);
    socket.on('message', (message) => {
      clearTimeout(timer);
      socket.close();
      done(message.toString('latin1'));
    });
    socket.send(payload, port, '127.0.0.1');
  });
}

function isClosed(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.on('error', () => done(true));
  });
}

function logq(args: string[]): string {
  return execFileSync(process.execPath, [LOGQ_BIN, ...args], { encoding: 'utf8' });
}

describe('xinetd-ts end to end', () => {
  let dir: string;
  let daemon: RunningDaemon;
  let configFile: string;
  let exitCode: number | null;

  const serviceLog = () => readIfExists(join(dir, 'services.log'));
  const programLog = () => readIfExists(join(dir, 'xinetd.log'));

  beforeAll(async () => {
    dir = makeTempDir('xinetd-ts-e2e');
    configFile = join(dir, 'xinetd.conf');
    writeFileSync(configFile, configText(dir));
    daemon = await startDaemon([
      '-f', configFile,
      '-filelog', join(dir, 'xinetd.log'),
      '-jsonlog', join(dir, 'events.jsonl'),
      '-pidfile', join(dir, 'xinetd.pid'),
    ]);
  });

  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    removeDir(dir);
  });

  it('listens for every service', () => {
    expect([...daemon.ports.keys()].sort()).toEqual(['cat', 'daytime-dgram', 'echo-stream', 'envdump', 'private', 'whoami']);
    expect(readIfExists(join(dir, 'xinetd.pid'))).toBe(`${daemon.process.pid}\n`);
  });

  it('echoes over TCP', async () => {
    expect(await request(daemon.ports.get('echo-stream')!, 'hi\n', 'hi\n')).toBe('hi\n');
  });

  it('answers daytime over UDP', async () => {
    const reply = await udpRequest(daemon.ports.get('daytime-dgram')!, 'x');
    expect(reply).toMatch(/^\d{2} [A-Z]{3} \d{4} \d{2}:\d{2}:\d{2} \S+\r\n$/);
  });

  it('runs /bin/cat with the socket as stdin and stdout', async () => {
    const result = await exchange(daemon.ports.get('cat')!, 'hello from a client\n', { end: true });
    expect(result.data).toBe('hello from a client\n');
  });

  it('runs the server as the configured user when root', async () => {
    const result = await exchange(daemon.ports.get('whoami')!, '');
    const expectedUid = process.getuid!() === 0 ? 65534 : process.getuid!();
    expect(result.data).toMatch(new RegExp(`^uid=${expectedUid}\\(`));
    if (process.getuid!() === 0) expect(result.data).not.toMatch(/groups=.*\b0\(root\)/);
  });

  it('passes REMOTE_HOST and the daemon environment', async () => {
    const result = await exchange(daemon.ports.get('envdump')!, '');
    expect(result.data).toContain('REMOTE_HOST=127.0.0.1\n');
    expect(result.data).toContain(`PATH=${process.env.PATH}\n`);
    expect(result.data).not.toContain('XINETD_TS_BACKGROUND');
  });

  it('refuses a client outside only_from', async () => {
    const refused = await exchange(daemon.ports.get('private')!, 'let me in\n', { localAddress: '127.0.0.2', end: true });
    expect(refused.data).toBe('');
    const allowed = await exchange(daemon.ports.get('private')!, 'me too\n', { localAddress: '127.0.0.1', end: true });
    expect(allowed.data).toBe('me too\n');
  });

  it('writes the classic lines in xinetd\'s shapes', async () => {
    await waitFor('EXIT of every server', () => ((serviceLog().match(/EXIT: /g) ?? []).length >= 5 ? true : undefined));
    const lines = serviceLog().trimEnd().split('\n');
    const shapes = [
      new RegExp(`^${STAMP}: START: echo-stream pid=0 from=127\\.0\\.0\\.1$`),
      new RegExp(`^${STAMP}: EXIT: echo-stream status=0 pid=0 duration=\\d+\\(sec\\)$`),
      new RegExp(`^${STAMP}: START: daytime-dgram pid=0 from=127\\.0\\.0\\.1$`),
      new RegExp(`^${STAMP}: START: cat pid=[1-9]\\d* from=127\\.0\\.0\\.1$`),
      new RegExp(`^${STAMP}: EXIT: cat status=0 pid=[1-9]\\d* duration=\\d+\\(sec\\)$`),
      new RegExp(`^${STAMP}: FAIL: private address from=127\\.0\\.0\\.2$`),
      new RegExp(`^${STAMP}: START: private pid=[1-9]\\d* from=127\\.0\\.0\\.1$`),
    ];
    for (const shape of shapes) expect(lines.some((line) => shape.test(line)), `no line like ${shape}`).toBe(true);
    for (const line of lines) expect(line).toMatch(new RegExp(`^${STAMP}: (START|EXIT|FAIL): `));
  });

  it('keeps unchanged listeners across a reload and applies the new config', async () => {
    const echoPort = daemon.ports.get('echo-stream')!;
    const envPort = daemon.ports.get('envdump')!;
    const late = serviceBlock('late', ['id = late-echo', 'type = INTERNAL UNLISTED', 'socket_type = stream', 'protocol = tcp', 'port = 0', 'wait = no']);
    writeFileSync(configFile, configText(dir, late).replace(/service envdump\n\{[^}]*\}\n/, '').replace('service late', 'service echo'));
    daemon.process.kill('SIGHUP');
    const latePort = await waitFor('the reload', () => {
      const match = /Reconfigured: new=1 old=5 dropped=1 \(services\)/.test(programLog()) && /service late-echo listening on 127\.0\.0\.1:(\d+)\/tcp/.exec(programLog());
      return match ? Number(match[1]) : undefined;
    });
    expect(await request(echoPort, 'still here\n', 'still here\n')).toBe('still here\n');
    expect(await request(latePort, 'new\n', 'new\n')).toBe('new\n');
    expect(await isClosed(envPort)).toBe(true);
  });

  it('keeps the running config when the new one has errors', async () => {
    writeFileSync(configFile, `${configText(dir)}\nservice broken\n{\n\tsocket_type = stream\n\twait = no\n\tserver = /nonexistent\n}\n`);
    // As logrotate does: rename first, then signal; the refused reload must still reopen.
    renameSync(join(dir, 'services.log'), join(dir, 'services.log.1'));
    daemon.process.kill('SIGHUP');
    await waitFor('the failed reload', () => (/reconfiguration failed/.test(programLog()) ? true : undefined));
    expect(await request(daemon.ports.get('echo-stream')!, 'ok\n', 'ok\n')).toBe('ok\n');
    await waitFor('the START line in the reopened log', () => (/START: echo-stream/.test(serviceLog()) ? true : undefined));
    expect(readIfExists(join(dir, 'services.log.1'))).not.toBe('');
  });

  it('exits on SIGTERM and removes its pidfile', async () => {
    exitCode = await daemon.stop('SIGTERM');
    expect(exitCode).toBe(0);
    expect(programLog()).toMatch(/xinetd\[\d+\]: WARNING: Exiting\.\.\.\n/);
    expect(readIfExists(join(dir, 'xinetd.pid'))).toBe('');
  });

  it('lets logq find the refused source in the classic log', () => {
    const db = join(dir, 'classic.duckdb');
    logq(['ingest', '--db', db, join(dir, 'services.log.1'), join(dir, 'services.log')]);
    const rows = JSON.parse(logq(['fails', '--db', db, '--since', '1d', '--json'])) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: '127.0.0.2', service: 'private', count: 1 });
  });

  it('lets logq find the refused source in the JSONL log', () => {
    const db = join(dir, 'jsonl.duckdb');
    logq(['ingest', '--db', db, join(dir, 'events.jsonl')]);
    const rows = JSON.parse(logq(['fails', '--db', db, '--since', '1d', '--json'])) as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: '127.0.0.2', service: 'private', count: 1 });
  });
});
