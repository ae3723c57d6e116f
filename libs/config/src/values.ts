/**
 * Parsers for attribute values. Keyword values are case-insensitive, as in xinetd;
 * each parser returns the canonical spelling.
 */

import type { DiagnosticCode } from './codes.js';
import { allowedValuesHint } from './suggest.js';

export interface ValueProblem {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly hint: string | null;
}

export type ValueResult<T> = { ok: true; value: T } | { ok: false; problem: ValueProblem };

export function accept<T>(value: T): ValueResult<T> {
  return { ok: true, value };
}

export function reject<T>(message: string, hint: string | null = null, code: DiagnosticCode = 'CONFIG_BAD_VALUE'): ValueResult<T> {
  return { ok: false, problem: { code, message, hint } };
}

/** Returns the value of a single-value attribute, whose value count was checked before parsing. */
export function onlyValue(values: readonly string[]): string {
  return values[0] ?? '';
}

export function parseKeyword<T extends string>(word: string, allowed: readonly T[]): ValueResult<T> {
  const match = allowed.find((candidate) => candidate.toLowerCase() === word.toLowerCase());
  if (match !== undefined) return accept(match);
  return reject(`invalid value "${word}"`, allowedValuesHint(word, allowed));
}

export function parseKeywords<T extends string>(words: readonly string[], allowed: readonly T[]): ValueResult<T[]> {
  const result: T[] = [];
  for (const word of words) {
    const parsed = parseKeyword(word, allowed);
    if (!parsed.ok) return parsed;
    if (!result.includes(parsed.value)) result.push(parsed.value);
  }
  return accept(result);
}

export function parseYesNo(word: string): ValueResult<boolean> {
  const parsed = parseKeyword(word, ['yes', 'no'] as const);
  return parsed.ok ? accept(parsed.value === 'yes') : parsed;
}

/** Decimal integer with an optional sign, as strtol reads a whole token. */
export function parseInteger(word: string, min: number, max: number): ValueResult<number> {
  if (!/^[+-]?\d+$/.test(word)) return reject(`"${word}" is not a whole number`, `use a number from ${min} to ${max}`);
  const value = Number(word);
  if (value < min || value > max) return reject(`${word} is out of range`, `use a number from ${min} to ${max}`);
  return accept(value);
}

/** Parses a count, returning null for UNLIMITED. */
export function parseLimit(word: string): ValueResult<number | null> {
  if (word.toUpperCase() === 'UNLIMITED') return accept(null);
  const parsed = parseInteger(word, 0, Number.MAX_SAFE_INTEGER);
  return parsed.ok ? parsed : reject(`"${word}" is neither a count nor UNLIMITED`, 'use a whole number of 0 or more, or UNLIMITED');
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 * 1024 };

/** Parses a byte count with an optional K or M suffix (powers of 1024). */
export function parseSize(word: string): ValueResult<number> {
  const match = /^(\d+)([KkMm]?)$/.exec(word);
  if (match === null) return reject(`"${word}" is not a size`, 'write bytes as a whole number, optionally followed by K or M');
  const unit = SIZE_UNITS[(match[2] ?? '').toUpperCase()] ?? 1;
  return accept(Number(match[1]) * unit);
}

export function parseOctal(word: string, max: number): ValueResult<number> {
  const value = /^[0-7]+$/.test(word) ? Number.parseInt(word, 8) : Number.NaN;
  if (Number.isNaN(value) || value > max) {
    return reject(`"${word}" is not an octal number up to ${max.toString(8)}`, 'write for example 022');
  }
  return accept(value);
}

export function parsePositiveFloat(word: string): ValueResult<number> {
  const value = /^\d+(\.\d+)?$/.test(word) ? Number(word) : Number.NaN;
  if (!(value > 0)) return reject(`"${word}" is not a number greater than 0`);
  return accept(value);
}
