/**
 * The syslog prefixes that can stand before an xinetd message: RFC 3164 (`Dec  4 19:51:25`,
 * no year), a year-first variant (`2026 Dec  4 19:51:25 UTC`), an RFC 3339 stamp as newer
 * rsyslog writes it, and RFC 5424. Each returns the time, and the text after the stamp.
 */
import { SYSLOG_STAMP_PATTERN, parseSyslogStamp, localDate } from './timestamp.js';

export interface SyslogPrefix {
  time: Date | null;
  /** Host, program tag and message, or for RFC 5424 the parsed header fields. */
  rest: string;
  rfc5424?: { host: string | null; program: string; pid: number | null };
}

const PRI = '(?:<\\d{1,3}>)?';
const RFC3164 = new RegExp(`^${PRI}${SYSLOG_STAMP_PATTERN} (.*)$`);
const YEAR_FIRST = new RegExp(`^${PRI}(\\d{4}) ${SYSLOG_STAMP_PATTERN}(?: (UTC|GMT|Z))?(?: [A-Z]{3,5})? (.*)$`);
const RFC3339 = '(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(Z|[+-]\\d{2}:\\d{2})?';
const ISO_LINE = new RegExp(`^${PRI}${RFC3339} (.*)$`);
// <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
const RFC5424_LINE = new RegExp(`^<\\d{1,3}>1 (?:${RFC3339}|-) (\\S+) (\\S+) (\\S+) \\S+ (?:-|(?:\\[(?:[^\\]\\\\]|\\\\.)*\\])+)(?: (?:\\uFEFF)?(.*))?$`);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Parses the parts of an RFC 3339 stamp; a stamp without a zone is local time. */
function parseRfc3339(parts: readonly (string | undefined)[]): Date | null {
  const [y, mo, d, h, mi, s] = parts.slice(0, 6).map(Number) as [number, number, number, number, number, number];
  const fraction = parts[6] ?? '0';
  const zone = parts[7];
  const local = localDate(y, mo, d, h, mi, s);
  if (!local) return null;
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  if (zone === undefined) return new Date(local.getTime() + ms);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (zone === 'Z') return new Date(utc);
  const sign = zone.startsWith('-') ? -1 : 1;
  const offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return new Date(utc - offset * 60_000);
}

function parseYearFirst(m: RegExpExecArray): SyslogPrefix {
  const [, year, month, day, hh, mi, ss, utc, rest] = m;
  const monthNumber = MONTHS.indexOf(month!) + 1;
  const parts = [Number(year), monthNumber, Number(day), Number(hh), Number(mi), Number(ss)] as const;
  let time = localDate(...parts);
  if (time && utc) time = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5]));
  return { time, rest: rest! };
}

function parseRfc5424(m: RegExpExecArray): SyslogPrefix {
  const stamp = m.slice(1, 9);
  const [host, program, procId, message] = m.slice(9, 13);
  return {
    time: stamp[0] === undefined ? null : parseRfc3339(stamp),
    rest: message ?? '',
    rfc5424: {
      host: host === '-' ? null : host!,
      program: program!,
      pid: procId !== undefined && /^\d+$/.test(procId) ? Number(procId) : null,
    },
  };
}

/**
 * Splits off a syslog prefix, or returns null when the line has none. `reference` places a
 * yearless RFC 3164 stamp: the stamp goes in the year that puts it closest before it.
 */
export function parseSyslogPrefix(line: string, reference: Date): SyslogPrefix | null {
  let m = RFC3164.exec(line);
  if (m) return { time: parseSyslogStamp(m.slice(1, 6), reference), rest: m[6]! };
  if ((m = RFC5424_LINE.exec(line))) return parseRfc5424(m);
  if ((m = ISO_LINE.exec(line))) return { time: parseRfc3339(m.slice(1, 9)), rest: m[9]! };
  if ((m = YEAR_FIRST.exec(line))) return parseYearFirst(m);
  return null;
}

export interface SyslogTag {
  host: string | null;
  program: string;
  pid: number | null;
  body: string;
}

// `host program[pid]: body`, where the host, the pid and even the colon may be missing
// (`2018-11-06T11:19:04Z host xinetd EXIT: …`).
const WITH_HOST = /^([^\s[]+) ([^\s[:]+)(?:\[(\d+)\])?:? (.*)$/;
const WITHOUT_HOST = /^([^\s[:]+)(?:\[(\d+)\])?:? (.*)$/;

function isXinetd(program: string): boolean {
  return program.startsWith('xinetd');
}

/**
 * Splits `host program[pid]: body`. Both readings (with and without a host) are tried, and
 * the one whose program is xinetd wins, because a bare `xinetd EXIT: …` would otherwise
 * read as host `xinetd`, program `EXIT`.
 */
export function splitSyslogTag(rest: string): SyslogTag | null {
  const withHost = WITH_HOST.exec(rest);
  const withoutHost = WITHOUT_HOST.exec(rest);
  const hosted = withHost ? { host: withHost[1]!, program: withHost[2]!, pid: withHost[3], body: withHost[4]! } : null;
  const bare = withoutHost ? { host: null, program: withoutHost[1]!, pid: withoutHost[2], body: withoutHost[3]! } : null;
  const chosen = bare && isXinetd(bare.program) ? bare : hosted && isXinetd(hosted.program) ? hosted : (hosted ?? bare);
  if (!chosen) return null;
  return { host: chosen.host, program: chosen.program, pid: chosen.pid === undefined ? null : Number(chosen.pid), body: chosen.body };
}
