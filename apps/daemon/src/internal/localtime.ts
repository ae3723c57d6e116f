import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parsePosixTz, posixLocalTimeType, type PosixTimeZone } from './posix-tz.js';
import { parseTzif, TzifError, type LocalTimeType, type TzifZone } from './tzif.js';

/**
 * Local time as C's localtime() and strftime's %Z give it, read from the same zone files
 * and TZ rules as glibc. Node's Date cannot do this: it has no %Z, and Intl's short zone
 * names come from ICU's locale data (`GMT+1` for Europe/Berlin in en-US, where glibc
 * prints `CET`).
 */

/** A broken-down local time; `month` counts from 1. */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Seconds east of UTC. */
  utcOffset: number;
  isDst: boolean;
  abbreviation: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

type Zone = { kind: 'tzif'; tzif: TzifZone; footer: PosixTimeZone | null } | { kind: 'posix'; rules: PosixTimeZone };

const DEFAULT_ZONE_FILE = '/etc/localtime';
const DEFAULT_ZONE_DIRECTORY = '/usr/share/zoneinfo';
const UTC: PosixTimeZone = { standard: { name: 'UTC', utcOffset: 0 }, daylight: null };

/**
 * Returns the zone file to read and the rules to use when it cannot be read. TZ is read
 * as glibc reads it. Unset means /etc/localtime, and empty or `:` means UTC. A leading
 * `:` is dropped, and a relative name is looked up under TZDIR or /usr/share/zoneinfo.
 */
function zoneSource(env: Environment): { file: string; fallback: PosixTimeZone } {
  const tz = env['TZ'];
  if (tz === undefined) return { file: DEFAULT_ZONE_FILE, fallback: UTC };

  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  const directory = env['TZDIR'] || DEFAULT_ZONE_DIRECTORY;
  if (name === '') return { file: join(directory, 'Universal'), fallback: UTC };

  const file = isAbsolute(name) ? name : join(directory, name);
  return { file, fallback: parsePosixTz(name) };
}

/** Identifies one version of a file, so that a replaced /etc/localtime is read again. */
function fileSignature(file: string): string | null {
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    return stat === undefined ? null : `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch (error) {
    if (isSystemError(error)) return null;
    throw error;
  }
}

function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/**
 * Loads the zone, or the fallback when the file is missing, unreadable or not TZif.
 * NOTE: like glibc this falls back silently, so a corrupt /etc/localtime makes daytime
 * print UTC without any log line.
 */
function loadZone(file: string, fallback: PosixTimeZone): Zone {
  try {
    const tzif = parseTzif(readFileSync(file));
    const footer = tzif.footer === '' ? null : parsePosixTz(tzif.footer);
    return { kind: 'tzif', tzif, footer };
  } catch (error) {
    if (error instanceof TzifError || isSystemError(error)) return { kind: 'posix', rules: fallback };
    throw error;
  }
}

let cache: { key: string; zone: Zone } | null = null;

/** Returns the zone for `env`, reading the zone file again only when TZ, TZDIR or the file changed. */
function currentZone(env: Environment): Zone {
  const { file, fallback } = zoneSource(env);
  const signature = fileSignature(file);
  const key = JSON.stringify([env['TZ'] ?? null, env['TZDIR'] ?? null, signature]);
  if (cache?.key === key) return cache.zone;

  const zone: Zone = signature === null ? { kind: 'posix', rules: fallback } : loadZone(file, fallback);
  cache = { key, zone };
  return zone;
}

/** Returns the index of the last element of the ascending `times` that is at most `t`, or -1. */
function lastAtOrBefore(times: readonly number[], t: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] ?? Infinity) <= t) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/** Throws for a bug in this module, not a problem with the zone data: parseTzif checked every index. */
function impossible(description: string): never {
  throw new Error(`internal error in localtime: ${description}`);
}

/**
 * Returns the local time type of a TZif zone at `t`. Before the first transition glibc
 * uses the first standard-time type, and after the last one the footer's rules.
 */
function tzifTimeType(tzif: TzifZone, footer: PosixTimeZone | null, t: number): LocalTimeType {
  const { transitions, transitionTypes, types } = tzif;
  const index = lastAtOrBefore(transitions, t);
  if (index === -1) {
    return types.find((type) => !type.isDst) ?? types[0] ?? impossible('zone without types');
  }
  if (index === transitions.length - 1 && footer !== null) return posixLocalTimeType(footer, t);
  return types[transitionTypes[index] ?? impossible('transition without type')] ?? impossible('bad type index');
}

/**
 * Returns the leap seconds to subtract at `t`: nonzero only for the `right/` zones.
 * NOTE: glibc also prints second 60 during an inserted leap second; this code does not.
 */
function leapCorrection(tzif: TzifZone, t: number): number {
  const occurrences = tzif.leapSeconds.map((leap) => leap.occurrence);
  const index = lastAtOrBefore(occurrences, t);
  return index === -1 ? 0 : (tzif.leapSeconds[index]?.correction ?? 0);
}

/**
 * Converts `date` to local time the way localtime() does in a process with environment
 * `env` (only TZ and TZDIR are read). Sub-second parts are dropped, as time() does.
 */
export function localTime(date: Date, env: Environment = process.env): LocalTime {
  const t = Math.floor(date.getTime() / 1000);
  const zone = currentZone(env);
  const type = zone.kind === 'tzif' ? tzifTimeType(zone.tzif, zone.footer, t) : posixLocalTimeType(zone.rules, t);
  const correction = zone.kind === 'tzif' ? leapCorrection(zone.tzif, t) : 0;

  const fields = new Date((t - correction + type.utcOffset) * 1000);
  return {
    year: fields.getUTCFullYear(),
    month: fields.getUTCMonth() + 1,
    day: fields.getUTCDate(),
    hour: fields.getUTCHours(),
    minute: fields.getUTCMinutes(),
    second: fields.getUTCSeconds(),
    utcOffset: type.utcOffset,
    isDst: type.isDst,
    abbreviation: type.abbreviation,
  };
}
