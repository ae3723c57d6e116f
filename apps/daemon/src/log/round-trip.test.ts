/**
 * Property-based fuzzing of the daemon's classic log lines against the parser logq uses.
 * Every service event and message the daemon can write, with any service id a
 * configuration can contain, reads back with the same fields. This holds in the file log
 * and behind the syslog prefixes rsyslog writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FAIL_REASONS,
  SEVERITIES,
  formatFileStamp,
  formatProgramLine,
  formatServiceBody,
  formatServiceLine,
  normalizeAddress,
  parseLine,
  type LineParts,
  type LogRecord,
  type ServiceEvent,
} from '#logformat';
import { fuzzTimeout, runFuzz } from '../../../../test/support/fuzz.js';
import { oneLine } from './one-line.js';

/** A service id as the configuration lexer returns one: any characters but blanks, newline and NUL. */
const serviceId = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
  .filter((id) => !/[ \t\n\0]/.test(id));

const source = fc.oneof(
  fc.constant({ ip: null }),
  fc.ipV4().map((ip) => ({ ip })),
  fc.ipV6().map((ip) => ({ ip })),
  fc.ipV4().map((ip) => ({ ip: `::ffff:${ip}` })),
);

const pid = fc.integer({ min: 1, max: 4_194_304 });

const event: fc.Arbitrary<ServiceEvent> = fc.oneof(
  fc.record({ event: fc.constant('START' as const), service: serviceId, pid, source }),
  fc.record({
    event: fc.constant('EXIT' as const),
    service: serviceId,
    pid,
    status: fc.option(fc.integer({ min: 0, max: 255 }), { nil: null }),
    signal: fc.option(fc.integer({ min: 1, max: 64 }), { nil: null }),
    durationMs: fc.nat(10 ** 9),
  }),
  fc.record({ event: fc.constant('FAIL' as const), service: serviceId, reason: fc.constantFrom(...FAIL_REASONS), source }),
  // The daemon passes identd replies through sanitizeIdentText; any text must still read back.
  fc.record({ event: fc.constant('USERID' as const), service: serviceId, text: fc.string({ unit: 'grapheme', maxLength: 60 }) }),
  fc.record({
    event: fc.constant('NOID' as const),
    service: serviceId,
    source,
    reason: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((text) => text.trim() === text && text !== ''),
  }),
  fc.record({ event: fc.constant('TRAFFIC' as const), service: serviceId, bytesIn: fc.nat(), bytesOut: fc.nat() }),
);

const parts: fc.Arbitrary<LineParts> = fc.record({ pid: fc.boolean(), host: fc.boolean(), exit: fc.boolean(), duration: fc.boolean() });

/** Local times whose two-digit year the parser maps back to the same century. */
const time = fc.date({ min: new Date(1970, 0, 2), max: new Date(2069, 11, 30), noInvalidDate: true });

function sourceIp(ip: string | null): string | null {
  return ip === null ? null : normalizeAddress(ip);
}

/** The fields a service line carries, as the parser should return them. */
function expectedFields(value: ServiceEvent, shown: LineParts): Partial<LogRecord> {
  const service = oneLine(value.service);
  switch (value.event) {
    case 'START':
      return { kind: 'START', service, pid: shown.pid ? value.pid : null, sourceIp: shown.host ? sourceIp(value.source.ip) : null };
    case 'EXIT': {
      const status = shown.exit && value.signal === null ? (value.status ?? 0) : null;
      const signal = shown.exit ? value.signal : null;
      const durationMs = shown.duration ? Math.floor(value.durationMs / 1000) * 1000 : null;
      return { kind: 'EXIT', service, pid: shown.pid ? value.pid : null, status, signal, durationMs };
    }
    case 'FAIL':
      return { kind: 'FAIL', service, reason: value.reason, sourceIp: shown.host ? sourceIp(value.source.ip) : null };
    case 'USERID':
      return { kind: 'USERID', service, text: oneLine(value.text) };
    case 'NOID':
      return { kind: 'NOID', service, sourceIp: sourceIp(value.source.ip), reason: oneLine(value.reason) };
    case 'TRAFFIC':
      return { kind: 'TRAFFIC', service, bytesIn: value.bytesIn, bytesOut: value.bytesOut };
  }
}

