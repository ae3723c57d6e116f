import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatDaytime } from './daytime.js';
import { localTime } from './localtime.js';

/**
 * Compares localTime() and formatDaytime() with glibc's own results, as date(1) prints
 * them, for the same TZ values and instants.
 */

const INSTANTS = [
  '1950-06-01T12:00:00Z',
  '1975-06-01T12:00:00Z',
  '2000-02-29T23:30:00Z',
  '2026-01-15T12:00:00Z',
  '2026-07-15T12:00:00Z',
  // Around the 2026 changes in Europe/Berlin and America/New_York.
  '2026-03-29T00:59:59Z',
  '2026-03-29T01:00:00Z',
  '2026-10-25T00:59:59Z',
  '2026-10-25T01:00:00Z',
  '2026-03-08T06:59:59Z',
  '2026-03-08T07:00:00Z',
  '2026-11-01T05:59:59Z',
  '2026-11-01T06:00:00Z',
  // After the last transition that slim zone files list, where the footer's rules apply.
  '2040-01-15T12:00:00Z',
  '2040-07-15T12:00:00Z',
  '2100-12-31T23:59:59Z',
].map((text) => new Date(text));

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Europe/Istanbul',
  'Europe/Dublin',
  'Australia/Lord_Howe',
  'America/Sao_Paulo',
  'Pacific/Chatham',
  'Africa/Casablanca',
  'Etc/GMT+5',
  ':Europe/Paris',
  '',
  ':',
  'right/UTC',
  'right/Europe/London',
  'EST5EDT',
  'CET-1CEST,M3.5.0,M10.5.0/3',
  '<+0330>-3:30',
  'JST-9',
  'ABC-10DEF-11,M10.1.0,M4.1.0/3',
  'EST5EDT4,J60/1,J300',
  'XYZ3XYZ,0/0,J365/25',
  'AAA3BBB,M3.2.0/-1,M11.1.0/26',
  'Foo/Bar',
  'Foo',
  'Fo',
  '123',
  '/nonexistent',
  'Europe',
];

/** Runs date(1) once for all `instants` and returns one output line per instant. */
function glibcLines(env: Record<string, string>, format: string, instants: readonly Date[]): string[] {
  const input = instants.map((date) => `@${Math.floor(date.getTime() / 1000)}`).join('\n');
  const output = execFileSync('date', ['-f', '-', `+${format}`], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    input,
    encoding: 'latin1',
  });
  return output.split('\n').slice(0, instants.length);
}

function formatOffset(utcOffset: number): string {
  const sign = utcOffset < 0 ? '-' : '+';
  const minutes = Math.floor(Math.abs(utcOffset) / 60);
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`;
}

function formatOurs(date: Date, env: Record<string, string>): string {
  const t = localTime(date, env);
  const parts = [t.year, t.month, t.day, t.hour, t.minute, t.second].map((n) => String(n).padStart(2, '0'));
  return `${parts.join(' ')} ${t.abbreviation}|${formatOffset(t.utcOffset)}`;
}

describe('localTime against glibc date(1)', () => {
  it.each(ZONES)('TZ=%j', (tz) => {
    const env = { TZ: tz };
    const expected = glibcLines(env, '%Y %m %d %H %M %S %Z|%z', INSTANTS);
    const actual = INSTANTS.map((date) => formatOurs(date, env));
    expect(actual).toEqual(expected);
  });

  it('TZ unset reads /etc/localtime', () => {
    const now = [new Date()];
    const expected = glibcLines({}, '%Y %m %d %H %M %S %Z|%z', now);
    expect([formatOurs(now[0] ?? new Date(), {})]).toEqual(expected);
  });

  it('TZDIR names the zone directory', () => {
    const env = { TZ: 'Berlin', TZDIR: '/usr/share/zoneinfo/Europe' };
    const expected = glibcLines(env, '%Y %m %d %H %M %S %Z|%z', INSTANTS);
    expect(INSTANTS.map((date) => formatOurs(date, env))).toEqual(expected);
  });
});

describe('localTime with default daylight rules', () => {
  // glibc takes these dates from /usr/share/zoneinfo/posixrules and this code from fixed
  // US rules, so only instants far from a change agree.
  it('TZ=ABC+3DEF in January and July', () => {
    const env = { TZ: 'ABC+3DEF' };
    const instants = [new Date('2026-01-15T12:00:00Z'), new Date('2026-07-15T12:00:00Z')];
    const expected = glibcLines(env, '%Y %m %d %H %M %S %Z|%z', instants);
    expect(instants.map((date) => formatOurs(date, env))).toEqual(expected);
  });
});

describe('formatDaytime against glibc date(1)', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Foo/Bar', '123'])('TZ=%j', (tz) => {
    const env = { TZ: tz };
    const expected = glibcLines(env, '%d %^b %Y %H:%M:%S %Z', INSTANTS).map((line) => `${line}\r\n`);
    expect(INSTANTS.map((date) => formatDaytime(date, env))).toEqual(expected);
  });
});
