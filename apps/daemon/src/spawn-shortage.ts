/**
 * Servers that cannot start because the daemon ran short of descriptors (EMFILE, ENFILE
 * while creating the child's pipes) or of processes (EAGAIN, ENOMEM from fork). Every
 * connection of such a burst fails the same way, so the error is logged once per burst and
 * service. Each connection still gets its FAIL line.
 */
import { constants } from 'node:os';
import type { EventLog } from './log/event-log.js';
import type { Service } from './service.js';

type Shortage = 'descriptors' | 'processes';

const KINDS: Record<string, Shortage> = { EMFILE: 'descriptors', ENFILE: 'descriptors', EAGAIN: 'processes', ENOMEM: 'processes' };

const ADVICE: Record<string, string> = {
  EMFILE: "no file descriptor left for the server's set-up; raise the daemon's limit (ulimit -n, LimitNOFILE) or lower \"instances\"",
  ENFILE: "the system has no file descriptor left for the server's set-up; raise fs.file-max or stop other processes",
  EAGAIN: 'no process could be created for the server; the process limit is reached (ulimit -u, LimitNPROC, TasksMax, a pids cgroup or kernel.pid_max); raise it or lower "instances"',
  ENOMEM: 'no memory left to create a process for the server; free memory or lower "instances"',
};

/** Services whose current shortage is already logged, with its kind. */
const reported = new WeakMap<Service, Shortage>();

/** The errno name of a number that a helper reported as `(errno = N)`; the first name wins, so 11 is EAGAIN, not EWOULDBLOCK. */
const ERRNO_NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) if (!ERRNO_NAMES.has(value)) ERRNO_NAMES.set(value, name);

export function isStartShortage(code: string | undefined): code is string {
  return code !== undefined && KINDS[code] !== undefined;
}

/** Finds the errno name in a helper's report such as `fork: Resource temporarily unavailable (errno = 11)`. */
export function errnoCodeOf(text: string): string | undefined {
  const match = /\(errno = (\d+)\)/.exec(text);
  return match ? ERRNO_NAMES.get(Number(match[1])) : undefined;
}

/** Logs the first failed start of a burst; returns without logging for the rest. */
export function reportSpawnShortage(log: EventLog, service: Service, code: string): void {
  if (reported.has(service)) return;
  reported.set(service, KINDS[code] ?? 'processes');
  const { config } = service;
  log.error(`service ${config.id}: unable to start ${config.server}: ${code}: ${ADVICE[code] ?? 'the system failed to start the server'}; later failures of this burst are not logged`);
}

/** Ends a burst once a server of the service has started, and logs that it did. */
export function spawnSucceeded(log: EventLog, service: Service): void {
  const kind = reported.get(service);
  if (kind === undefined) return;
  reported.delete(service);
  log.info(`service ${service.config.id}: ${kind} free again, starting servers`);
}
