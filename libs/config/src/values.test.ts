import { describe, expect, it } from 'vitest';

import { defaultHardLimit, parseLogType } from './log-type.js';
import { closestMatch, editDistance } from './suggest.js';
import { parseAccessTimes, parseCps, parseDenyTime, parseEnvStrings, parseRpcVersion } from './unenforced-values.js';
import { parseInteger, parseKeyword, parseLimit, parseOctal, parseSize, parseYesNo } from './values.js';

describe('keyword values', () => {
  it.each([
    ['yes', true],
    ['YES', true],
    ['No', false],
  ])('parseYesNo(%s)', (word, expected) => {
    expect(parseYesNo(word)).toEqual({ ok: true, value: expected });
  });

  it('returns the canonical spelling', () => {
    expect(parseKeyword('ipv6', ['IPv4', 'IPv6'])).toEqual({ ok: true, value: 'IPv6' });
  });

  it('hints the closest allowed value', () => {
    const result = parseKeyword('stram', ['stream', 'dgram']);
    expect(result.ok ? null : result.problem.hint).toBe('did you mean "stream"? allowed values: stream, dgram');
  });
});

describe('numbers', () => {
  it.each([
    ['10', 10],
    ['+10', 10],
    ['0', 0],
  ])('parseInteger(%s)', (word, value) => {
    expect(parseInteger(word, 0, 100)).toEqual({ ok: true, value });
  });

  it.each(['-1', '101', '1e2', '0x10', '', '10 '])('parseInteger rejects %j', (word) => {
    expect(parseInteger(word, 0, 100).ok).toBe(false);
  });

  it.each([
    ['UNLIMITED', null],
    ['unlimited', null],
    ['25', 25],
  ])('parseLimit(%s)', (word, value) => {
    expect(parseLimit(word)).toEqual({ ok: true, value });
  });

  it.each([
    ['100', 100],
    ['5K', 5120],
    ['2m', 2 * 1024 * 1024],
  ])('parseSize(%s)', (word, value) => {
    expect(parseSize(word)).toEqual({ ok: true, value });
  });

  it('parseOctal reads octal and caps it', () => {
    expect(parseOctal('027', 0o777)).toEqual({ ok: true, value: 0o27 });
    expect(parseOctal('1000', 0o777).ok).toBe(false);
    expect(parseOctal('089', 0o777).ok).toBe(false);
  });
});

describe('parseLogType', () => {
  it.each([
    [['SYSLOG', 'daemon'], { kind: 'SYSLOG', facility: 'daemon', level: 'info' }],
    [['syslog', 'LOCAL3', 'Warning'], { kind: 'SYSLOG', facility: 'local3', level: 'warning' }],
    [['FILE', '/var/log/x'], { kind: 'FILE', path: '/var/log/x', softLimit: null, hardLimit: null }],
    [['file', '/var/log/x', '1M', '2M'], { kind: 'FILE', path: '/var/log/x', softLimit: 1048576, hardLimit: 2097152 }],
    [['FILE', '/var/log/x', '100K'], { kind: 'FILE', path: '/var/log/x', softLimit: 102400, hardLimit: 102400 + 5120 }],
  ])('parses %j', (values, expected) => {
    expect(parseLogType(values)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [['SYSLOG'], 'CONFIG_WRONG_VALUE_COUNT'],
    [['SYSLOG', 'daemon', 'info', 'extra'], 'CONFIG_WRONG_VALUE_COUNT'],
    [['FILE'], 'CONFIG_WRONG_VALUE_COUNT'],
    [['FILE', '/x', '1', '2', '3'], 'CONFIG_WRONG_VALUE_COUNT'],
    [['SYSLOG', 'kern'], 'CONFIG_BAD_VALUE'],
    [['SYSLOG', 'daemon', 'loud'], 'CONFIG_BAD_VALUE'],
    [['FILE', '/x', '2M', '1M'], 'CONFIG_BAD_VALUE'],
    [['FILE', '/x', '10G'], 'CONFIG_BAD_VALUE'],
    [['STDERR', '/x'], 'CONFIG_BAD_VALUE'],
  ])('rejects %j with %s', (values, code) => {
    const result = parseLogType(values);
    expect(result.ok ? null : result.problem.code).toBe(code);
  });

  it.each([
    [0, 5120],
    [1024 * 1024, 1024 * 1024 + 10485],
    [100 * 1024 * 1024, 100 * 1024 * 1024 + 20480],
  ])('default hard limit for soft %i', (soft, hard) => {
    expect(defaultHardLimit(soft)).toBe(hard);
  });
});

describe('values of attributes not enforced yet', () => {
  it('parses access_times and rejects 24:00 and reversed intervals', () => {
    expect(parseAccessTimes(['8:00-12:30', '13:00-17:00'])).toEqual({
      ok: true,
      value: [{ start: 480, end: 750 }, { start: 780, end: 1020 }],
    });
    expect(parseAccessTimes(['12:00-24:00']).ok).toBe(false);
    expect(parseAccessTimes(['22:00-06:00']).ok).toBe(false);
    expect(parseAccessTimes(['8-12']).ok).toBe(false);
  });

  it('parses cps, deny_time, rpc_version and env', () => {
    expect(parseCps(['25', '30'])).toEqual({ ok: true, value: { connections: 25, waitSeconds: 30 } });
    expect(parseCps(['x', '30']).ok).toBe(false);
    expect(parseDenyTime('FOREVER')).toEqual({ ok: true, value: 'FOREVER' });
    expect(parseDenyTime('never')).toEqual({ ok: true, value: null });
    expect(parseDenyTime('0')).toEqual({ ok: true, value: null });
    expect(parseDenyTime('15')).toEqual({ ok: true, value: 15 });
    expect(parseDenyTime('soon').ok).toBe(false);
    expect(parseRpcVersion('2-4')).toEqual({ ok: true, value: { min: 2, max: 4 } });
    expect(parseRpcVersion('4-2').ok).toBe(false);
    expect(parseEnvStrings(['A=1', 'B=']).ok).toBe(true);
    expect(parseEnvStrings(['A']).ok).toBe(false);
    expect(parseEnvStrings(['=1']).ok).toBe(false);
  });
});

describe('suggestions', () => {
  it('computes edit distance', () => {
    expect(editDistance('sever', 'server')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('wiat', 'wait')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
  });

  it.each([
    ['sever', 'server'],
    ['SOCKET_TYP', 'socket_type'],
    ['only_form', 'only_from'],
    ['wiat', 'wait'],
    ['xyzzy', null],
  ])('closest match for %s', (input, expected) => {
    expect(closestMatch(input, ['server', 'socket_type', 'only_from', 'wait'])).toBe(expected);
  });
});
