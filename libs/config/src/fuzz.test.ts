/**
 * Property-based fuzzing of the configuration loader, beside robustness.test.ts, which
 * checks that random and mutated files never throw. Here every diagnostic must name a
 * real line, and an extra comment line must move diagnostics by exactly one line.
 * Loading must be deterministic. Services generated from a small model must load with
 * exactly the values the model wrote, whatever hostile words the values contain.
 */
import { basename } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fuzzTimeout, runFuzz } from '../../../test/support/fuzz.js';
import { formatDiagnostic } from './diagnostics.js';
import { parseAssignment } from './lexer.js';
import { Sandbox, service } from './test-support.js';
import type { LoadedConfig } from './types.js';

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(() => {
  sandbox.remove();
});

const TOKENS = [
  'service', 'defaults', 'include', 'includedir', '{', '}', '=', '+=', '-=', 'wait', 'no', 'yes', 'type', 'UNLISTED',
  'INTERNAL', 'flags', 'NAMEINARGS', 'only_from', '10.{1,', 'cps', '0', '-1', '99999999999', '#', '\t', 'port', '7',
  'log_type', 'FILE', 'SYSLOG', 'access_times', '24:00-1:00', 'redirect', 'env', 'A=', 'server', 'server_args', '--foo',
  '../x', 'user', 'nobody', 'socket_type', 'stream', 'echo', 'ftp', 'missing_file', 'includedir', '.',
];

/** A configuration built from keywords and values, with unbalanced braces and stray lines. */
const tokenConfig = fc
  .array(fc.array(fc.constantFrom(...TOKENS), { maxLength: 6 }).map((words) => words.join(' ')), { maxLength: 30 })
  .map((lines) => lines.join('\n'));

/** A value word as the lexer splits it: no blank, newline, CR or NUL, any other character. */
const valueWord = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 10 })
  .filter((word) => !/[ \t\n\r\0]/.test(word));

/** Words that look like options, paths or shell syntax. */
const hostileWord = fc.constantFrom('--foo', '-x', '-', '--', '../x', '/etc/shadow', '$(id)', '`id`', ';', '|', '&&', '>out', '\\', '"', "'", '{', '}', '=', '#', '*');

const blanks = fc.array(fc.constantFrom(' ', '\t'), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));

interface ModelService {
  port: number;
  wait: boolean;
  instances: number | null;
  onlyFrom: string[];
  args: string[];
  env: string[];
  passenv: string[] | null;
}

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/);

const modelService: fc.Arbitrary<ModelService> = fc.record({
  port: fc.integer({ min: 1, max: 65535 }),
  wait: fc.boolean(),
  instances: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: null }),
  onlyFrom: fc.array(ipv4, { maxLength: 4 }),
  args: fc.array(fc.oneof(valueWord, hostileWord), { maxLength: 6 }),
  env: fc.array(fc.tuple(envName, fc.array(fc.oneof(valueWord, hostileWord), { maxLength: 2 })).map(([name, value]) => `${name}=${value.join('')}`), { maxLength: 3 }),
  passenv: fc.option(fc.array(envName, { maxLength: 3 }), { nil: null }),
});

/** Attribute lines of a model service, before layout noise. */
function attributeLines(model: ModelService, server: string): [string, string[]][] {
  const lines: [string, string[]][] = [
    ['type', ['UNLISTED']],
    ['socket_type', ['stream']],
    ['protocol', ['tcp']],
    ['port', [String(model.port)]],
    ['wait', [model.wait ? 'yes' : 'no']],
    ['user', ['nobody']],
    ['server', [server]],
  ];
  if (model.args.length > 0) lines.push(['server_args', model.args]);
  if (model.instances !== null) lines.push(['instances', [String(model.instances)]]);
  if (model.onlyFrom.length > 0) lines.push(['only_from', model.onlyFrom]);
  if (model.env.length > 0) lines.push(['env', model.env]);
  if (model.passenv !== null) lines.push(['passenv', model.passenv]);
  return lines;
}

interface Layout {
  /** Upper-cases the attribute name, which the format compares case-insensitively. */
  upper: boolean;
  before: string;
  between: string;
  /** A comment line or blank line written before the attribute, or none. */
  filler: '' | '# note' | '   ';
}

const layout: fc.Arbitrary<Layout> = fc.record({
  upper: fc.boolean(),
  before: fc.constantFrom('', ' ', '\t', '  \t'),
  between: blanks,
  filler: fc.constantFrom('' as const, '# note' as const, '   ' as const),
});

