import { describe, expect, it } from 'vitest';
import { checkWrappers, parseClient, parseIdentReply, parseWrapTable, sanitizeIdentText, MAX_IDENT_TEXT, type WrapClient } from './index.js';

const client = (ip: string, names: string[] | null = []): WrapClient => ({ address: parseClient(ip)!, names });

function decide(allowText: string, denyText: string, daemon: string, who: WrapClient) {
  return checkWrappers(parseWrapTable(allowText, 'allow'), parseWrapTable(denyText, 'deny'), daemon, who);
}

describe('checkWrappers', () => {
  it.each([
    ['in.telnetd: 127.0.0.1', 'ALL: ALL', 'in.telnetd', '127.0.0.1', true],
    ['in.telnetd: 127.0.0.1', 'ALL: ALL', 'in.telnetd', '127.0.0.2', false],
    ['in.telnetd: 127.0.0.1', 'ALL: ALL', 'sshd', '127.0.0.1', false],
    ['ALL: 127.0. EXCEPT 127.0.0.3', 'ALL: ALL', 'x', '127.0.0.2', true],
    ['ALL: 127.0. EXCEPT 127.0.0.3', 'ALL: ALL', 'x', '127.0.0.3', false],
    ['ALL EXCEPT ftpd: ALL', 'ALL: ALL', 'ftpd', '127.0.0.1', false],
    ['x: 127.0.0.0/255.255.255.0', 'ALL: ALL', 'x', '127.0.0.77', true],
    ['x: 127.0.0.0/255.255.255.0', 'ALL: ALL', 'x', '127.0.1.77', false],
    ['x: [::1]/128', 'ALL: ALL', 'x', '::1', true],
    ['x: [2001:db8::]/32', 'ALL: ALL', 'x', '::1', false],
    ['x: 127.0.0.1', 'ALL: ALL', 'x', '::ffff:127.0.0.1', true],
    ['', 'x: 127.0.0.5', 'x', '127.0.0.4', true],
    ['', 'x: 127.0.0.5', 'x', '127.0.0.5', false],
    ['', '', 'x', '127.0.0.5', true],
    ['x, y : 127.0.0.1, 127.0.0.2', 'ALL: ALL', 'y', '127.0.0.2', true],
    ['x: 127.0.0.1 : deny', '', 'x', '127.0.0.1', false],
    ['', 'x: 127.0.0.1 : allow', 'x', '127.0.0.1', true],
  ])('allow %j deny %j daemon %s client %s allowed: %s', (allowText, denyText, daemon, ip, expected) => {
    expect(decide(allowText, denyText, daemon, client(ip)).allowed).toBe(expected);
  });

  it('matches LOCAL and domains against confirmed names', () => {
    expect(decide('x: LOCAL', 'ALL: ALL', 'x', client('127.0.0.1', ['localhost'])).allowed).toBe(true);
    expect(decide('x: LOCAL', 'ALL: ALL', 'x', client('127.0.0.1', ['a.example'])).allowed).toBe(false);
    expect(decide('x: .example', 'ALL: ALL', 'x', client('127.0.0.1', ['a.example'])).allowed).toBe(true);
  });

  it('never allows when a name is unknown', () => {
    expect(decide('x: LOCAL', 'ALL: ALL', 'x', client('127.0.0.1', null)).allowed).toBe(false);
    expect(decide('', 'x: .evil.example', 'x', client('127.0.0.1', null)).allowed).toBe(false);
  });

  it('names the deciding file and line', () => {
    const verdict = decide('# c\n\nx: 127.0.0.9\n', 'x: \\\n  127.0.0.1', 'x', client('127.0.0.1'));
    expect(verdict.file).toBe('hosts.deny');
    expect(verdict.rule?.line).toBe(1);
  });
});

describe('bad hosts files', () => {
  it('drops a broken hosts.allow line and keeps the rest', () => {
    const table = parseWrapTable('x 127.0.0.1\nx: 10.0.0.0/40\nx: [zz]/3\nx: 127.0.0.2\n', 'allow');
    expect(table.problems.map((problem) => problem.line)).toEqual([1, 2, 3]);
    expect(checkWrappers(table, parseWrapTable('ALL: ALL', 'deny'), 'x', client('127.0.0.2')).allowed).toBe(true);
    expect(checkWrappers(table, parseWrapTable('ALL: ALL', 'deny'), 'x', client('127.0.0.1')).allowed).toBe(false);
  });

  it('makes a broken hosts.deny line deny everyone', () => {
    const verdict = decide('', 'x: 127.0.0.1 EXCEPT\n', 'x', client('127.0.0.2'));
    expect(verdict.allowed).toBe(false);
    expect(verdict.rule?.broken).toBe(true);
  });

  it('turns twist into a rejection', () => {
    const table = parseWrapTable('x: ALL : twist /bin/echo no', 'allow');
    expect(table.problems[0]?.message).toContain('twist');
    expect(checkWrappers(table, parseWrapTable('', 'deny'), 'x', client('127.0.0.1')).allowed).toBe(false);
  });
});

describe('ident replies', () => {
  it('takes the text after USERID', () => {
    expect(parseIdentReply('60250 , 17140 : USERID : UNIX : joe', 60250, 17140)).toEqual({ ok: true, text: 'UNIX : joe' });
  });

  it('rejects wrong ports and errors', () => {
    expect(parseIdentReply('1,2 : USERID : UNIX : joe', 1, 3).ok).toBe(false);
    expect(parseIdentReply('1,2 : ERROR : NO-USER', 1, 2).ok).toBe(false);
  });

  it('strips control characters and cuts long text', () => {
    expect(sanitizeIdentText('a\u001b[31mb\nc\u0085')).toBe('a?[31mb?c?');
    expect(sanitizeIdentText('x'.repeat(5000))).toHaveLength(MAX_IDENT_TEXT);
  });
});
