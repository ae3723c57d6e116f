/**
 * Bad input to the daemon: each problem is reported with its file, line or service and
 * what to do, and every valid service is still served.
 */
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAEMON_BIN, makeTempDir, readIfExists, removeDir, request, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';

function runToExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [DAEMON_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

function listenOnFreePort(): Promise<net.Server> {
  return new Promise((done) => {
    const server = net.createServer((socket) => socket.destroy());
    server.listen(0, '127.0.0.1', () => done(server));
  });
}

/** Returns the 1-based number of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

function block(name: string, lines: string[]): string {
  return `service ${name}\n{\n${lines.map((line) => `\t${line}`).join('\n')}\n}\n`;
}

const EXTERNAL = ['type = UNLISTED', 'socket_type = stream', 'protocol = tcp', 'wait = no', 'user = nobody', 'bind = 127.0.0.1'];
const ECHO = ['type = INTERNAL UNLISTED', 'socket_type = stream', 'protocol = tcp', 'wait = no', 'bind = 127.0.0.1'];

describe('daemon with bad input', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-bad');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it('exits 1 naming a config file that does not exist', async () => {
    const missing = join(dir, 'nope.conf');
    const result = await runToExit(['-dontfork', '-f', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(missing);
    expect(result.stderr).toMatch(/couldn't get configuration\. Exiting\.\.\./);
  });

  it('reports the failure from the background daemon too', async () => {
    const missing = join(dir, 'nope.conf');
    const result = await runToExit(['-f', missing, '-filelog', join(dir, 'xinetd.log')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no services could be started from ${missing}`);
    // The background copy may still be flushing its -filelog line when the parent returns.
    await waitFor('the message in the -filelog file', () => (readIfExists(join(dir, 'xinetd.log')).includes(missing) ? true : undefined));
  });

  it('starts in the background and writes the pidfile', async () => {
    const config = join(dir, 'xinetd.conf');
    writeFileSync(config, block('echo', [...ECHO, 'port = 0']));
    const pidFile = join(dir, 'xinetd.pid');
    const result = await runToExit(['-f', config, '-pidfile', pidFile, '-filelog', join(dir, 'xinetd.log')]);
    expect(result.code).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // The -filelog line is written asynchronously, so it may land just after the pidfile.
    const port = await waitFor('the listening line', () => {
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(readIfExists(join(dir, 'xinetd.log')));
      return match ? Number(match[1]) : undefined;
    });
    expect(await request(port, 'bg\n', 'bg\n')).toBe('bg\n');
    process.kill(pid, 'SIGTERM');
    await waitFor('the background daemon to exit', () => (readIfExists(pidFile) === '' ? true : undefined));
  });

  it('skips each broken service and serves the rest', async () => {
    const occupied = await listenOnFreePort();
    try {
      const notExecutable = join(dir, 'not-executable');
      writeFileSync(notExecutable, '#!/bin/sh\necho hi\n');
      chmodSync(notExecutable, 0o644);
      const config = join(dir, 'xinetd.conf');
      const busyPort = (occupied.address() as net.AddressInfo).port;
      const text = [
          block('typo', [...EXTERNAL, 'port = 0', 'sever = /bin/cat']),
          block('noexec', [...EXTERNAL, 'port = 0', `server = ${notExecutable}`]),
          block('echo', [...ECHO, 'id = busy', `port = ${busyPort}`]),
          'service oneline {\n\tport = 1\n}\n',
          block('echo', [...ECHO, 'id = good', 'port = 0']),
        ].join('\n');
      writeFileSync(config, text);
      daemon = await startDaemon(['-f', config]);
      const messages = daemon.stderr();
      expect(messages).toContain(`${config}:${lineOf(text, 'sever =')}: warning: service typo: unknown attribute "sever" (did you mean "server"?)`);
      expect(messages).toMatch(new RegExp(`${config}:${lineOf(text, `server = ${notExecutable}`)}: error: service noexec: .*${notExecutable}`));
      expect(messages).toMatch(new RegExp(`service busy: unable to bind 127\\.0\\.0\\.1:${busyPort}/tcp: EADDRINUSE; stop the program that uses this port`));
      expect(messages).toMatch(new RegExp(`${config}:${lineOf(text, 'service oneline')}: error: service oneline`));
      expect([...daemon.ports.keys()]).toEqual(['good']);
      expect(await request(daemon.ports.get('good')!, 'fine\n', 'fine\n')).toBe('fine\n');
    } finally {
      occupied.close();
    }
  });
});
