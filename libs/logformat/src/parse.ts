/**
 * Reads xinetd log lines back into records: service lines and `-filelog` lines of the
 * file log, the same text behind a syslog prefix (RFC 3164, RFC 5424, RFC 3339 or
 * year-first stamps, with or without host and pid), and the daemon's JSONL.
 */
import { SEVERITIES, isFailReason, type Severity } from './events.js';
import { fromJsonRecord } from './jsonl.js';
import { NO_ADDRESS } from './classic.js';
import { emptyRecord, normalizeAddress, type LogRecord } from './record.js';
import { parseSyslogPrefix, splitSyslogTag } from './prefix.js';
import { FILE_STAMP_PATTERN, parseFileStamp } from './timestamp.js';

/** The form a line was written in. */
export type LineForm = 'file' | 'filelog' | 'syslog' | 'jsonl';

export type ParseResult =
  | { ok: true; form: LineForm; record: LogRecord }
  /** The line is well-formed syslog, but from another program. */
  | { ok: false; foreign: true; reason: string }
  | { ok: false; foreign: false; reason: string };

export interface ParseOptions {
  /** The time that a yearless syslog stamp is placed before; usually the file's mtime. */
  reference?: Date;
}

const FILE_SERVICE_LINE = new RegExp(`^${FILE_STAMP_PATTERN}: (.*)$`);
const FILE_PROGRAM_LINE = new RegExp(`^${FILE_STAMP_PATTERN} ([^\\s\\[]+)\\[(\\d+)\\]: (\\w+): (.*)$`);

const START_BODY = /^START: (\S+)(?: pid=(\d+))?(?: from=(.+))?$/;
const EXIT_BODY = /^EXIT: (\S+)(?: (status|signal)=(-?\d+))?(?: pid=(\d+))?(?: duration=(\d+)\(sec\))?$/;
const FAIL_BODY = /^FAIL: (\S+) (connections per second|\S+)(?: from=(.+))?$/;
const USERID_BODY = /^USERID: (\S+) (.*)$/;
const NOID_BODY = /^NOID: (\S+) (<no address>|\S+) (.+)$/;
const TRAFFIC_BODY = /^TRAFFIC: (\S+) in=(\d+)\(bytes\) out=(\d+)\(bytes\)$/;
// CRITICAL messages carry `<pid> {<function>} ` before the text.
const CRITICAL_PREFIX = /^\d+ \{\w+\} /;

function setSource(record: LogRecord, text: string | undefined): void {
  if (text === undefined || text === NO_ADDRESS || text === '<invalid address>') return;
  record.sourceIp = normalizeAddress(text);
}

/** Parses the text after the stamp of a service line, or returns null if it is not one. */
export function parseServiceBody(body: string): LogRecord | null {
  let m: RegExpExecArray | null;
  if ((m = START_BODY.exec(body))) {
    const record = emptyRecord('START');
    record.service = m[1]!;
    if (m[2] !== undefined) record.pid = Number(m[2]);
    setSource(record, m[3]);
    return record;
  }
  if ((m = EXIT_BODY.exec(body))) {
    const record = emptyRecord('EXIT');
    record.service = m[1]!;
    if (m[2] === 'status') record.status = Number(m[3]);
    if (m[2] === 'signal') record.signal = Number(m[3]);
    if (m[4] !== undefined) record.pid = Number(m[4]);
    if (m[5] !== undefined) record.durationMs = Number(m[5]) * 1000;
    return record;
  }
  if ((m = FAIL_BODY.exec(body))) {
    if (!isFailReason(m[2]!)) return null;
    const record = emptyRecord('FAIL');
    record.service = m[1]!;
    record.reason = m[2]!;
    setSource(record, m[3]);
    return record;
  }
  if ((m = USERID_BODY.exec(body))) {
    const record = emptyRecord('USERID');
    record.service = m[1]!;
    record.text = m[2]!;
    return record;
  }
  if ((m = NOID_BODY.exec(body))) {
    const record = emptyRecord('NOID');
    record.service = m[1]!;
    setSource(record, m[2]);
    record.reason = m[3]!;
    return record;
  }
  if ((m = TRAFFIC_BODY.exec(body))) {
    const record = emptyRecord('TRAFFIC');
    record.service = m[1]!;
    record.bytesIn = Number(m[2]);
    record.bytesOut = Number(m[3]);
    return record;
  }
  return null;
}