function renderService(name: string, model: ModelService, server: string, layouts: readonly Layout[]): string {
  const out = [`service ${name}`, '{'];
  attributeLines(model, server).forEach(([attribute, values], index) => {
    const style = layouts[index % layouts.length] ?? { upper: false, before: '\t', between: ' ', filler: '' as const };
    if (style.filler !== '') out.push(style.filler);
    const key = style.upper ? attribute.toUpperCase() : attribute;
    out.push(`${style.before}${key}${style.between}=${style.between}${values.join(style.between)}`);
  });
  out.push('}', '');
  return out.join('\n');
}

function expectLoadedAsModelled(config: LoadedConfig, name: string, model: ModelService): void {
  const loaded = service(config, name);
  expect(loaded.argv).toEqual([basename(sandbox.server), ...model.args]);
  expect(loaded.server).toBe(sandbox.server);
  expect(loaded.port).toBe(model.port);
  expect(loaded.wait).toBe(model.wait);
  expect(loaded.instances).toBe(model.instances);
  expect(loaded.onlyFrom).toEqual(model.onlyFrom.length > 0 ? model.onlyFrom : null);
  expect(loaded.env).toEqual(model.env);
  expect(loaded.passenv).toEqual(model.passenv);
}

/** Returns the number of lines of each file read, to check that diagnostics point inside them. */
function lineCounts(config: LoadedConfig): Map<string, number> {
  return new Map(config.files.map((file) => [file, sandbox.lineCount(file)]));
}

describe('configuration fuzzing', { timeout: fuzzTimeout() }, () => {
  it('names an existing line in every positioned diagnostic', () => {
    runFuzz('config diagnostics name a line', fc.property(tokenConfig, (text) => {
      const config = sandbox.load(text);
      const counts = lineCounts(config);
      for (const diagnostic of config.diagnostics) {
        expect(formatDiagnostic(diagnostic)).not.toContain('\n');
        if (diagnostic.position === null) continue;
        const lines = counts.get(diagnostic.position.file);
        expect(lines, `${diagnostic.code} names a file that was not read`).toBeDefined();
        expect(diagnostic.position.line).toBeGreaterThanOrEqual(1);
        expect(diagnostic.position.line).toBeLessThanOrEqual(lines ?? 0);
      }
    }), 300);
  });

  it('moves diagnostics down by one for each comment line', () => {
    runFuzz('config comment line shifts diagnostics', fc.property(tokenConfig, fc.nat(40), (text, at) => {
      const lines = text.split('\n');
      const index = Math.min(at, lines.length);
      const before = sandbox.load(text).diagnostics;
      const shifted = sandbox.load([...lines.slice(0, index), '# inserted comment', ...lines.slice(index)].join('\n')).diagnostics;
      expect(shifted.map((diagnostic) => diagnostic.code)).toEqual(before.map((diagnostic) => diagnostic.code));
      shifted.forEach((diagnostic, position) => {
        const line = before[position]?.position?.line;
        if (line === undefined || diagnostic.position?.file !== sandbox.path('xinetd.conf')) return;
        expect(diagnostic.position?.line).toBe(line > index ? line + 1 : line);
      });
    }), 200);
  });

  it('loads the same text to the same result', () => {
    runFuzz('config load is deterministic', fc.property(tokenConfig, (text) => {
      const first = sandbox.load(text);
      const second = sandbox.load(text);
      expect(second.diagnostics).toEqual(first.diagnostics);
      expect(second.services).toEqual(first.services);
    }), 200);
  });

  it('loads modelled services with the values written', () => {
    // Two services on one port and protocol conflict, so the model gives each its own port.
    const services = fc.uniqueArray(fc.tuple(modelService, fc.array(layout, { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 4, selector: ([model]) => model.port });
    runFuzz('config agrees with the service model', fc.property(services, (entries) => {
      const text = entries.map(([model, layouts], index) => renderService(`s${index}`, model, sandbox.server, layouts)).join('\n');
      const config = sandbox.load(text);
      entries.forEach(([model], index) => expectLoadedAsModelled(config, `s${index}`, model));
    }), 300);
  });

  it('reads back an attribute line written from its parts', () => {
    const operator = fc.constantFrom('=' as const, '+=' as const, '-=' as const);
    const name = valueWord.filter((word) => !word.includes('=') && !/^[+-]/.test(word.slice(-1)));
    runFuzz('config attribute line round trip', fc.property(name, operator, fc.array(valueWord, { maxLength: 5 }), blanks, (attribute, op, values, gap) => {
      const parsed = parseAssignment(`${gap}${attribute}${gap}${op}${gap}${values.join(gap)}${gap}`);
      expect(parsed).toEqual({ ok: true, name: attribute, operator: op, values });
    }), 1000);
  });
});
