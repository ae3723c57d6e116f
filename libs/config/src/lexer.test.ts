import { describe, expect, it } from 'vitest';

import { isLoneToken, parseAssignment, significantLines, splitWords } from './lexer.js';

describe('significantLines', () => {
  it('skips blank and comment lines but keeps physical numbers', () => {
    const lines = significantLines('# comment\n\n   \t\n  # indented comment\nservice echo\n');
    expect(lines.map((line) => line.number)).toEqual([5]);
    expect(lines[0]?.words).toEqual(['service', 'echo']);
  });

  it('keeps a # that is not the first non-blank character', () => {
    const lines = significantLines('wait = no # not a comment');
    expect(lines[0]?.words).toEqual(['wait', '=', 'no', '#', 'not', 'a', 'comment']);
  });

  it('keeps a CR attached to the last word', () => {
    expect(significantLines('wait = no\r\n')[0]?.words).toEqual(['wait', '=', 'no\r']);
  });
});

describe('splitWords', () => {
  it('splits on runs of spaces and tabs only', () => {
    expect(splitWords(' a\t\tb  c\u00a0d ')).toEqual(['a', 'b', 'c\u00a0d']);
  });
});

describe('isLoneToken', () => {
  it.each([
    ['{', true],
    ['  {\t', true],
    ['{ }', false],
    ['service foo {', false],
  ])('%j holds only "{": %s', (text, expected) => {
    expect(isLoneToken(significantLines(text)[0]!, '{')).toBe(expected);
  });
});

describe('parseAssignment', () => {
  it.each([
    ['wait = yes', 'wait', '=', ['yes']],
    ['\tonly_from += 10.0.0.0  127.0.0.1', 'only_from', '+=', ['10.0.0.0', '127.0.0.1']],
    ['no_access -= 1.2.3.4', 'no_access', '-=', ['1.2.3.4']],
    ['wait =yes', 'wait', '=', ['yes']],
    ['only_from =', 'only_from', '=', []],
    ['server_args = a=b', 'server_args', '=', ['a=b']],
    ['log_on_success\t+=\tPID', 'log_on_success', '+=', ['PID']],
  ])('parses %j', (text, name, operator, values) => {
    expect(parseAssignment(text)).toEqual({ ok: true, name, operator, values });
  });

  it.each([
    ['wait=yes', 'CONFIG_MISSING_SPACE'],
    ['only_from+=10.0.0.1', 'CONFIG_MISSING_SPACE'],
    ['wait', 'CONFIG_BAD_LINE'],
    ['wait yes', 'CONFIG_BAD_LINE'],
    ['wait + = yes', 'CONFIG_BAD_LINE'],
    ['include /etc/foo', 'CONFIG_BAD_LINE'],
  ])('rejects %j with %s', (text, code) => {
    const result = parseAssignment(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe(code);
  });

  it('suggests the spaced form for a missing space', () => {
    const result = parseAssignment('only_from+=10.0.0.1');
    expect(result.ok ? null : result.hint).toBe('write "only_from += 10.0.0.1"');
  });
});
