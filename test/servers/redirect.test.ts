/**
 * redirect = host port: the daemon relays each connection to the target, with back
 * pressure, half-close, KEEPALIVE on the outgoing side, and a TRAFFIC line at the end.
 */
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { TCP, block, defaultsLoggingTo, freePort, waitForLine, writeConfig } from './support.js';

/** A target that echoes everything and half-closes when the client does. */
function echoTarget(): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => socket.pipe(socket));
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Sends `size` bytes, half-closes, reads slowly, and resolves with how many bytes came back. */
function pushThrough(port: number, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let received = 0;
    socket.on('connect', () => socket.end(Buffer.alloc(size, 'x')));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      // A slow reader: the relay must hold back instead of buffering everything.
      socket.pause();
      setTimeout(() => socket.resume(), 1);
    });
    socket.on('end', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('redirect', () => {
  let dir: string;
  let log: string;
  let daemon: RunningDaemon | undefined;
  let target: net.Server | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-redirect');
    log = join(dir, 'service.log');
  });

  afterEach(async () => {
    await daemon?.stop('SIGTERM');
    daemon = undefined;
    target?.close();
    removeDir(dir);
  });

  function relayService(name: string, port: number, extra: string[] = []): string {
    return block(name, [...TCP, 'wait = no', 'user = nobody', `redirect = 127.0.0.1 ${port}`, 'log_on_success = PID HOST EXIT TRAFFIC', ...extra]);
  }

  it('relays 4 MB both ways through a half-closed connection and logs TRAFFIC', async () => {
    target = await echoTarget();
    const targetPort = (target.address() as net.AddressInfo).port;
    daemon = await startDaemon(['-f', writeConfig(dir, defaultsLoggingTo(log) + relayService('relay', targetPort))]);
    const size = 4 * 1024 * 1024;
    expect(await pushThrough(daemon.ports.get('relay')!, size)).toBe(size);
    await waitForLine(log, new RegExp(`TRAFFIC: relay in=${size}\\(bytes\\) out=${size}\\(bytes\\)`));
    await waitForLine(log, /EXIT: relay status=0 pid=0/);
  });

  it('logs the OS error when the target refuses, closes the client, and keeps serving', async () => {
    const closedPort = await freePort();
    daemon = await startDaemon(['-f', writeConfig(dir, defaultsLoggingTo(log) + relayService('nowhere', closedPort))]);
    const port = daemon.ports.get('nowhere')!;
    for (let i = 0; i < 2; i++) {
      // The relay closes the client at once; with its bytes unread, the close may arrive as a reset.
      expect(await pushThrough(port, 10).catch(() => 0)).toBe(0);
    }
    // The client can see the close before the daemon's error line reaches the stderr pipe.
    const refused = new RegExp(`ERROR: service nowhere: can't connect to remote host 127\\.0\\.0\\.1 port ${closedPort}: ECONNREFUSED`);
    await waitFor('the connect error on stderr', () => (refused.test(daemon.stderr()) ? true : undefined));
    await waitForLine(log, /TRAFFIC: nowhere in=\d+\(bytes\) out=0\(bytes\)[^]*TRAFFIC: nowhere/);
  });

  it('sets SO_KEEPALIVE on the outgoing connection with the KEEPALIVE flag', async () => {
    let held: net.Socket | undefined;
    target = net.createServer((socket) => {
      held = socket;
    });
    await new Promise<void>((resolve) => target!.listen(0, '127.0.0.1', () => resolve()));
    const targetPort = (target.address() as net.AddressInfo).port;
    daemon = await startDaemon(['-f', writeConfig(dir, defaultsLoggingTo(log) + relayService('kept', targetPort, ['flags = KEEPALIVE']))]);
    const client = net.connect({ port: daemon.ports.get('kept')!, host: '127.0.0.1' });
    await waitForLine(log, /START: kept/);
    const timer = await waitFor('a keepalive timer on the outgoing socket', () => {
      // ss shows a keepalive timer only on sockets with SO_KEEPALIVE set.
      const out = execFileSync('ss', ['-tnoH', 'state', 'established', `dport = :${targetPort}`], { encoding: 'utf8' });
      return out.includes('timer:(keepalive') ? out : undefined;
    });
    expect(timer).toContain('keepalive');
    client.destroy();
    held?.destroy();
  });
});
