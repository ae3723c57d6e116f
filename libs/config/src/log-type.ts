/** `log_type = FILE path [soft [hard]]` or `log_type = SYSLOG facility [level]`. */

import type { LogType } from './types.js';
import { accept, parseKeyword, parseSize, reject, type ValueResult } from './values.js';

export const SYSLOG_FACILITIES = [
  'daemon', 'auth', 'authpriv', 'user', 'mail', 'lpr', 'news', 'uucp', 'ftp',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

export const SYSLOG_LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

const KIB = 1024;

export function parseLogType(values: readonly string[]): ValueResult<LogType> {
  const kind = parseKeyword(values[0] ?? '', ['FILE', 'SYSLOG'] as const);
  if (!kind.ok) return kind;
  return kind.value === 'FILE' ? parseFileLog(values.slice(1)) : parseSyslog(values.slice(1));
}

function wrongCount<T>(form: string, count: number): ValueResult<T> {
  return reject(`log_type ${form} got ${count} values`, `write "log_type = ${form}"`, 'CONFIG_WRONG_VALUE_COUNT');
}

/** Hard limit when only the soft one is given: soft + 1%, but at least 5 KiB and at most 20 KiB more. */
export function defaultHardLimit(soft: number): number {
  return soft + Math.min(Math.max(Math.floor(soft / 100), 5 * KIB), 20 * KIB);
}

function parseFileLog(rest: readonly string[]): ValueResult<LogType> {
  const [path, softWord, hardWord] = rest;
  if (path === undefined || rest.length > 3) return wrongCount('FILE path [soft [hard]]', rest.length + 1);
  if (softWord === undefined) return accept({ kind: 'FILE', path, softLimit: null, hardLimit: null });
  const soft = parseSize(softWord);
  if (!soft.ok) return soft;
  const hard = hardWord === undefined ? accept(defaultHardLimit(soft.value)) : parseSize(hardWord);
  if (!hard.ok) return hard;
  if (hard.value < soft.value) {
    const message = `the hard limit ${hardWord ?? ''} is smaller than the soft limit ${softWord}`;
    return reject(message, 'the hard limit must be at least the soft limit');
  }
  return accept({ kind: 'FILE', path, softLimit: soft.value, hardLimit: hard.value });
}

function parseSyslog(rest: readonly string[]): ValueResult<LogType> {
  const [facilityWord, levelWord = 'info'] = rest;
  if (facilityWord === undefined || rest.length > 2) return wrongCount('SYSLOG facility [level]', rest.length + 1);
  const facility = parseKeyword(facilityWord, SYSLOG_FACILITIES);
  if (!facility.ok) return facility;
  const level = parseKeyword(levelWord, SYSLOG_LEVELS);
  if (!level.ok) return level;
  return accept({ kind: 'SYSLOG', facility: facility.value, level: level.value });
}