function isSeverity(word: string): word is Severity {
  return (SEVERITIES as readonly string[]).includes(word);
}

function messageRecord(text: string, severity: Severity | null): LogRecord {
  const record = emptyRecord('MESSAGE');
  record.severity = severity;
  record.text = text;
  return record;
}

function isXinetdProgram(program: string): boolean {
  return /^xinetd/.test(program);
}

function parseFileLine(line: string): ParseResult | null {
  let m = FILE_PROGRAM_LINE.exec(line);
  if (m) {
    const [, , , , , , , program, pid, level, text] = m;
    if (!isSeverity(level!)) return { ok: false, foreign: false, reason: `unknown severity ${level}` };
    const record = messageRecord(text!, level);
    record.time = parseFileStamp(m.slice(1, 7));
    record.writerPid = Number(pid);
    if (!isXinetdProgram(program!)) return { ok: false, foreign: true, reason: `program ${program}` };
    if (!record.time) return { ok: false, foreign: false, reason: 'invalid date in time stamp' };
    return { ok: true, form: 'filelog', record };
  }
  m = FILE_SERVICE_LINE.exec(line);
  if (!m) return null;
  const record = parseServiceBody(m[7]!);
  if (!record) return { ok: false, foreign: false, reason: 'not a START, EXIT, FAIL, USERID, NOID or TRAFFIC line' };
  record.time = parseFileStamp(m.slice(1, 7));
  if (!record.time) return { ok: false, foreign: false, reason: 'invalid date in time stamp' };
  return { ok: true, form: 'file', record };
}

function parseSyslogLine(line: string, reference: Date): ParseResult | null {
  const prefix = parseSyslogPrefix(line, reference);
  if (!prefix) return null;
  const tag = prefix.rfc5424 ? { ...prefix.rfc5424, body: prefix.rest } : splitSyslogTag(prefix.rest);
  if (!tag) return null;
  if (!isXinetdProgram(tag.program)) return { ok: false, foreign: true, reason: `program ${tag.program}` };
  const body = tag.body;
  const record = parseServiceBody(body) ?? messageRecord(body.replace(CRITICAL_PREFIX, ''), null);
  if (CRITICAL_PREFIX.test(body)) record.severity = 'CRITICAL';
  record.time = prefix.time;
  record.host = tag.host;
  record.writerPid = tag.pid;
  if (!record.time) return { ok: false, foreign: false, reason: 'invalid date in time stamp' };
  return { ok: true, form: 'syslog', record };
}

function parseJsonLine(line: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, foreign: false, reason: 'invalid JSON' };
  }
  const record = fromJsonRecord(value);
  if (typeof record === 'string') return { ok: false, foreign: false, reason: record };
  return { ok: true, form: 'jsonl', record };
}

/** Parses one log line of any form, without its line ending. */
export function parseLine(line: string, options: ParseOptions = {}): ParseResult {
  // Arrays and strings are JSON too: a JSONL log with one of them is reported as such.
  const first = line.charCodeAt(0);
  if (first === 0x7b || first === 0x5b || first === 0x22) return parseJsonLine(line);
  const fileResult = parseFileLine(line);
  if (fileResult) return fileResult;
  const syslogResult = parseSyslogLine(line, options.reference ?? new Date());
  if (syslogResult) return syslogResult;
  if (isJsonScalar(line)) return { ok: false, foreign: false, reason: 'not a JSON object' };
  return { ok: false, foreign: false, reason: 'no xinetd time stamp or syslog prefix' };
}

/**
 * Tests whether a line is a JSON number, `true`, `false` or `null`, which a JSONL log may
 * contain by mistake. Only lines that start like one are parsed, so most other rejects
 * cost no thrown exception.
 */
function isJsonScalar(line: string): boolean {
  if (!/^\s*(?:-|\d|null|true|false)/.test(line)) return false;
  try {
    const value: unknown = JSON.parse(line);
    return value === null || typeof value !== 'object';
  } catch {
    return false;
  }
}
