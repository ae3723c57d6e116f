/**
 * Property-based fuzzing of the line parsers. parseLine returns a result for any text,
 * and lines mutated from the samples still get a result with a reason. A parsed service
 * line written again parses to the same record. The time stamp parsers agree with a
 * simple calendar model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { fuzzTimeout, runFuzz } from '../../../test/support/fuzz.js';
import {
  ALL_PARTS,
  SAMPLES,
  formatFileStamp,
  formatServiceLine,
  localDate,
  parseLine,
  parseSyslogPrefix,
  parseSyslogStamp,
  splitSyslogTag,
  type LineParts,
  type LogRecord,
  type ServiceEvent,
} from './index.js';

const REFERENCE = new Date(2026, 11, 31);

function expectResult(line: string): void {
  const result = parseLine(line, { reference: REFERENCE });
  if (result.ok) expect(['file', 'filelog', 'syslog', 'jsonl']).toContain(result.form);
  else expect(result.reason).not.toBe('');
}

/** A sample line with a few characters replaced, inserted or deleted. */
const mutatedSample = fc
  .tuple(
    fc.constantFrom(...SAMPLES.map((sample) => sample.line)),
    fc.array(fc.record({ at: fc.nat(400), kind: fc.constantFrom('replace', 'insert', 'delete'), text: fc.string({ unit: 'binary', maxLength: 3 }) }), { maxLength: 4 }),
  )
  .map(([line, edits]) => edits.reduce((text, edit) => {
    const at = Math.min(edit.at, text.length);
    if (edit.kind === 'delete') return text.slice(0, at) + text.slice(at + 1);
    const rest = edit.kind === 'replace' ? text.slice(at + edit.text.length) : text.slice(at);
    return text.slice(0, at) + edit.text + rest;
  }, line));

