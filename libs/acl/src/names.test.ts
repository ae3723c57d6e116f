import { describe, expect, it } from 'vitest';
import { AclError, buildAddressRule, checkAddress, parseNetworksFile } from './index.js';

const { table: networks } = parseNetworksFile('# comment\nloopback 127.0.0.0\ncampus 10.1 uni\nclassb 172.16\n');
const rules = (...tokens: string[]) => tokens.map((token) => buildAddressRule(token, networks));

describe('parseNetworksFile', () => {
  it('reads names, aliases and class masks', () => {
    expect(checkAddress('127.9.9.9', rules('loopback'), []).allowed).toBe(true);
    expect(checkAddress('10.200.0.1', rules('uni'), []).allowed).toBe(true);
    expect(checkAddress('11.0.0.1', rules('campus'), []).allowed).toBe(false);
    expect(checkAddress('172.16.3.3', rules('classb'), []).allowed).toBe(true);
    expect(checkAddress('172.17.3.3', rules('classb'), []).allowed).toBe(false);
  });

  it('reports a bad line and keeps the others', () => {
    const parsed = parseNetworksFile('good 10.0.0.0\nbad 300.1\nalone\n');
    expect(parsed.problems).toEqual(['line 2: expected "name number [aliases]", found "bad 300.1"', 'line 3: expected "name number [aliases]", found "alone"']);
    expect([...parsed.table.keys()]).toEqual(['good']);
  });
});

describe('name rules', () => {
  it('match a confirmed host name, case-insensitively', () => {
    const verdict = checkAddress('127.0.0.1', rules('LocalHost'), [], ['localhost']);
    expect(verdict).toEqual({ allowed: true, decision: 'allowed: only_from', rule: 'LocalHost' });
  });

  it('match a .domain suffix', () => {
    expect(checkAddress('192.0.2.5', rules('.example.org'), [], ['www.example.org']).allowed).toBe(true);
    expect(checkAddress('192.0.2.5', rules('.example.org'), [], ['www.example.net']).allowed).toBe(false);
  });

  it('never allow when the lookup failed', () => {
    expect(checkAddress('127.0.0.1', rules('localhost'), [], null).decision).toBe('denied: not in only_from');
  });

  it('deny when a no_access name cannot be decided', () => {
    const verdict = checkAddress('127.0.0.1', null, rules('.evil.example'), null);
    expect(verdict).toEqual({ allowed: false, decision: 'denied: host name unknown for a no_access name entry', rule: '.evil.example' });
  });

  it('rank a host name above a network and a domain below it', () => {
    const names = ['db.example.org'];
    expect(checkAddress('10.1.2.3', rules('db.example.org'), rules('10.0.0.0'), names).allowed).toBe(true);
    expect(checkAddress('10.1.2.3', rules('10.0.0.0'), rules('.example.org'), names).allowed).toBe(true);
    expect(checkAddress('10.1.2.3', rules('.example.org'), rules('.org'), names).allowed).toBe(true);
    expect(checkAddress('10.1.2.3', rules('10.1.2.3'), rules('db.example.org'), names).decision).toBe('denied: no_access as specific as only_from');
  });

  it.each(['bad_name!', 'a..b', '-x', '10.0.0.0/40', '1.2.{3,x}'])('rejects %s', (token) => {
    expect(() => buildAddressRule(token, networks)).toThrow(AclError);
  });
});
