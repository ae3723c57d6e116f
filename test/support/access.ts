/**
 * Helpers for the access-control tests: service blocks, a daemon on a temporary directory
 * with its own hosts.allow, hosts.deny, networks and hosts files, and log readers that
 * drop the time stamp so tests can compare whole lines.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { makeTempDir, readIfExists, removeDir, startDaemon, waitFor, type RunningDaemon } from './daemon.js';

const SERVICE_STAMP = /^\d{2}\/\d{1,2}\/\d{1,2}@\d{2}:\d{2}:\d{2}: /;
const PROGRAM_STAMP = /^\d{2}\/\d{1,2}\/\d{1,2}@\d{2}:\d{2}:\d{2} xinetd\[\d+\]: /;

/** A TCP service that runs `/bin/echo <word>` for each connection. */
export function echoService(id: string, lines: string[] = [], word = 'served'): string {
  return serviceText(id, ['server = /bin/echo', `server_args = ${word}`, ...lines]);
}

/** A TCP service that runs /bin/cat, which holds the connection until the client closes it. */
export function catService(id: string, lines: string[] = []): string {
  return serviceText(id, ['server = /bin/cat', ...lines]);
}

export function serviceText(id: string, lines: string[]): string {
  const base = ['type = UNLISTED', 'socket_type = stream', 'protocol = tcp', 'port = 0', 'wait = no', 'user = root', 'bind = 127.0.0.1'];
  const merged = [...base.filter((line) => !lines.some((own) => own.split(' ')[0] === line.split(' ')[0])), ...lines];
  return `service ${id}\n{\n${merged.map((line) => `\t${line}`).join('\n')}\n}\n`;
}

export interface AccessFixture {
  dir: string;
  daemon: RunningDaemon;
  port(id: string): number;
  /** Service log lines without their time stamps. */
  serviceLines(): string[];
  /** -filelog lines without time stamp and ident. */
  programLines(): string[];
  /** Waits until the service log has a line equal to `line`. */
  waitForLine(line: string): Promise<void>;
  waitForProgramLine(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

export interface FixtureOptions {
  /** Service entries; `@DIR@` stands for the fixture's directory. */
  services: string[];
  defaults?: string[];
  /** Files created in the directory before the daemon starts; names ending in .sh are executable. */
  files?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  args?: string[];
}

/** Starts a daemon on `services`, with hosts files and every path inside a fresh temporary directory. */
export async function startFixture(options: FixtureOptions): Promise<AccessFixture> {
  const dir = makeTempDir('xinetd-ts-access');
  for (const [name, text] of Object.entries({ 'hosts.allow': '', 'hosts.deny': '', ...options.files })) {
    writeFileSync(join(dir, name), text, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
  }
  const defaults = ['log_type = FILE ' + join(dir, 'services.log'), 'log_on_success = PID HOST EXIT', 'log_on_failure = HOST', ...(options.defaults ?? [])];
  const services = options.services.join('\n').replaceAll('@DIR@', dir);
  writeFileSync(join(dir, 'xinetd.conf'), `defaults\n{\n${defaults.map((line) => `\t${line}`).join('\n')}\n}\n\n${services}`);
  const env: NodeJS.ProcessEnv = { XINETD_TS_HOSTS_DIR: dir, XINETD_TS_NETWORKS: join(dir, 'networks'), XINETD_TS_HOSTS_FILE: join(dir, 'hosts'), ...options.env };
  if (options.files?.['loadavg'] !== undefined) env['XINETD_TS_LOADAVG'] = join(dir, 'loadavg');
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon(['-f', join(dir, 'xinetd.conf'), '-filelog', join(dir, 'xinetd.log'), ...(options.args ?? [])], env);
  } catch (error) {
    removeDir(dir);
    throw error;
  }
  const serviceLines = () => readIfExists(join(dir, 'services.log')).split('\n').filter(Boolean).map((line) => line.replace(SERVICE_STAMP, ''));
  const programLines = () => readIfExists(join(dir, 'xinetd.log')).split('\n').filter(Boolean).map((line) => line.replace(PROGRAM_STAMP, ''));
  return {
    dir,
    daemon,
    port: (id) => {
      const port = daemon.ports.get(id);
      if (port === undefined) throw new Error(`service ${id} is not listening:\n${daemon.stderr()}`);
      return port;
    },
    serviceLines,
    programLines,
    waitForLine: async (line) => {
      await waitFor(`the line "${line}" in the service log`, () => (serviceLines().includes(line) ? true : undefined));
    },
    waitForProgramLine: (pattern) => waitFor(`a line like ${pattern} in the program log`, () => programLines().find((line) => pattern.test(line))),
    stop: async () => {
      await daemon.stop('SIGKILL');
      removeDir(dir);
    },
  };
}

export interface Held {
  socket: net.Socket;
  data: () => string;
  closed: Promise<void>;
}

/** Opens a connection from `localAddress` and keeps it open; resolves once connected. */
export function hold(port: number, localAddress = '127.0.0.1', host = '127.0.0.1'): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host, localAddress });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('connect', () => resolve({ socket, data: () => data, closed }));
    socket.once('error', reject);
  });
}
