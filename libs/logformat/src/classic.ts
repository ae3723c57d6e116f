/**
 * Writes xinetd's classic log lines byte for byte: the service lines of a `log_type FILE`
 * log, and the `-filelog` lines of the daemon's own messages.
 */
import type { DaemonMessage, ServiceEvent, Source } from './events.js';
import { formatFileStamp } from './timestamp.js';

/**
 * The optional parts of a service line, from the service's `log_on_success` and
 * `log_on_failure` flags. xinetd leaves a part out entirely when its flag is off.
 */
export interface LineParts {
  /** `pid=` on START and EXIT (log_on_success PID). */
  pid: boolean;
  /** `from=` on START and FAIL (log_on_success HOST, log_on_failure HOST). */
  host: boolean;
  /** `status=` or `signal=` on EXIT (log_on_success EXIT). */
  exit: boolean;
  /** `duration=` on EXIT (log_on_success DURATION). */
  duration: boolean;
}

export const ALL_PARTS: LineParts = { pid: true, host: true, exit: true, duration: true };

export const NO_ADDRESS = '<no address>';

export function formatSource(source: Source): string {
  return source.ip ?? NO_ADDRESS;
}

/** Formats the text of a service line after the time stamp: `START: echo-stream pid=7 from=::1`. */
export function formatServiceBody(event: ServiceEvent, parts: LineParts = ALL_PARTS): string {
  switch (event.event) {
    case 'START': {
      let body = `START: ${event.service}`;
      if (parts.pid) body += ` pid=${event.pid}`;
      if (parts.host) body += ` from=${formatSource(event.source)}`;
      return body;
    }
    case 'EXIT': {
      let body = `EXIT: ${event.service}`;
      if (parts.exit) {
        body += event.signal !== null ? ` signal=${event.signal}` : ` status=${event.status ?? 0}`;
      }
      if (parts.pid) body += ` pid=${event.pid}`;
      if (parts.duration) body += ` duration=${Math.floor(event.durationMs / 1000)}(sec)`;
      return body;
    }
    case 'FAIL': {
      let body = `FAIL: ${event.service} ${event.reason}`;
      if (parts.host) body += ` from=${formatSource(event.source)}`;
      return body;
    }
    case 'USERID':
      return `USERID: ${event.service} ${event.text}`;
    case 'NOID':
      return `NOID: ${event.service} ${formatSource(event.source)} ${event.reason}`;
    case 'TRAFFIC':
      return `TRAFFIC: ${event.service} in=${event.bytesIn}(bytes) out=${event.bytesOut}(bytes)`;
  }
}

/** Formats a whole service file-log line, without the trailing newline. */
export function formatServiceLine(time: Date, event: ServiceEvent, parts: LineParts = ALL_PARTS): string {
  return `${formatFileStamp(time)}: ${formatServiceBody(event, parts)}`;
}

/**
 * Formats a `-filelog` line of the daemon's own messages:
 * `26/12/4@19:47:10 xinetd[9724]: NOTICE: Started working: 23 available services`.
 */
export function formatProgramLine(time: Date, program: string, pid: number, message: DaemonMessage): string {
  return `${formatFileStamp(time)} ${program}[${pid}]: ${message.severity}: ${message.text}`;
}
