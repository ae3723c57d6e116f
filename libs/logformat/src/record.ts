/**
 * The flat form of one log line as logq stores it: every field of every event kind, null
 * where the line did not carry it. xinetd leaves out `pid=` or `from=` when their flags
 * are off, and a syslog stamp has no year until one is inferred.
 */
import type { EventKind, Severity } from './events.js';

/** A service event, or MESSAGE for one of the daemon's own messages. */
export type RecordKind = EventKind | 'MESSAGE';

export interface LogRecord {
  time: Date | null;
  /** The host that wrote the line: the syslog host field, or the JSONL `host`. */
  host: string | null;
  kind: RecordKind;
  service: string | null;
  pid: number | null;
  sourceIp: string | null;
  sourcePort: number | null;
  reason: string | null;
  status: number | null;
  signal: number | null;
  durationMs: number | null;
  /** USERID reply text, or the daemon message text. */
  text: string | null;
  severity: Severity | null;
  bytesIn: number | null;
  bytesOut: number | null;
  /** The pid in a `xinetd[pid]:` prefix: the process that wrote the line. */
  writerPid: number | null;
}

export function emptyRecord(kind: RecordKind): LogRecord {
  return {
    time: null,
    host: null,
    kind,
    service: null,
    pid: null,
    sourceIp: null,
    sourcePort: null,
    reason: null,
    status: null,
    signal: null,
    durationMs: null,
    text: null,
    severity: null,
    bytesIn: null,
    bytesOut: null,
    writerPid: null,
  };
}

/**
 * Returns the IPv4 form of an IPv4-mapped IPv6 address (`::ffff:10.0.0.5` → `10.0.0.5`),
 * and every other address unchanged, so that one client has one spelling.
 */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}
