/**
 * The service log events that xinetd writes, as data. The daemon builds these, the
 * classic and JSONL formatters write them, and logq reads them back.
 */

/** The reason words of a FAIL line, as xinetd writes them. */
export const FAIL_REASONS = [
  'address',
  'time',
  'fork',
  'service_limit',
  'per_source_limit',
  'process_limit',
  'libwrap',
  'load',
  'connections per second',
  'UNKNOWN',
] as const;

export type FailReason = (typeof FAIL_REASONS)[number];

/**
 * A peer address. `ip` is null when the daemon does not know the peer, as for a
 * `wait = yes` stream service that accepts for itself; xinetd prints `<no address>` then.
 */
export interface Source {
  ip: string | null;
  port?: number;
}

export interface StartEvent {
  event: 'START';
  service: string;
  pid: number;
  source: Source;
}

export interface ExitEvent {
  event: 'EXIT';
  service: string;
  pid: number;
  /** Exit status, or null when the server was ended by a signal. */
  status: number | null;
  /** Signal number, or null when the server exited by itself. */
  signal: number | null;
  durationMs: number;
}

export interface FailEvent {
  event: 'FAIL';
  service: string;
  reason: FailReason;
  source: Source;
}

export interface UseridEvent {
  event: 'USERID';
  service: string;
  /** The identd reply after `USERID :`, e.g. `UNIX : joe`. */
  text: string;
}

export interface NoidEvent {
  event: 'NOID';
  service: string;
  source: Source;
  reason: string;
}

export interface TrafficEvent {
  event: 'TRAFFIC';
  service: string;
  /** Bytes from the client to the redirect target. */
  bytesIn: number;
  /** Bytes from the redirect target to the client. */
  bytesOut: number;
}

export type ServiceEvent =
  | StartEvent
  | ExitEvent
  | FailEvent
  | UseridEvent
  | NoidEvent
  | TrafficEvent;

export type EventKind = ServiceEvent['event'];

export const EVENT_KINDS: readonly EventKind[] = ['START', 'EXIT', 'FAIL', 'USERID', 'NOID', 'TRAFFIC'];

/** The severity words of the daemon's own messages, in xinetd's spelling. */
export const SEVERITIES = ['CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFO', 'DEBUG'] as const;

export type Severity = (typeof SEVERITIES)[number];

/** One of the daemon's own messages ("Started working: 3 available services"). */
export interface DaemonMessage {
  severity: Severity;
  text: string;
}

export function isFailReason(word: string): word is FailReason {
  return (FAIL_REASONS as readonly string[]).includes(word);
}