/** Rebuilds the event and parts a file-log service record was read from. */
function rewrite(record: LogRecord): { event: ServiceEvent; parts: LineParts } | null {
  const service = record.service ?? '';
  const source = { ip: record.sourceIp };
  const parts: LineParts = { pid: record.pid !== null, host: record.sourceIp !== null, exit: record.status !== null || record.signal !== null, duration: record.durationMs !== null };
  switch (record.kind) {
    case 'START':
      return { event: { event: 'START', service, pid: record.pid ?? 0, source }, parts };
    case 'EXIT':
      return { event: { event: 'EXIT', service, pid: record.pid ?? 0, status: record.status, signal: record.signal, durationMs: record.durationMs ?? 0 }, parts };
    case 'FAIL':
      return { event: { event: 'FAIL', service, reason: record.reason as 'address', source }, parts };
    case 'USERID':
      return { event: { event: 'USERID', service, text: record.text ?? '' }, parts: ALL_PARTS };
    case 'NOID':
      return { event: { event: 'NOID', service, source, reason: record.reason ?? '' }, parts: ALL_PARTS };
    case 'TRAFFIC':
      return { event: { event: 'TRAFFIC', service, bytesIn: record.bytesIn ?? 0, bytesOut: record.bytesOut ?? 0 }, parts: ALL_PARTS };
    default:
      return null;
  }
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Checks with a plain calendar model whether the parts name a real date and time of day. */
function validParts(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  return day <= days && hour < 24 && minute < 60 && second < 60;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

describe('line parser fuzzing', { timeout: fuzzTimeout() }, () => {
  it('returns a result for any text', () => {
    runFuzz('parseLine on any text', fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (line) => expectResult(line)), 5000);
  });

  it('returns a result for mutated sample lines', () => {
    runFuzz('parseLine on mutated samples', fc.property(mutatedSample, (line) => expectResult(line)), 5000);
  });

  it('splits any syslog prefix and tag without throwing', () => {
    const prefixed = fc.tuple(fc.constantFrom('', '<13>', '<13>1 ', '2026 '), fc.constantFrom('Dec  4 19:51:25 ', '2026-12-04T19:51:25.123+01:00 ', 'Feb 30 25:61:61 ', ''), fc.string({ maxLength: 60 }))
      .map((parts) => parts.join(''));
    runFuzz('syslog prefix and tag', fc.property(prefixed, (line) => {
      const prefix = parseSyslogPrefix(line, REFERENCE);
      if (prefix === null) return;
      expect(prefix.time === null || !Number.isNaN(prefix.time.getTime())).toBe(true);
      const tag = splitSyslogTag(prefix.rest);
      if (tag !== null) expect(tag.pid === null || Number.isInteger(tag.pid)).toBe(true);
    }), 3000);
  });

  it('parses a rewritten service line to the same record', () => {
    runFuzz('parse, write, parse is stable', fc.property(mutatedSample, (line) => {
      const first = parseLine(line, { reference: REFERENCE });
      if (!first.ok || first.form !== 'file') return;
      const rebuilt = rewrite(first.record);
      if (rebuilt === null) return;
      const again = parseLine(formatServiceLine(first.record.time!, rebuilt.event, rebuilt.parts), { reference: REFERENCE });
      expect(again).toEqual(first);
    }), 5000);
  });

  it('accepts exactly the real dates in a file stamp', () => {
    const fields = fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 33 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }));
    runFuzz('file stamp agrees with the calendar model', fc.property(fields, ([yy, month, day, hour, minute, second]) => {
      const pad = (n: number): string => String(n).padStart(2, '0');
      const line = `${pad(yy)}/${month}/${day}@${pad(hour)}:${pad(minute)}:${pad(second)}: START: echo pid=1 from=127.0.0.1`;
      const year = yy >= 70 ? 1900 + yy : 2000 + yy;
      const result = parseLine(line);
      // A leap second (:60) is accepted as the next minute's first second, as mktime does.
      const expected = validParts(year, month, day, hour, minute, second === 60 ? 59 : second);
      expect(result.ok).toBe(expected);
      // A local time skipped by a daylight-saving change reads as the hour after it.
      const skipped = expected && new Date(year, month - 1, day, hour, minute).getHours() !== hour;
      if (!result.ok || skipped) return;
      const written = second === 60 ? formatFileStamp(localDate(year, month, day, hour, minute, 60)!) : line.split(': ')[0];
      expect(formatFileStamp(result.record.time!)).toBe(written);
    }), 5000);
  });

  it('places a yearless syslog stamp closest before the reference', () => {
    const reference = fc.date({ min: new Date(2001, 0, 1), max: new Date(2090, 0, 1), noInvalidDate: true });
    const stamp = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }));
    runFuzz('syslog stamp agrees with the year model', fc.property(reference, stamp, (ref, [month, day, hour, minute, second]) => {
      const parts = [MONTHS[month - 1]!, String(day), String(hour).padStart(2, '0'), String(minute).padStart(2, '0'), String(second).padStart(2, '0')];
      const slack = 24 * 3600 * 1000;
      // The model: the latest of next, this and last year whose date is real and not more than a day after the reference.
      const candidates = [ref.getFullYear() + 1, ref.getFullYear(), ref.getFullYear() - 1]
        .filter((year) => validParts(year, month, day, hour, minute, second))
        .map((year) => new Date(year, month - 1, day, hour, minute, second))
        .filter((date) => date.getTime() <= ref.getTime() + slack);
      expect(parseSyslogStamp(parts, ref)).toEqual(candidates[0] ?? null);
    }), 5000);
  });
});

/** Inputs the fuzzing above once failed on, kept as fixed cases. */
describe('line parser regressions', () => {
  it('accepts a leap second at the end of a day', () => {
    const result = parseLine('00/1/1@23:59:60: START: echo pid=1 from=127.0.0.1');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.record.time).toEqual(new Date(2000, 0, 2, 0, 0, 0));
  });
});
