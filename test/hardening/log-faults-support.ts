/**
 * Helpers for the log fault suites: a daemon in its own mount namespace with a small tmpfs
 * on its log directory, a disk filled to the last byte, and logq's count of a log file.
 * The tmpfs exists only in the daemon's namespace, so it goes away with the daemon even
 * when a test dies. The test reaches it through /proc/PID/root.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { LOGQ_BIN } from '../support/daemon.js';

/** Returns a launcher for startDaemon that mounts a tmpfs of `size` (as mount's size=, e.g. 512k) on `dir` first. */
export function tmpfsLauncher(dir: string, size: string): string[] {
  const script = 'mount -t tmpfs -o "size=$1,mode=0755" xinetd-ts-test "$2" && shift 2 && exec "$@"';
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', size, dir];
}

/** Returns the path under which this process reaches `path` as resolved by the process `pid`. */
export function seenBy(pid: number, path: string): string {
  return `/proc/${pid}/root${path}`;
}

/** Runs mount(8) in the mount namespace of `pid`. */
export function mountIn(pid: number, args: string[]): void {
  execFileSync('nsenter', ['-t', String(pid), '-m', '--', 'mount', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function umountIn(pid: number, dir: string): void {
  execFileSync('nsenter', ['-t', String(pid), '-m', '--', 'umount', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Writes zeros to `path` until its file system is full, and returns the bytes written. */
export function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096);
  let total = 0;
  try {
    for (;;) total += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return total;
}

/** Returns the complete lines of a file (those ending with a newline) and the bytes after the last one. */
export function completeLines(path: string): { lines: string[]; tail: string } {
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n');
  return { lines: end < 0 ? [] : text.slice(0, end).split('\n'), tail: text.slice(end + 1) };
}

export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? Number.NaN);
}

export interface IngestCounts {
  read: number;
  events: number;
  rejects: number;
  foreign: number;
  heldBack: number;
  output: string;
}

/** Runs `logq ingest` on one file into `db` and returns the counts of its summary line. */
export function logqIngest(db: string, file: string): IngestCounts {
  const output = execFileSync(process.execPath, [LOGQ_BIN, 'ingest', '--db', db, '--host', 'test', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  const counts = /(\d+) lines? read, (\d+) events?, (\d+) rejects?, (\d+) foreign/.exec(output);
  if (!counts) throw new Error(`logq ingest printed no summary for ${file}:\n${output}`);
  const held = /held back an incomplete last line \((\d+) bytes?/.exec(output);
  return { read: Number(counts[1]), events: Number(counts[2]), rejects: Number(counts[3]), foreign: Number(counts[4]), heldBack: Number(held?.[1] ?? 0), output };
}

/** Counts the matches of `pattern` (which must have the g flag) in `text`. */
export function countMatches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}
