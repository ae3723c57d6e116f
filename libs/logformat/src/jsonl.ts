/**
 * The JSONL form of the log: one object per line, with the stable field names described by
 * `event.schema.json` beside this package. The daemon writes it through pino, which adds
 * `level` and `time`; the fields of each event come from here.
 */
import { EVENT_KINDS, SEVERITIES, type DaemonMessage, type ServiceEvent, type Severity } from './events.js';
import { emptyRecord, normalizeAddress, type LogRecord, type RecordKind } from './record.js';

export interface JsonSource {
  ip: string | null;
  port?: number;
}

/** The event-specific fields of a JSONL line; pino adds `level`, `time` and `host`. */
export type JsonFields = Record<string, string | number | null | JsonSource>;

/** pino's numeric levels, by the severity of the line. */
export const PINO_LEVELS: Record<Severity, number> = {
  CRITICAL: 60,
  ERROR: 50,
  WARNING: 40,
  NOTICE: 30,
  INFO: 30,
  DEBUG: 20,
};

/** Severity of a service event in the JSONL log: refusals are warnings, the rest info. */
export function eventSeverity(event: ServiceEvent): Severity {
  return event.event === 'FAIL' || event.event === 'NOID' ? 'WARNING' : 'INFO';
}

export function eventFields(event: ServiceEvent): JsonFields {
  switch (event.event) {
    case 'START':
      return { event: 'START', service: event.service, pid: event.pid, source: { ...event.source } };
    case 'EXIT':
      return {
        event: 'EXIT',
        service: event.service,
        pid: event.pid,
        status: event.status,
        signal: event.signal,
        duration_ms: event.durationMs,
      };
    case 'FAIL':
      return { event: 'FAIL', service: event.service, reason: event.reason, source: { ...event.source } };
    case 'USERID':
      return { event: 'USERID', service: event.service, text: event.text };
    case 'NOID':
      return { event: 'NOID', service: event.service, reason: event.reason, source: { ...event.source } };
    case 'TRAFFIC':
      return { event: 'TRAFFIC', service: event.service, bytes_in: event.bytesIn, bytes_out: event.bytesOut };
  }
}

export function messageFields(message: DaemonMessage): JsonFields {
  return { event: 'MESSAGE', severity: message.severity, msg: message.text };
}

function optionalNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function isRecordKind(value: unknown): value is RecordKind {
  return value === 'MESSAGE' || (EVENT_KINDS as readonly unknown[]).includes(value);
}

/**
 * Turns one parsed JSONL object into a record, or returns the reason it is not one of
 * our lines.
 */
export function fromJsonRecord(value: unknown): LogRecord | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const object = value as Record<string, unknown>;
  if (!isRecordKind(object.event)) return 'no known "event" field';
  const record = emptyRecord(object.event);
  const time = typeof object.time === 'string' || typeof object.time === 'number' ? new Date(object.time) : null;
  if (!time || Number.isNaN(time.getTime())) return 'missing or invalid "time" field';
  record.time = time;
  record.host = optionalString(object.host);
  record.service = optionalString(object.service);
  record.pid = optionalNumber(object.pid);
  const source = object.source as Record<string, unknown> | undefined;
  if (typeof source === 'object' && source !== null) {
    const ip = optionalString(source.ip);
    record.sourceIp = ip === null ? null : normalizeAddress(ip);
    record.sourcePort = optionalNumber(source.port);
  }
  record.reason = optionalString(object.reason);
  record.status = optionalNumber(object.status);
  record.signal = optionalNumber(object.signal);
  record.durationMs = optionalNumber(object.duration_ms);
  record.text = optionalString(object.text) ?? optionalString(object.msg);
  const severity = optionalString(object.severity);
  record.severity = (SEVERITIES as readonly (string | null)[]).includes(severity) ? (severity as Severity) : null;
  record.bytesIn = optionalNumber(object.bytes_in);
  record.bytesOut = optionalNumber(object.bytes_out);
  return record;
}
