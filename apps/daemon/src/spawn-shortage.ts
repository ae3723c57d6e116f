/**
 * Servers that cannot start because descriptors ran out (EMFILE, ENFILE while creating the
 * child's pipes): one error line per burst and service, since every connection of the
 * burst fails the same way. Each connection still gets its FAIL line.
 */
import type { EventLog } from './log/event-log.js';
import type { Service } from './service.js';

const SHORTAGE_CODES = new Set(['EMFILE', 'ENFILE']);

/** Services whose current shortage is already logged. */
const reported = new WeakSet<Service>();

export function isDescriptorShortage(error: NodeJS.ErrnoException): boolean {
  return SHORTAGE_CODES.has(error.code ?? '');
}

/** Logs the first failed start of a burst; returns without logging for the rest. */
export function reportSpawnShortage(log: EventLog, service: Service, error: NodeJS.ErrnoException): void {
  if (reported.has(service)) return;
  reported.add(service);
  const { config } = service;
  log.error(`service ${config.id}: unable to start ${config.server}: ${error.code}: no file descriptor left for the server's set-up; raise the daemon's limit (ulimit -n, LimitNOFILE) or lower "instances"; later failures of this burst are not logged`);
}

/** Ends a burst once a server of the service has started, and logs that it did. */
export function spawnSucceeded(log: EventLog, service: Service): void {
  if (!reported.delete(service)) return;
  log.info(`service ${service.config.id}: descriptors free again, starting servers`);
}
