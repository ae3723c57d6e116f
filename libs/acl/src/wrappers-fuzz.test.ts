/**
 * Property-based fuzzing of the hosts.allow and hosts.deny reader. Any text gives rules
 * and problems that name real lines. Tables generated from a small model decide like the
 * model whatever the layout (commas, blanks, `\` continuations, comments). A line that
 * does not parse never widens access.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { fuzzTimeout, runFuzz } from '../../../test/support/fuzz.js';
import { checkWrappers, parseClient, parseWrapTable, type WrapClient } from './index.js';

type ClientPattern =
  | { kind: 'all' }
  | { kind: 'exact'; ip: number[] }
  | { kind: 'prefix'; parts: number[] }
  | { kind: 'cidr'; ip: number[]; bits: number; netmask: boolean };

interface PatternList<T> {
  any: T[];
  except: PatternList<T> | null;
}

interface RuleModel {
  daemons: PatternList<string>;
  clients: PatternList<ClientPattern>;
  option: '' | 'allow' | 'deny';
}

const DAEMONS = ['ALL', 'in.ftpd', 'echo', 'sshd'];
// Few distinct addresses, so that rules and clients meet often.
const octet = fc.constantFrom(0, 1, 2, 127, 255);
const address = fc.tuple(fc.constant(127), octet, octet, octet);

const clientPattern: fc.Arbitrary<ClientPattern> = fc.oneof(
  fc.constant({ kind: 'all' as const }),
  address.map((ip) => ({ kind: 'exact' as const, ip })),
  fc.integer({ min: 1, max: 3 }).chain((length) => address.map((ip) => ({ kind: 'prefix' as const, parts: ip.slice(0, length) }))),
  fc.record({ ip: address, bits: fc.integer({ min: 0, max: 32 }), netmask: fc.boolean() }).map((cidr) => ({ kind: 'cidr' as const, ...cidr })),
);

function list<T>(item: fc.Arbitrary<T>, depth: number): fc.Arbitrary<PatternList<T>> {
  const except = depth === 0 ? fc.constant(null) : fc.option(list(item, depth - 1), { nil: null, freq: 3 });
  return fc.record({ any: fc.array(item, { minLength: 1, maxLength: 3 }), except });
}

const ruleModel: fc.Arbitrary<RuleModel> = fc.record({
  daemons: list(fc.constantFrom(...DAEMONS), 1),
  clients: list(clientPattern, 2),
  option: fc.constantFrom('' as const, 'allow' as const, 'deny' as const),
});

function toNumber(ip: readonly number[]): number {
  return ip.reduce((value, part) => value * 256 + part, 0);
}

function netmaskText(bits: number): string {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 255).join('.');
}

function clientText(pattern: ClientPattern): string {
  switch (pattern.kind) {
    case 'all':
      return 'ALL';
    case 'exact':
      return pattern.ip.join('.');
    case 'prefix':
      return `${pattern.parts.join('.')}.`;
    case 'cidr':
      return `${pattern.ip.join('.')}/${pattern.netmask ? netmaskText(pattern.bits) : pattern.bits}`;
  }
}

function clientMatches(pattern: ClientPattern, ip: readonly number[]): boolean {
  switch (pattern.kind) {
    case 'all':
      return true;
    case 'exact':
      return toNumber(pattern.ip) === toNumber(ip);
    case 'prefix':
      return `${ip.join('.')}`.startsWith(`${pattern.parts.join('.')}.`);
    case 'cidr': {
      const shift = 32 - pattern.bits;
      return shift === 32 || Math.floor(toNumber(pattern.ip) / 2 ** shift) === Math.floor(toNumber(ip) / 2 ** shift);
    }
  }
}

function listMatches<T>(patterns: PatternList<T>, test: (pattern: T) => boolean): boolean {
  if (!patterns.any.some(test)) return false;
  return patterns.except === null || !listMatches(patterns.except, test);
}

function ruleMatches(rule: RuleModel, daemon: string, ip: readonly number[]): boolean {
  return listMatches(rule.daemons, (name) => name === 'ALL' || name === daemon) && listMatches(rule.clients, (pattern) => clientMatches(pattern, ip));
}

/** Decides like hosts_access(5): the first matching hosts.allow rule, then the first hosts.deny rule, else allowed. */
function modelAllows(allow: readonly RuleModel[], deny: readonly RuleModel[], daemon: string, ip: readonly number[]): boolean {
  const first = allow.find((rule) => ruleMatches(rule, daemon, ip)) ?? null;
  if (first !== null) return first.option !== 'deny';
  const denied = deny.find((rule) => ruleMatches(rule, daemon, ip)) ?? null;
  return denied === null || denied.option === 'allow';
}

interface Layout {
  separator: string;
  /** Break the line with `\` before the client list. */
  continued: boolean;
  colon: string;
  comment: boolean;
}

const layout: fc.Arbitrary<Layout> = fc.record({
  separator: fc.constantFrom(' ', ',', ', ', '\t', ' ,\t'),
  continued: fc.boolean(),
  colon: fc.constantFrom(':', ' : ', ':\t'),
  comment: fc.boolean(),
});

function listText<T>(patterns: PatternList<T>, text: (pattern: T) => string, separator: string): string {
  const head = patterns.any.map(text).join(separator);
  return patterns.except === null ? head : `${head} EXCEPT ${listText(patterns.except, text, separator)}`;
}

