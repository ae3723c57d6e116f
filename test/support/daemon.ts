/**
 * Starts the built `xinetd-ts` as a real process on a temporary configuration, and talks
 * to it with real sockets on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..');
export const DAEMON_BIN = join(ROOT, 'bin', 'xinetd-ts.js');
export const LOGQ_BIN = join(ROOT, 'bin', 'logq.js');

/** Polls `condition` every 20 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, condition: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

export function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

export interface RunningDaemon {
  process: ChildProcess;
  stderr: () => string;
  /** The port each service id listens on, from the start-up summary. */
  ports: Map<string, number>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function parseSummary(text: string): Map<string, number> | undefined {
  if (!/services? listening\n/.test(text)) return undefined;
  const ports = new Map<string, number>();
  for (const match of text.matchAll(/^ {2}(\S+)\s+\S+:(\d+)\/\w+$/gm)) ports.set(match[1]!, Number(match[2]));
  return ports;
}

/**
 * Starts the daemon in the foreground, with `env` added to this process's environment, and
 * resolves once its start-up summary is printed. A `launcher` command (such as `unshare`)
 * runs first and must exec the daemon's command line given as its last arguments.
 */
export async function startDaemon(args: string[], env: NodeJS.ProcessEnv = {}, launcher: string[] = []): Promise<RunningDaemon> {
  const [command, ...commandArgs] = [...launcher, process.execPath, DAEMON_BIN, '-dontfork', ...args];
  const child = spawn(command!, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let exitCode: number | null | 'running' = 'running';
  void exited.then((code) => {
    exitCode = code;
  });
  let ports: Map<string, number>;
  try {
    ports = await waitFor('the daemon to start', () => {
      if (exitCode !== 'running') throw new Error(`the daemon exited with ${exitCode} during start-up:\n${stderr}`);
      return parseSummary(stderr);
    });
  } catch (error) {
    // A daemon that never printed its summary must not outlive the test.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return {
    process: child,
    stderr: () => stderr,
    ports,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface Exchange {
  data: string;
  closedBy: 'server' | 'error';
}

/** Connects, sends `payload` (then half-closes when `end` is set), and collects everything until the server closes. */
export function exchange(port: number, payload: string, options: { end?: boolean; localAddress?: string; host?: string } = {}): Promise<Exchange> {
  return new Promise((done, fail) => {
    const socket = net.connect({ port, host: options.host ?? '127.0.0.1', localAddress: options.localAddress });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      fail(new Error(`no close from port ${port} within 10 s; received so far: ${JSON.stringify(data)}`));
    }, 10_000);
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      if (payload) socket.write(payload);
      if (options.end) socket.end();
    });
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      done({ data, closedBy: 'server' });
    });
    socket.on('error', () => {
      clearTimeout(timer);
      done({ data, closedBy: 'error' });
    });
  });
}

/** Sends `payload` and resolves with the first reply that contains `expected`, then closes. */
export function request(port: number, payload: string, expected: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      fail(new Error(`no ${JSON.stringify(expected)} from port ${port} within 10 s; received ${JSON.stringify(data)}`));
    }, 10_000);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.includes(expected)) {
        clearTimeout(timer);
        socket.end();
        done(data);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
