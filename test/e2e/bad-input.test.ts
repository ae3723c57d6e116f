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

function runToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [DAEMON_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Kills a background daemon that a failed test left running; the test runner cannot see it. */
function killIfRunning(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone, as it should be.
  }
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
    expect(result.stderr).toContain(`cannot read configuration file ${missing}`);
    expect(readIfExists(join(dir, 'xinetd.log'))).toContain(missing);
  });

  it('starts in the background and writes the pidfile', async () => {
    const config = join(dir, 'xinetd.conf');
    writeFileSync(config, block('echo', [...ECHO, 'port = 0']));
    const pidFile = join(dir, 'xinetd.pid');
    const result = await runToExit(['-f', config, '-pidfile', pidFile, '-filelog', join(dir, 'xinetd.log')]);
    expect(result.code).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    try {
      // The log is written asynchronously, so the line may land after the parent returns.
      const port = await waitFor('the listening message', () => {
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(readIfExists(join(dir, 'xinetd.log')));
        return match ? Number(match[1]) : undefined;
      });
      expect(await request(port, 'bg\n', 'bg\n')).toBe('bg\n');
      process.kill(pid, 'SIGTERM');
      await waitFor('the background daemon to exit', () => (readIfExists(pidFile) === '' ? true : undefined));
    } finally {
      killIfRunning(pid);
    }
  });

  it('prints the usage for --help', async () => {
    const result = await runToExit(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: xinetd-ts /);
  });

  it('refuses a pidfile of a running daemon', async () => {
    const config = join(dir, 'xinetd.conf');
    writeFileSync(config, block('echo', [...ECHO, 'port = 0']));
    const pidFile = join(dir, 'xinetd.pid');
    daemon = await startDaemon(['-f', config, '-pidfile', pidFile]);
    const second = await runToExit(['-dontfork', '-f', config, '-pidfile', pidFile, '-filelog', join(dir, 'second.log')]);
    expect(second.code).toBe(1);
    // The message reaches the terminal although the daemon's messages go to -filelog.
    expect(second.stderr).toContain(`xinetd-ts: pidfile ${pidFile} names process ${daemon.process.pid}, which is running`);
    expect(readFileSync(pidFile, 'utf8')).toBe(`${daemon.process.pid}\n`);
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
      expect(messages).toContain(`WARNING: ${config}:${lineOf(text, 'sever =')}: service typo: unknown attribute "sever" (did you mean "server"?)`);
      expect(messages).toMatch(new RegExp(`ERROR: ${config}:${lineOf(text, `server = ${notExecutable}`)}: service noexec: .*${notExecutable}`));
      expect(messages).toMatch(new RegExp(`service busy: unable to bind 127\\.0\\.0\\.1:${busyPort}/tcp: EADDRINUSE; stop the program that uses this port`));
      expect(messages).toMatch(new RegExp(`ERROR: ${config}:${lineOf(text, 'service oneline')}: service oneline`));
      expect([...daemon.ports.keys()]).toEqual(['good']);
      expect(await request(daemon.ports.get('good')!, 'fine\n', 'fine\n')).toBe('fine\n');
    } finally {
      occupied.close();
    }
  });
});
