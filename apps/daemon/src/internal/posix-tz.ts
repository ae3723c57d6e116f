import type { LocalTimeType } from './tzif.js';

/**
 * POSIX TZ strings such as `CET-1CEST,M3.5.0,M10.5.0/3`: the value of TZ when it names no
 * zone file, and the footer of a TZif file. The results match glibc 2.36 (Debian 12, the
 * C library under Debian's xinetd), also for strings that are cut short, as
 * localtime.test.ts checks against date(1).
 */

/** A day on which daylight saving time starts or ends, at `time` seconds after local midnight. */
export type PosixRule =
  | { form: 'julian'; day: number; time: number }
  | { form: 'day-of-year'; day: number; time: number }
  | { form: 'month-week-day'; month: number; week: number; weekday: number; time: number };

export interface PosixTimeZone {
  standard: { name: string; utcOffset: number };
  daylight: { name: string; utcOffset: number; start: PosixRule; end: PosixRule } | null;
}

const SECONDS_PER_DAY = 86400;
const DEFAULT_RULE_TIME = 2 * 3600;

/**
 * The rules used when a string names a daylight zone but no dates: those of the United
 * States since 2007, 2:00 on the second Sunday of March to the first Sunday of November.
 * NOTE: glibc 2.36 takes the dates from /usr/share/zoneinfo/posixrules instead when that
 * file exists (on Debian a copy of America/New_York). Its changes then fall some hours
 * away from these (09:00 UTC instead of 05:00 UTC on 2026-03-08 for TZ=ABC+3DEF), and
 * after 2037 it prints posixrules' own EST and EDT.
 */
const DEFAULT_START: PosixRule = { form: 'month-week-day', month: 3, week: 2, weekday: 0, time: DEFAULT_RULE_TIME };
const DEFAULT_END: PosixRule = { form: 'month-week-day', month: 11, week: 1, weekday: 0, time: DEFAULT_RULE_TIME };

class Cursor {
  at = 0;

  constructor(readonly text: string) {}

  get done(): boolean {
    return this.at >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.at);
  }

  accept(char: string): boolean {
    if (this.peek() !== char) return false;
    this.at++;
    return true;
  }

  /** Consumes the longest run of characters matching `pattern` from here. */
  take(pattern: RegExp): string {
    const start = this.at;
    while (!this.done && pattern.test(this.peek())) this.at++;
    return this.text.slice(start, this.at);
  }

  number(): number | null {
    const digits = this.take(/[0-9]/);
    return digits === '' ? null : Number(digits);
  }
}

/** Parses a zone name: three or more letters, or three or more of `[A-Za-z0-9+-]` in angle brackets. */
function parseName(cursor: Cursor): string | null {
  const start = cursor.at;
  if (cursor.accept('<')) {
    const name = cursor.take(/[A-Za-z0-9+-]/);
    if (name.length >= 3 && cursor.accept('>')) return name;
  } else {
    const name = cursor.take(/[A-Za-z]/);
    if (name.length >= 3) return name;
  }
  cursor.at = start;
  return null;
}

function startsClock(cursor: Cursor): boolean {
  return /[-+0-9]/.test(cursor.peek());
}

/** Parses `[+-]hh[:mm[:ss]]` into signed seconds, each part capped at `maxHours`, 59 and 59 as glibc does. */
function parseClock(cursor: Cursor, maxHours: number): number | null {
  if (!startsClock(cursor)) return null;
  let sign = 1;
  if (cursor.accept('-')) sign = -1;
  else cursor.accept('+');
  const hours = cursor.number();
  if (hours === null) return null;
  let minutes = 0;
  let seconds = 0;
  if (cursor.accept(':')) {
    minutes = cursor.number() ?? 0;
    if (cursor.accept(':')) seconds = cursor.number() ?? 0;
  }
  return sign * (Math.min(hours, maxHours) * 3600 + Math.min(minutes, 59) * 60 + Math.min(seconds, 59));
}

/** Parses a UTC offset. POSIX counts hours west of UTC, so `-1` is one hour east. */
function parseOffset(cursor: Cursor): number | null {
  const west = parseClock(cursor, 24);
  return west === null ? null : -west;
}

function parseRuleDate(cursor: Cursor): PosixRule | null {
  if (cursor.accept('J')) {
    const day = cursor.number();
    return day !== null && day >= 1 && day <= 365 ? { form: 'julian', day, time: DEFAULT_RULE_TIME } : null;
  }
  if (cursor.accept('M')) {
    const month = cursor.number();
    const week = cursor.accept('.') ? cursor.number() : null;
    const weekday = cursor.accept('.') ? cursor.number() : null;
    if (month === null || week === null || weekday === null) return null;
    if (month < 1 || month > 12 || week < 1 || week > 5 || weekday > 6) return null;
    return { form: 'month-week-day', month, week, weekday, time: DEFAULT_RULE_TIME };
  }
  const day = cursor.number();
  return day !== null && day <= 365 ? { form: 'day-of-year', day, time: DEFAULT_RULE_TIME } : null;
}

