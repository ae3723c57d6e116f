/** Values of attributes that xinetd-ts parses but does not act on yet. */

import type { TimeOfDayInterval } from './types.js';
import { accept, parseInteger, parseSize, reject, type ValueResult } from './values.js';


const INTERVAL = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/;

function minutesOf(hours: string, minutes: string): number | null {
  const h = Number(hours);
  const m = Number(minutes);
  return h <= 23 && m <= 59 ? h * 60 + m : null;
}

/** `access_times` intervals `H:MM-H:MM`. Like xinetd, 24:00 is invalid and an interval cannot wrap past midnight. */
export function parseAccessTimes(values: readonly string[]): ValueResult<TimeOfDayInterval[]> {
  const intervals: TimeOfDayInterval[] = [];
  const hint = 'write intervals such as 8:00-12:30; hours 0-23, start before end; split one that crosses midnight in two';
  for (const value of values) {
    const match = INTERVAL.exec(value);
    const start = match === null ? null : minutesOf(match[1] ?? '', match[2] ?? '');
    const end = match === null ? null : minutesOf(match[3] ?? '', match[4] ?? '');
    if (start === null || end === null || start >= end) return reject(`invalid time interval "${value}"`, hint);
    intervals.push({ start, end });
  }
  return accept(intervals);
}

/** `cps = connections wait`: both unsigned; 0 connections turns the limit off. */
export function parseCps(values: readonly string[]): ValueResult<{ connections: number; waitSeconds: number }> {
  const connections = parseInteger(values[0] ?? '', 0, 2 ** 31 - 1);
  if (!connections.ok) return connections;
  const waitSeconds = parseInteger(values[1] ?? '', 0, 2 ** 31 - 1);
  if (!waitSeconds.ok) return waitSeconds;
  return accept({ connections: connections.value, waitSeconds: waitSeconds.value });
}

/** `deny_time`: minutes, FOREVER, or NEVER (returned as null, as is 0, which xinetd treats as NEVER). */
export function parseDenyTime(word: string): ValueResult<number | 'FOREVER' | null> {
  const upper = word.toUpperCase();
  if (upper === 'FOREVER') return accept('FOREVER');
  if (upper === 'NEVER') return accept(null);
  const minutes = parseInteger(word, 0, 2 ** 31 - 1);
  if (!minutes.ok) return reject(`invalid deny_time "${word}"`, 'use a number of minutes, FOREVER or NEVER');
  return accept(minutes.value === 0 ? null : minutes.value);
}

/** `rpc_version`: `N` or `N-M`. */
export function parseRpcVersion(word: string): ValueResult<{ min: number; max: number }> {
  const match = /^(\d+)(?:-(\d+))?$/.exec(word);
  const min = Number(match?.[1]);
  const max = match?.[2] === undefined ? min : Number(match[2]);
  if (match === null || max < min) return reject(`invalid rpc_version "${word}"`, 'write a version N or a range N-M with N <= M');
  return accept({ min, max });
}

/** `env` strings must be NAME=value. */
export function parseEnvStrings(values: readonly string[]): ValueResult<string[]> {
  const bad = values.find((value) => value.indexOf('=') < 1);
  if (bad !== undefined) return reject(`"${bad}" is not of the form NAME=value`);
  return accept([...values]);
}

/** `redirect = host port`: the port may be a number or a tcp service name, looked up when the service is checked. */
export function parseRedirect(values: readonly string[]): ValueResult<{ host: string; port: string }> {
  const [host = '', port = ''] = values;
  if (/^\d+$/.test(port) && Number(port) > 65535) return reject(`redirect port ${port} is out of range`, 'use a port from 0 to 65535');
  return accept({ host, port });
}

/** An `rlimit_*` size or count (K and M suffixes allowed), or UNLIMITED. */
export function parseRlimit(word: string): ValueResult<number | 'UNLIMITED'> {
  if (word.toUpperCase() === 'UNLIMITED') return accept('UNLIMITED');
  const size = parseSize(word);
  return size.ok ? size : reject(`"${word}" is neither a size nor UNLIMITED`, 'write a whole number, optionally followed by K or M, or UNLIMITED');
}

/** `rlimit_cpu`: whole seconds or UNLIMITED. */
export function parseCpuLimit(word: string): ValueResult<number | 'UNLIMITED'> {
  if (word.toUpperCase() === 'UNLIMITED') return accept('UNLIMITED');
  const seconds = parseInteger(word, 0, Number.MAX_SAFE_INTEGER);
  return seconds.ok ? seconds : reject(`"${word}" is neither a number of seconds nor UNLIMITED`, 'write whole seconds, or UNLIMITED');
}
