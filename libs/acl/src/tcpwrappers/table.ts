/**
 * hosts.allow and hosts.deny, read natively: `daemon_list : client_list [: options]`, with
 * `\` continuations, `#` comments, lists separated by blanks or commas, and EXCEPT.
 *
 * A line that does not parse is reported and, so that no mistake widens access, is dropped
 * from hosts.allow but matches every client in hosts.deny. The same holds for a line whose
 * name patterns cannot be decided because the client's name is unknown.
 */
import { PatternError, matchClient, matchDaemon, needsClientName, parseClientPattern, parseDaemonPattern, type Match, type Pattern, type WrapClient } from './patterns.js';

/** `A B EXCEPT C D` is A or B, unless C or D; EXCEPT nests to the right. */
export interface PatternList {
  any: Pattern[];
  except: PatternList | null;
}

export type Effect = 'allow' | 'deny';

export interface WrapRule {
  /** 1-based line where the rule starts. */
  line: number;
  text: string;
  daemons: PatternList | null;
  clients: PatternList | null;
  effect: Effect;
  /** Set when the line did not parse; the rule then matches every client. */
  broken: boolean;
}

export interface WrapProblem {
  line: number;
  message: string;
  /** The line did not parse, so it is dropped (hosts.allow) or denies everyone (hosts.deny). */
  broken: boolean;
}

export interface WrapTable {
  rules: WrapRule[];
  problems: WrapProblem[];
  needsNames: boolean;
}

/** Joins `\` continuations and drops comments; returns each logical line with its first line number. */
function logicalLines(text: string): { line: number; text: string }[] {
  const result: { line: number; text: string }[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    if (pending === '') start = index + 1;
    if (raw.endsWith('\\')) {
      pending += `${raw.slice(0, -1)} `;
      return;
    }
    const whole = `${pending}${raw}`.trim();
    pending = '';
    if (whole !== '' && !whole.startsWith('#')) result.push({ line: start, text: whole });
  });
  if (pending.trim() !== '') result.push({ line: start, text: pending.trim() });
  return result;
}

function parseList(text: string, parse: (word: string) => Pattern): PatternList {
  const words = text.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) throw new PatternError('the list is empty');
  const cut = words.indexOf('EXCEPT');
  const head = cut < 0 ? words : words.slice(0, cut);
  if (head.length === 0) throw new PatternError('EXCEPT needs a list before it');
  const rest = cut < 0 ? null : words.slice(cut + 1).join(' ');
  if (rest !== null && rest.trim() === '') throw new PatternError('EXCEPT needs a list after it');
  return { any: head.map(parse), except: rest === null ? null : parseList(rest, parse) };
}

/** Applies the options field: allow/deny set the effect, twist never runs the server, spawn and the rest change nothing here. */
function parseOptions(fields: string[], fileEffect: Effect, problems: WrapProblem[], line: number): Effect {
  let effect = fileEffect;
  for (const option of fields.map((field) => field.trim()).filter(Boolean)) {
    const keyword = option.split(/\s+/)[0]!.toLowerCase();
    if (keyword === 'allow') effect = 'allow';
    else if (keyword === 'deny' || keyword === 'twist') effect = 'deny';
    if (keyword === 'twist') problems.push({ line, message: 'option "twist" is not supported: the connection is rejected instead of running the twisted command', broken: false });
    else if (keyword !== 'allow' && keyword !== 'deny') problems.push({ line, message: `option "${keyword}" is not supported and is ignored`, broken: false });
  }
  return effect;
}

/** Splits a line at the colons outside `[…]`, since IPv6 patterns contain colons. */
function splitFields(text: string): string[] {
  const fields: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '[') depth++;
    else if (char === ']') depth = Math.max(0, depth - 1);
    if (char === ':' && depth === 0) {
      fields.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  fields.push(current);
  return fields;
}

function parseRule(entry: { line: number; text: string }, fileEffect: Effect, problems: WrapProblem[]): WrapRule {
  const fields = splitFields(entry.text);
  const base = { line: entry.line, text: entry.text, daemons: null, clients: null, effect: fileEffect };
  if (fields.length < 2) {
    problems.push({ line: entry.line, message: 'missing ":" between the daemon list and the client list', broken: true });
    return { ...base, broken: true };
  }
  try {
    const daemons = parseList(fields[0]!, parseDaemonPattern);
    const clients = parseList(fields[1]!, parseClientPattern);
    const effect = parseOptions(fields.slice(2), fileEffect, problems, entry.line);
    return { ...base, daemons, clients, effect, broken: false };
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    problems.push({ line: entry.line, message: error.message, broken: true });
    return { ...base, broken: true };
  }
}

function listNeedsNames(list: PatternList | null): boolean {
  if (list === null) return false;
  return list.any.some(needsClientName) || listNeedsNames(list.except);
}

/** Parses one file; `fileEffect` is allow for hosts.allow and deny for hosts.deny. */
export function parseWrapTable(text: string, fileEffect: Effect): WrapTable {
  const problems: WrapProblem[] = [];
  const rules = logicalLines(text).map((entry) => parseRule(entry, fileEffect, problems));
  return { rules, problems, needsNames: rules.some((rule) => listNeedsNames(rule.clients)) };
}

function matchList(list: PatternList, test: (pattern: Pattern) => Match): Match {
  const results = list.any.map(test);
  const head: Match = results.includes('yes') ? 'yes' : results.includes('unknown') ? 'unknown' : 'no';
  if (head === 'no' || list.except === null) return head;
  const except = matchList(list.except, test);
  if (except === 'yes') return 'no';
  return except === 'no' ? head : 'unknown';
}

/** Matches one rule; a broken rule matches every client. */
export function matchRule(rule: WrapRule, daemon: string, client: WrapClient): Match {
  if (rule.broken) return 'yes';
  const daemonMatch = matchList(rule.daemons!, (pattern) => matchDaemon(pattern, daemon));
  if (daemonMatch === 'no') return 'no';
  const clientMatch = matchList(rule.clients!, (pattern) => matchClient(pattern, client));
  if (clientMatch === 'no') return 'no';
  return daemonMatch === 'yes' && clientMatch === 'yes' ? 'yes' : 'unknown';
}