/** Parses `date[/time]`. The time may be negative or up to 167 hours (RFC 8536 section 3.3.1). */
function parseRule(cursor: Cursor): PosixRule | null {
  const rule = parseRuleDate(cursor);
  if (rule === null || !cursor.accept('/')) return rule;
  const time = parseClock(cursor, 167);
  return time === null ? null : { ...rule, time };
}

function parseRules(cursor: Cursor): { start: PosixRule; end: PosixRule } | null {
  if (cursor.done || cursor.text.slice(cursor.at) === ',') {
    return { start: DEFAULT_START, end: DEFAULT_END };
  }
  if (!cursor.accept(',')) return null;
  const start = parseRule(cursor);
  if (start === null || !cursor.accept(',')) return null;
  const end = parseRule(cursor);
  return end === null ? null : { start, end };
}

/**
 * Parses a POSIX TZ string. Like glibc it never fails: a string without a valid name
 * gives UTC with an empty abbreviation, one whose offset is missing or invalid keeps the
 * name at offset 0 (TZ=Foo/Bar prints `Foo`), and invalid daylight rules leave only
 * standard time.
 */
export function parsePosixTz(text: string): PosixTimeZone {
  const cursor = new Cursor(text);
  const standardName = parseName(cursor);
  if (standardName === null) return { standard: { name: '', utcOffset: 0 }, daylight: null };

  const standardOffset = parseOffset(cursor);
  const standard = { name: standardName, utcOffset: standardOffset ?? 0 };
  if (standardOffset === null) return { standard, daylight: null };

  const daylightName = parseName(cursor);
  if (daylightName === null) return { standard, daylight: null };
  const daylightOffset = startsClock(cursor) ? parseOffset(cursor) : null;
  const rules = parseRules(cursor);
  if (rules === null) return { standard, daylight: null };

  const daylight = { name: daylightName, utcOffset: daylightOffset ?? standard.utcOffset + 3600, ...rules };
  return { standard, daylight };
}

/** Returns days since 1970-01-01 of a UTC calendar date; `month` counts from 1. */
function epochDay(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / 1000 / SECONDS_PER_DAY);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return epochDay(year, month + 1, 1) - epochDay(year, month, 1);
}

/** Returns the epoch day on which `rule` falls in `year`. */
function ruleEpochDay(rule: PosixRule, year: number): number {
  const newYear = epochDay(year, 1, 1);
  switch (rule.form) {
    case 'julian':
      // Jn counts 1 to 365 and never counts February 29.
      return newYear + rule.day - 1 + (isLeapYear(year) && rule.day >= 60 ? 1 : 0);
    case 'day-of-year':
      return newYear + rule.day;
    case 'month-week-day': {
      const first = epochDay(year, rule.month, 1);
      // 1970-01-01 was a Thursday, weekday 4.
      const firstWeekday = (((first + 4) % 7) + 7) % 7;
      let offset = ((rule.weekday - firstWeekday + 7) % 7) + (rule.week - 1) * 7;
      // Week 5 means the last such weekday of the month.
      while (offset >= daysInMonth(year, rule.month)) offset -= 7;
      return first + offset;
    }
  }
}

/**
 * Returns the Unix time at which `rule` fires in `year`, with `utcOffset` the offset in
 * force just before. For years up to 1970 glibc counts the day of the year from
 * 1970-01-01, so those years get no daylight time in the north and all of it in the south.
 */
function ruleInstant(rule: PosixRule, year: number, utcOffset: number): number {
  const newYear = year > 1970 ? epochDay(year, 1, 1) : 0;
  const dayOfYear = ruleEpochDay(rule, year) - epochDay(year, 1, 1);
  return (newYear + dayOfYear) * SECONDS_PER_DAY + rule.time - utcOffset;
}

/**
 * Returns the local time type in force at `unixSeconds`. As glibc does, both changes are
 * computed in the UTC year of the instant, the start in standard time and the end in
 * daylight time, and a start later than the end means a southern-hemisphere zone.
 */
export function posixLocalTimeType(zone: PosixTimeZone, unixSeconds: number): LocalTimeType {
  const { standard, daylight } = zone;
  const standardType = { utcOffset: standard.utcOffset, isDst: false, abbreviation: standard.name };
  if (daylight === null) return standardType;

  const year = new Date(unixSeconds * 1000).getUTCFullYear();
  const start = ruleInstant(daylight.start, year, standard.utcOffset);
  const end = ruleInstant(daylight.end, year, daylight.utcOffset);
  const inDaylight = start > end ? unixSeconds < end || unixSeconds >= start : unixSeconds >= start && unixSeconds < end;
  return inDaylight ? { utcOffset: daylight.utcOffset, isDst: true, abbreviation: daylight.name } : standardType;
}
