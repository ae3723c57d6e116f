/**
 * Helpers for the suites that run real servers under the daemon: configuration blocks,
 * the daemon's service log, and a look at its descriptors and children.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { readIfExists, waitFor } from '../support/daemon.js';

export const HERE = __dirname;
export const REPORT_SERVER = join(HERE, 'report.mjs');
export const ACCEPT_SELF_SERVER = join(HERE, 'accept-self.mjs');
export const IS_ROOT = process.getuid?.() === 0;

export function block(name: string, lines: string[]): string {
  return `service ${name}\n{\n${lines.map((line) => `\t${line}`).join('\n')}\n}\n`;
}

/** Returns a defaults entry that writes every START, EXIT, FAIL and TRAFFIC line to `log`. */
export function defaultsLoggingTo(log: string): string {
  return `defaults\n{\n\tlog_type = FILE ${log}\n\tlog_on_success = PID HOST EXIT DURATION\n\tlog_on_failure = HOST\n}\n`;
}

export const TCP = ['type = UNLISTED', 'socket_type = stream', 'protocol = tcp', 'bind = 127.0.0.1', 'port = 0'];
export const UDP = ['type = UNLISTED', 'socket_type = dgram', 'protocol = udp', 'bind = 127.0.0.1', 'port = 0'];

export function writeConfig(dir: string, text: string): string {
  const path = join(dir, 'xinetd.conf');
  writeFileSync(path, text);
  return path;
}

/** Waits until the log holds a line matching `pattern`, and returns the match. */
export function waitForLine(log: string, pattern: RegExp, what = `a line matching ${pattern}`): Promise<RegExpMatchArray> {
  return waitFor(what, () => readIfExists(log).match(pattern) ?? undefined, 15_000);
}

/** Counts the daemon's open descriptors. */
export function openDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function isSpawner(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('-S');
  } catch {
    return false;
  }
}

/**
 * Lists the daemon's servers and helpers that still run or are not yet reaped: its
 * children and its spawner's children, but not the long-lived spawner itself.
 */
export function serversOf(pid: number): number[] {
  const children = childrenOf(pid);
  const spawners = children.filter(isSpawner);
  return [...children.filter((child) => !spawners.includes(child)), ...spawners.flatMap(childrenOf)];
}

/** Lists the pids whose parent is `pid`. */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

/** A TCP port that was free a moment ago, for configurations that must keep their port across reloads. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
