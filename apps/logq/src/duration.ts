/**
 * The time values of `--since` and `--until`: a duration before now (`1d`, `2h30m`,
 * `90m`, `1w`) or an ISO 8601 date or date-time. A time without a zone is local time.
 */

const UNIT_MS: Record<string, number> = {
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
};

const DURATION = /^(?:\d+[wdhms])+$/;
const DURATION_PART = /(\d+)([wdhms])/g;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export const TIME_HINT =
  'use a duration before now with units w, d, h, m and s (1d, 2h30m, 90m, 1w), or an ISO date or date-time (2026-12-04, 2026-12-04T19:00, 2026-12-04 19:00:00+01:00)';

/** Returns the length of a duration such as `2h30m` in milliseconds, or null if it is not one. */
export function parseDuration(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
}

function partsInRange(month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59;
}

/** Parses an ISO 8601 date or date-time, or returns null if it is not one or names no real day. */
export function parseIsoTime(text: string): Date | null {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0', zone] = match;
  const parts = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = parts;
  if (!partsInRange(mo, d, h, mi, s)) return null;
  const milliseconds = Number(fraction.padEnd(3, '0'));

  const local = new Date(y, mo - 1, d, h, mi, s, milliseconds);
  // A day that does not exist (2026-02-30) rolls over into the next month.
  if (local.getMonth() !== mo - 1 || local.getDate() !== d) return null;
  if (zone === undefined) return local;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, milliseconds);
  return new Date(utc - zoneOffsetMinutes(zone) * 60 * 1000);
}

/** Parses a `--since`/`--until` value against `now`, or returns null if it is neither form. */
export function parseTimeArgument(text: string, now: Date): Date | null {
  const duration = parseDuration(text);
  if (duration !== null) return new Date(now.getTime() - duration);
  return parseIsoTime(text);
}
