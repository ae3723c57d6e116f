/**
 * Logs that the real daemon wrote to files or through syslog: refusals from several
 * loopback addresses, a service limit hit, and accepted connections. The tests of
 * fail2ban, lnav and logwatch read them.
 */
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { LOGQ_BIN, exchange, readIfExists, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';

/** Refused connections per source address, on the service that only admits 127.0.0.1. */
export const REFUSALS: ReadonlyMap<string, number> = new Map([
  ['127.0.0.2', 3],
  ['127.0.0.3', 5],
  ['127.0.0.4', 1],
]);

/** Accepted connections per source address. */
export const ACCEPTED: ReadonlyMap<string, number> = new Map([
  ['127.0.0.1', 2],
  ['127.0.0.6', 1],
]);

/** The source whose second connection hits `instances = 1`: a FAIL that is not the client's fault. */
export const LIMITED_SOURCE = '127.0.0.5';

export interface WorkloadLogs {
  /** The service log, `log_type FILE`. */
  serviceLog: string;
  /** The daemon's own messages, `-filelog`. */
  programLog: string;
  jsonLog: string;
  /** The pid of the daemon that wrote them, for a syslog prefix. */
  daemonPid: number;
}

function serviceBlock(name: string, lines: string[]): string {
  return `service ${name}\n{\n${lines.map((line) => `\t${line}`).join('\n')}\n}\n`;
}

/** `logType` is the defaults' `log_type` value: `FILE path` or `SYSLOG facility level`. */
function configText(logType: string): string {
  const common = ['type = UNLISTED', 'socket_type = stream', 'protocol = tcp', 'port = 0', 'wait = no'];
  return [
    `defaults\n{\n\tbind = 127.0.0.1\n\tlog_type = ${logType}\n\tlog_on_success = PID HOST EXIT DURATION\n\tlog_on_failure = HOST\n}\n`,
    serviceBlock('echo', ['id = guarded', 'type = INTERNAL UNLISTED', 'socket_type = stream', 'protocol = tcp', 'port = 0', 'wait = no', 'only_from = 127.0.0.1 127.0.0.6']),
    serviceBlock('single', [...common, 'user = nobody', 'server = /bin/cat', 'instances = 1']),
  ].join('\n');
}

/** Opens a connection and keeps it until the returned function is called. */
function holdConnection(port: number, localAddress: string): Promise<() => void> {
  return new Promise((done, fail) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    socket.once('connect', () => done(() => socket.destroy()));
    socket.once('error', fail);
  });
}

function countMatches(text: string, pattern: RegExp): number {
  return (text.match(pattern) ?? []).length;
}

function portOf(daemon: RunningDaemon, id: string): number {
  const port = daemon.ports.get(id);
  if (port === undefined) throw new Error(`service ${id} is not listening; the daemon wrote:\n${daemon.stderr()}`);
  return port;
}

async function makeTraffic(daemon: RunningDaemon, serviceLog: string): Promise<void> {
  const guarded = portOf(daemon, 'guarded');
  for (const [address, count] of REFUSALS) {
    for (let i = 0; i < count; i++) await exchange(guarded, 'x\n', { localAddress: address, end: true });
  }
  for (const [address, count] of ACCEPTED) {
    for (let i = 0; i < count; i++) await exchange(guarded, 'x\n', { localAddress: address, end: true });
  }
  const single = portOf(daemon, 'single');
  const release = await holdConnection(single, LIMITED_SOURCE);
  try {
    await waitFor('the held server to start', () => (/START: single /.test(readIfExists(serviceLog)) ? true : undefined));
    await exchange(single, '', { localAddress: LIMITED_SOURCE });
  } finally {
    release();
  }
}