/** Writes the rules, one per logical line; returns the text and each rule's first physical line. */
function render(rules: readonly RuleModel[], layouts: readonly Layout[]): { text: string; lines: number[] } {
  const out: string[] = [];
  const firstLines: number[] = [];
  rules.forEach((rule, index) => {
    const style = layouts[index % layouts.length]!;
    if (style.comment) out.push('# a comment', '');
    firstLines.push(out.length + 1);
    const daemons = listText(rule.daemons, (name) => name, style.separator);
    const clients = listText(rule.clients, clientText, style.separator);
    const option = rule.option === '' ? '' : `${style.colon}${rule.option}`;
    if (style.continued) out.push(`${daemons}${style.colon}\\`, `  ${clients}${option}`);
    else out.push(`${daemons}${style.colon}${clients}${option}`);
  });
  return { text: out.join('\n'), lines: firstLines };
}

const tables = fc.record({
  allow: fc.array(ruleModel, { maxLength: 4 }),
  deny: fc.array(ruleModel, { maxLength: 4 }),
  layouts: fc.array(layout, { minLength: 1, maxLength: 3 }),
  daemon: fc.constantFrom('in.ftpd', 'echo', 'sshd', 'other'),
  ip: address,
});

function client(ip: readonly number[]): WrapClient {
  return { address: parseClient(ip.join('.'))!, names: [] };
}

/** Inserts `line` before the `at`-th rule boundary (never inside a `\` continuation). */
function insertLine(text: string, line: string, at: number): string {
  const lines = text === '' ? [] : text.split('\n');
  const boundaries = [...lines.keys(), lines.length].filter((index) => index === 0 || !lines[index - 1]!.endsWith('\\'));
  const index = boundaries[at % boundaries.length]!;
  return [...lines.slice(0, index), line, ...lines.slice(index)].join('\n');
}

describe('hosts.allow and hosts.deny fuzzing', { timeout: fuzzTimeout() }, () => {
  it('names a real line in every rule and problem of any text', () => {
    const text = fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('ALL : ALL', 'x: [::1]/129', 'a EXCEPT : b', '\\', ': :', 'ALL: 1.2.3.4/255.0.255.0')), { maxLength: 12 }).map((lines) => lines.join('\n'));
    runFuzz('hosts files name their lines', fc.property(text, fc.constantFrom('allow' as const, 'deny' as const), (content, effect) => {
      const table = parseWrapTable(content, effect);
      const lineCount = content.split('\n').length;
      for (const item of [...table.rules, ...table.problems]) {
        expect(item.line).toBeGreaterThanOrEqual(1);
        expect(item.line).toBeLessThanOrEqual(lineCount);
      }
      for (const rule of table.rules) expect(rule.broken || (rule.daemons !== null && rule.clients !== null)).toBe(true);
      expect(table.problems.filter((problem) => problem.broken)).toHaveLength(table.rules.filter((rule) => rule.broken).length);
    }), 3000);
  });

  it('decides like the model for any layout', () => {
    runFuzz('hosts files agree with the rule model', fc.property(tables, ({ allow, deny, layouts, daemon, ip }) => {
      const allowFile = render(allow, layouts);
      const denyFile = render(deny, layouts);
      const allowTable = parseWrapTable(allowFile.text, 'allow');
      const denyTable = parseWrapTable(denyFile.text, 'deny');
      expect(allowTable.problems).toEqual([]);
      expect(denyTable.problems).toEqual([]);
      expect(allowTable.rules.map((rule) => rule.line)).toEqual(allowFile.lines);
      expect(denyTable.rules.map((rule) => rule.line)).toEqual(denyFile.lines);
      expect(checkWrappers(allowTable, denyTable, daemon, client(ip)).allowed).toBe(modelAllows(allow, deny, daemon, ip));
    }), 3000);
  });

  it('never widens access for a line that does not parse', () => {
    const garbage = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('ALL', 'x: 300.1.1.1', 'ALL: user@host', 'x: EXCEPT y', 'a:b EXCEPT'))
      .filter((line) => !line.includes('\n') && !line.endsWith('\\'))
      .filter((line) => { const rules = parseWrapTable(line, 'deny').rules; return rules.length > 0 && rules.every((rule) => rule.broken); });
    runFuzz('broken hosts lines never widen access', fc.property(tables, garbage, fc.nat(8), fc.boolean(), ({ allow, deny, layouts, daemon, ip }, line, at, intoAllow) => {
      const allowText = render(allow, layouts).text;
      const denyText = render(deny, layouts).text;
      const insert = (text: string): string => insertLine(text, line, at);
      const before = checkWrappers(parseWrapTable(allowText, 'allow'), parseWrapTable(denyText, 'deny'), daemon, client(ip)).allowed;
      const after = intoAllow
        ? checkWrappers(parseWrapTable(insert(allowText), 'allow'), parseWrapTable(denyText, 'deny'), daemon, client(ip)).allowed
        : checkWrappers(parseWrapTable(allowText, 'allow'), parseWrapTable(insert(denyText), 'deny'), daemon, client(ip)).allowed;
      if (intoAllow) expect(after).toBe(before);
      else if (after) expect(before).toBe(true);
    }), 3000);
  });
});
