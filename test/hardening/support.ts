/** Helpers for the hardening suites: a daemon's CPU time, descriptors and limits from /proc. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';

/** User plus system CPU time of `pid`, in clock ticks (1/100 s on Linux). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function highestDescriptor(pid: number): number {
  return Math.max(...readdirSync(`/proc/${pid}/fd`).map(Number));
}

/** Sets the soft descriptor limit of a running process with util-linux prlimit. */
export function setSoftFileLimit(pid: number, soft: number): void {
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:`]);
}

export interface Echoed {
  socket: net.Socket;
  served: boolean;
}

/** Connects to an echo service and resolves once the line came back (served) or the connection closed without it. */
export function echoOnce(port: number): Promise<Echoed> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let data = '';
    const timer = setTimeout(() => finish(false), 10_000);
    function finish(served: boolean): void {
      clearTimeout(timer);
      if (!served) socket.destroy();
      resolve({ socket, served });
    }
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write('ping\n'));
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.includes('ping\n')) finish(true);
    });
    socket.on('close', () => finish(false));
    socket.on('error', () => finish(false));
  });
}

/** Socket inodes of listening TCP sockets and bound UDP sockets, from /proc/net. */
function listeningInodes(): Set<string> {
  const inodes = new Set<string>();
  const listeningState: Record<string, string> = { tcp: '0A', tcp6: '0A', udp: '07', udp6: '07' };
  for (const [table, state] of Object.entries(listeningState)) {
    for (const line of readFileSync(`/proc/net/${table}`, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[3] === state && !fields[1]?.endsWith(':0000')) inodes.add(fields[9]!);
    }
  }
  return inodes;
}

/** Counts the distinct listening sockets open in `pids`; a wait = yes service's socket is open in its helper. */
export function listenersOf(pids: number[]): number {
  const listening = listeningInodes();
  const held = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode !== undefined && listening.has(inode)) held.add(inode);
      } catch {
        // Closed while we looked.
      }
    }
  }
  return held.size;
}
