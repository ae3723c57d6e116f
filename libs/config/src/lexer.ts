/**
 * Line-level lexing of xinetd.conf. The format has no quoting and no escapes: words are
 * separated by runs of spaces and tabs only, so a CR of a CR-LF file stays attached to
 * the last word, as in xinetd.
 */

import type { DiagnosticCode } from './codes.js';

/** A line that is neither blank nor a comment. */
export interface ConfigLine {
  /** Physical line number, 1-based, counting comments and blank lines. */
  readonly number: number;
  readonly text: string;
  readonly words: readonly string[];
  /** Set, to the line's length, for a line longer than MAX_LINE_LENGTH; text and words are then empty. */
  readonly tooLong?: number;
}

export type Operator = '=' | '+=' | '-=';

export type AssignmentSyntax =
  | { ok: true; name: string; operator: Operator; values: string[] }
  | { ok: false; code: DiagnosticCode; message: string; hint: string };

const SEPARATORS = /[ \t]+/;

export function splitWords(text: string): string[] {
  return text.split(SEPARATORS).filter((word) => word !== '');
}

/** xinetd reads lines into a 16 KiB buffer; a longer line is rejected here rather than split. */
export const MAX_LINE_LENGTH = 16 * 1024;

/** Returns the significant lines of a file: a `#` starts a comment only as the first non-blank character. */
export function significantLines(text: string): ConfigLine[] {
  const lines: ConfigLine[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.length > MAX_LINE_LENGTH) {
      lines.push({ number: index + 1, text: '', words: [], tooLong: line.length });
      return;
    }
    const words = splitWords(line);
    const first = words[0];
    if (first === undefined || first.startsWith('#')) return;
    lines.push({ number: index + 1, text: line, words });
  });
  return lines;
}

/** True for a line holding only `token` (`{` or `}`), blanks around it allowed. */
export function isLoneToken(line: ConfigLine, token: string): boolean {
  return line.words.length === 1 && line.words[0] === token;
}

function skipBlanks(text: string, start: number): number {
  let index = start;
  while (text[index] === ' ' || text[index] === '\t') index += 1;
  return index;
}

function readName(text: string, start: number): number {
  let index = start;
  while (index < text.length && !' \t='.includes(text[index] ?? '')) index += 1;
  return index;
}

function readOperator(text: string, index: number): Operator | null {
  const first = text[index];
  if (first === '=') return '=';
  if (text[index + 1] !== '=') return null;
  if (first === '+') return '+=';
  if (first === '-') return '-=';
  return null;
}

function missingSpace(name: string, rest: string): AssignmentSyntax {
  const sign = name.endsWith('+') || name.endsWith('-') ? name.slice(-1) : '';
  const attribute = name.slice(0, name.length - sign.length);
  return {
    ok: false,
    code: 'CONFIG_MISSING_SPACE',
    message: `attribute "${attribute}" needs a space before its operator`,
    hint: `write "${`${attribute} ${sign}= ${rest.trim()}`.trim()}"`,
  };
}

/**
 * Parses `name OP value…` as xinetd does: the name ends at a blank or `=`, a blank is
 * required before the operator, and the values may follow the operator directly.
 */
export function parseAssignment(text: string): AssignmentSyntax {
  const nameStart = skipBlanks(text, 0);
  const nameEnd = readName(text, nameStart);
  const name = text.slice(nameStart, nameEnd);
  if (text[nameEnd] === '=') return missingSpace(name, text.slice(nameEnd + 1));
  const operatorStart = skipBlanks(text, nameEnd);
  const operator = readOperator(text, operatorStart);
  if (operator === null) {
    const found = operatorStart >= text.length ? 'nothing' : `"${splitWords(text.slice(operatorStart))[0] ?? ''}"`;
    return {
      ok: false,
      code: 'CONFIG_BAD_LINE',
      message: `expected =, += or -= after attribute "${name}", found ${found}`,
      hint: 'an attribute line is "name = value ...", with spaces around the operator',
    };
  }
  const values = splitWords(text.slice(operatorStart + operator.length));
  return { ok: true, name, operator, values };
}