/** Makes the connections above and waits until `serviceLog` holds every FAIL and EXIT line. */
async function runWorkload(daemon: RunningDaemon, serviceLog: string): Promise<void> {
  await makeTraffic(daemon, serviceLog);
  const refusals = [...REFUSALS.values()].reduce((sum, count) => sum + count, 0) + 1;
  const starts = [...ACCEPTED.values()].reduce((sum, count) => sum + count, 0) + 1;
  await waitFor('every FAIL and EXIT line', () => {
    const text = readIfExists(serviceLog);
    return countMatches(text, /: FAIL: /g) >= refusals && countMatches(text, /: EXIT: /g) >= starts ? true : undefined;
  });
}

/** Runs the daemon in `dir`, makes the connections above, stops it, and returns its log paths. */
export async function writeDaemonLogs(dir: string): Promise<WorkloadLogs> {
  const logs = {
    serviceLog: join(dir, 'services.log'),
    programLog: join(dir, 'xinetd.log'),
    jsonLog: join(dir, 'events.jsonl'),
  };
  const configFile = join(dir, 'xinetd.conf');
  writeFileSync(configFile, configText(`FILE ${logs.serviceLog}`));
  const daemon = await startDaemon(['-f', configFile, '-filelog', logs.programLog, '-jsonlog', logs.jsonLog]);
  try {
    await runWorkload(daemon, logs.serviceLog);
  } finally {
    await daemon.stop('SIGTERM');
  }
  return { ...logs, daemonPid: daemon.process.pid! };
}

export interface SyslogTarget {
  /** The syslog daemon's socket, for `-syslogsocket`. */
  socket: string;
  /** The service lines' facility and level, as in `log_type = SYSLOG authpriv info`. */
  serviceFacilityLevel: string;
  /** The daemon's own messages' facility, for `-syslog`. */
  programFacility: string;
  /** The file the syslog daemon writes the service lines to, watched for the lines. */
  serviceLog: string;
}

/** Runs the daemon in `dir` with every log line sent to syslog, makes the connections above, and stops it. */
export async function writeDaemonSyslog(dir: string, target: SyslogTarget): Promise<void> {
  const configFile = join(dir, 'xinetd.conf');
  writeFileSync(configFile, configText(`SYSLOG ${target.serviceFacilityLevel}`));
  const daemon = await startDaemon(['-f', configFile, '-syslog', target.programFacility, '-syslogsocket', target.socket]);
  try {
    await runWorkload(daemon, target.serviceLog);
  } finally {
    await daemon.stop('SIGTERM');
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Rewrites service file-log lines into the RFC 3164 form a syslog daemon stores for
 * `log_type SYSLOG`: `Dec  4 19:48:04 host xinetd[812]: FAIL: …`, local time.
 */
export function toSyslogLines(fileLog: string, pid: number, host = hostname().split('.')[0]!): string {
  const lines = fileLog.split('\n').filter((line) => line !== '');
  return lines
    .map((line) => {
      const m = /^(\d{2})\/(\d{1,2})\/(\d{1,2})@(\d{2}:\d{2}:\d{2}): (.*)$/.exec(line);
      if (!m) throw new Error(`not a service file-log line: ${line}`);
      const day = m[3]!.padStart(2, ' ');
      return `${MONTHS[Number(m[2]) - 1]} ${day} ${m[4]} ${host} xinetd[${pid}]: ${m[5]}`;
    })
    .map((line) => `${line}\n`)
    .join('');
}

export interface LogqFailGroup {
  source: string | null;
  service: string | null;
  reasons: string[];
  count: number;
  first_seen: string;
  last_seen: string;
}

/** Loads `files` into a new database under `dir` and returns `logq fails --json`. */
export function logqFails(dir: string, name: string, files: string[]): LogqFailGroup[] {
  const db = join(dir, `${name}.duckdb`);
  execFileSync(process.execPath, [LOGQ_BIN, 'ingest', '--db', db, ...files], { encoding: 'utf8' });
  const output = execFileSync(process.execPath, [LOGQ_BIN, 'fails', '--db', db, '--json'], { encoding: 'utf8' });
  return JSON.parse(output) as LogqFailGroup[];
}
