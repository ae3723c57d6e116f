/**
 * The daemon's messages about its own log sinks: a file or the syslog socket that stopped
 * taking lines, and its return. Each fault is reported once, when it starts.
 */
import { MAX_QUEUED_BYTES, type FaultStep } from './append-file.js';

const FILE_ADVICE: Record<string, string> = {
  ENOSPC: 'free space on its file system',
  EDQUOT: "raise the disk quota of the daemon's user",
  EROFS: 'its file system is mounted read-only; remount it read-write',
  EACCES: "check the permissions of the file and its directory",
  EPERM: 'check the attributes of the file and its directory (lsattr; chattr -i or -a)',
  EIO: 'the disk reported an I/O error; check the kernel log (dmesg)',
  ENOENT: 'a directory on its path is missing',
};

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** "1 line was" or "N lines were". */
function linesWere(count: number): string {
  return `${plural(count, 'line')} ${count === 1 ? 'was' : 'were'}`;
}

export function fileFaultText(path: string, step: FaultStep, error: NodeJS.ErrnoException): string {
  const code = error.code ?? error.message;
  const advice = FILE_ADVICE[code] ?? 'check the file system that holds it';
  const queued = MAX_QUEUED_BYTES >> 20;
  return `unable to ${step} log file ${path}: ${code}: ${advice}; its lines are kept in memory (up to ${queued} MiB, then dropped and counted) and written once it works again, retried every second`;
}

export function fileRecoveredText(path: string, dropped: number): string {
  const loss = dropped === 0 ? 'no line was lost' : `${linesWere(dropped)} lost because ${dropped === 1 ? 'it' : 'they'} did not fit in memory`;
  return `log file ${path} is written again; ${loss}`;
}

export function fileUnwrittenText(path: string, lines: number): string {
  return `log file ${path} still failed at exit: ${linesWere(lines)} not written`;
}

export function fileReplacedText(path: string): string {
  return `log file ${path} was deleted while in use; created it again at the same path`;
}

export function syslogRecoveredText(socket: string, dropped: number): string {
  const loss = dropped === 0 ? 'no line was lost' : `at least ${linesWere(dropped)} lost while it failed`;
  return `syslog socket ${socket} takes lines again; ${loss}`;
}
