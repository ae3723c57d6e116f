import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACL_CODES, AclError, checkAddress, parseAddressRule } from './index.js';

const rules = (...tokens: string[]) => tokens.map(parseAddressRule);

describe('parseAddressRule', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.1', '127.0.0.2', false],
    ['127.0.0.0', '127.200.3.4', true],
    ['10.0.0.0', '10.9.9.9', true],
    ['10.1.0.0', '10.2.0.1', false],
    ['128.138.12.0', '128.138.12.77', true],
    ['0.0.0.0', '203.0.113.9', true],
    ['127.0.0.0/30', '127.0.0.3', true],
    ['127.0.0.0/30', '127.0.0.4', false],
    ['::1', '::1', true],
    ['2001:db8::/32', '2001:db8:1::5', true],
    ['2001:db8::/32', '2001:db9::5', false],
    ['127.0.{0,1}', '127.0.1.9', true],
    ['127.0.0.{2,3}', '127.0.0.1', false],
    ['127.0.0.{2,3}', '127.0.0.3', true],
    ['127.0.0.1', '::ffff:127.0.0.1', true],
    ['::ffff:127.0.0.1', '127.0.0.1', false],
  ])('rule %s against client %s allows: %s', (token, client, expected) => {
    const verdict = checkAddress(client, rules(token), []);
    expect(verdict.allowed).toBe(expected);
  });

  it.each([
    ['300.1.2.3', 'ACL_BAD_ADDRESS'],
    ['10.0.0.1,10.0.0.2', 'ACL_BAD_ADDRESS'],
    ['10.0.0.0/33', 'ACL_BAD_CIDR'],
    ['fe80::/129', 'ACL_BAD_CIDR'],
    ['10.{1,,2}', 'ACL_BAD_FACTORIZED'],
    ['10.{1,300}', 'ACL_BAD_FACTORIZED'],
    ['1:2:3', 'ACL_BAD_ADDRESS'],
  ])('rejects %s with %s', (token, code) => {
    let caught: unknown;
    try {
      parseAddressRule(token);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AclError);
    expect((caught as AclError).code).toBe(code);
  });
});

describe('checkAddress', () => {
  it('allows everyone without rules', () => {
    expect(checkAddress('192.0.2.1', null, []).decision).toBe('allowed: no rules');
  });

  it('denies everyone with an empty only_from', () => {
    expect(checkAddress('127.0.0.1', [], []).allowed).toBe(false);
  });

  it('names the rule that decided', () => {
    const verdict = checkAddress('127.0.0.2', null, rules('127.0.0.1', '127.0.0.0/30'));
    expect(verdict).toEqual({ allowed: false, decision: 'denied: no_access', rule: '127.0.0.0/30' });
  });

  it('lets the more specific only_from win', () => {
    const verdict = checkAddress('127.0.0.1', rules('127.0.0.1'), rules('127.0.0.0/8'));
    expect(verdict.allowed).toBe(true);
    expect(verdict.rule).toBe('127.0.0.1');
  });

  it('lets the more specific no_access win', () => {
    const verdict = checkAddress('127.0.0.1', rules('127.0.0.0/8'), rules('127.0.0.1'));
    expect(verdict.allowed).toBe(false);
    expect(verdict.decision).toBe('denied: no_access');
  });

  it('denies a tie', () => {
    const verdict = checkAddress('127.0.0.1', rules('127.0.0.0/8'), rules('127.0.0.0'));
    expect(verdict.decision).toBe('denied: no_access as specific as only_from');
  });

  it('never allows an unknown address when rules exist', () => {
    expect(checkAddress(null, rules('0.0.0.0'), []).allowed).toBe(false);
    expect(checkAddress('not-an-ip', rules('0.0.0.0'), []).allowed).toBe(false);
  });
});

describe('error registry', () => {
  it('documents every code used in the source', () => {
    const dir = __dirname;
    const used = new Set<string>();
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
      for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/'(ACL_[A-Z_]+)'/g)) used.add(match[1]!);
    }
    expect([...used].sort()).toEqual(Object.keys(ACL_CODES).sort());
  });
});