function parsed(line: string, reference?: Date): LogRecord {
  const result = parseLine(line, reference === undefined ? {} : { reference });
  if (!result.ok) throw new Error(`${JSON.stringify(line)} did not parse: ${result.reason}`);
  return result.record;
}

const SYSLOG_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The RFC 3164 prefix rsyslog writes by default: `Dec  4 19:51:25 host xinetd[42]: `. */
function rfc3164Prefix(date: Date, host: string, writer: number): string {
  const clock = formatFileStamp(date).split('@')[1]!;
  return `${SYSLOG_MONTHS[date.getMonth()]} ${String(date.getDate()).padStart(2, ' ')} ${clock} ${host} xinetd[${writer}]: `;
}

const hostName = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z0-9-]{1,8}){0,2}$/);

// A line is cut at 4,096 characters, so short fields are what must read back exactly.
const fitsOneLine = (value: ServiceEvent): boolean => formatServiceBody(value).length < 3000;

describe('daemon log lines read back', { timeout: fuzzTimeout() }, () => {
  it('file log service lines keep every field', () => {
    runFuzz('file log service line round trip', fc.property(time, event.filter(fitsOneLine), parts, (date, value, shown) => {
      const line = oneLine(formatServiceLine(date, value, shown));
      const record = parsed(line);
      expect(record).toMatchObject(expectedFields(value, shown));
      expect(formatFileStamp(record.time!)).toBe(formatFileStamp(date));
    }), 2000);
  });

  it('syslog service lines keep every field', () => {
    runFuzz('syslog service line round trip', fc.property(time, event.filter(fitsOneLine), parts, hostName, pid, (date, value, shown, host, writer) => {
      const body = oneLine(formatServiceBody(value, shown));
      // rsyslog places a yearless stamp before the file's mtime; the reference plays that role.
      const reference = new Date(date.getTime() + 3600_000);
      const record = parsed(`${rfc3164Prefix(date, host, writer)}${body}`, reference);
      expect(record).toMatchObject({ ...expectedFields(value, shown), host, writerPid: writer });
      const iso = parsed(`${date.toISOString()} ${host} xinetd[${writer}]: ${body}`);
      expect(iso).toMatchObject({ ...expectedFields(value, shown), host, writerPid: writer, time: date });
    }), 2000);
  });

  it('-filelog message lines keep severity and text', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 200 });
    runFuzz('-filelog message line round trip', fc.property(time, fc.constantFrom(...SEVERITIES), text, pid, (date, severity, message, writer) => {
      const record = parsed(oneLine(formatProgramLine(date, 'xinetd', writer, { severity, text: message })));
      expect(record).toMatchObject({ kind: 'MESSAGE', severity, text: oneLine(message), writerPid: writer });
    }), 2000);
  });
});

/** Inputs the fuzzing above once failed on, kept as fixed cases. */
describe('daemon log line regressions', () => {
  it('keeps a service id with a no-break space in one field', () => {
    const line = oneLine(formatServiceLine(new Date(2026, 11, 4), { event: 'START', service: 'ev\u00a0il', pid: 7, source: { ip: '127.0.0.1' } }));
    expect(parsed(line)).toMatchObject({ kind: 'START', service: 'ev\\xa0il', pid: 7, sourceIp: '127.0.0.1' });
  });

  it('keeps an EXIT of a service id with an em quad', () => {
    const body = oneLine(formatServiceBody({ event: 'EXIT', service: '\u2001!', pid: 1, status: null, signal: null, durationMs: 0 }, { pid: false, host: false, exit: false, duration: false }));
    expect(parsed(`Jan  2 00:00:00 a xinetd[1]: ${body}`, new Date(1970, 0, 3))).toMatchObject({ kind: 'EXIT', service: '\\u2001!' });
  });
});
