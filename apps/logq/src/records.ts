/** Turns parsed log records into rows of the events and rejects tables. */
import { isIP } from 'node:net';
import type { DuckDBValue } from '@duckdb/node-api';
import { timestampTZValue } from './duckdb.js';
import type { LineForm, LogRecord } from '#logformat';

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);

function isInt32(value: number | null): boolean {
  return value === null || (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX);
}

function isCount(value: number | null): boolean {
  return value === null || (Number.isSafeInteger(value) && value >= 0);
}

function isPort(value: number | null): boolean {
  return value === null || (Number.isInteger(value) && value >= 0 && value <= 65535);
}

function describeInvalid(field: string, value: number | null, expected: string): string {
  return `field ${field} is ${value}, not ${expected}`;
}

/** Shows at most 60 characters of a value in a reject reason, because the line itself is kept too. */
function shortened(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}

/**
 * Returns why a record cannot be stored, or null when it fits the events columns. A JSONL
 * number, or a long run of digits in a classic line, can exceed the column types. The
 * checks are written out instead of looping over fields, because they run once per line.
 */
export function findInvalidField(record: LogRecord): string | null {
  if (!isInt32(record.pid)) return describeInvalid('pid', record.pid, 'a 32-bit integer');
  if (!isInt32(record.status)) return describeInvalid('status', record.status, 'a 32-bit integer');
  if (!isInt32(record.signal)) return describeInvalid('signal', record.signal, 'a 32-bit integer');
  if (!isInt32(record.writerPid)) return describeInvalid('writer pid', record.writerPid, 'a 32-bit integer');
  if (!isPort(record.sourcePort)) return describeInvalid('source.port', record.sourcePort, 'a port number (0-65535)');
  if (!isCount(record.bytesIn)) return describeInvalid('bytes_in', record.bytesIn, 'a byte count');
  if (!isCount(record.bytesOut)) return describeInvalid('bytes_out', record.bytesOut, 'a byte count');
  if (record.sourceIp !== null && isIP(record.sourceIp) === 0) return `source address "${shortened(record.sourceIp)}" is not an IP address`;
  return null;
}

/** Converts a Date to DuckDB's TIMESTAMPTZ value (microseconds since the epoch). */
export function timestampValue(time: Date): DuckDBValue {
  return timestampTZValue(BigInt(time.getTime()) * 1000n);
}

function timestampOrNull(time: Date | null): DuckDBValue {
  return time === null ? null : timestampValue(time);
}

function bigintOrNull(value: number | null): DuckDBValue {
  return value === null ? null : BigInt(value);
}

/** Returns the values of one events row, in the column order of the events table. */
export function eventRow(fileId: number, lineNumber: number, form: LineForm, record: LogRecord, line: string): DuckDBValue[] {
  return [
    fileId,
    BigInt(lineNumber),
    timestampOrNull(record.time),
    record.host,
    record.kind,
    record.service,
    record.pid,
    record.sourceIp,
    record.sourcePort,
    record.reason,
    record.status,
    record.signal,
    record.durationMs,
    record.text,
    record.severity,
    bigintOrNull(record.bytesIn),
    bigintOrNull(record.bytesOut),
    record.writerPid,
    form,
    line,
  ];
}

/** Returns the values of one rejects row, in the column order of the rejects table. */
export function rejectRow(fileId: number, path: string, lineNumber: number, text: string, reason: string, foreign: boolean): DuckDBValue[] {
  return [fileId, path, BigInt(lineNumber), text, reason, foreign];
}
