import { describe, expect, it } from 'vitest';

import { checkAddressToken, wildcardPrefixLength } from './address-syntax.js';

describe('checkAddressToken', () => {
  it.each([
    ['1.2.3.4', ['1.2.3.4/32']],
    ['128.138.12.0', ['128.138.12.0/24']],
    ['10.0.0.0', ['10.0.0.0/8']],
    ['10.1.0.0', ['10.1.0.0/16']],
    ['10.0.1.0', ['10.0.1.0/24']],
    ['0.0.0.0', ['0.0.0.0/0']],
    ['10.1', ['10.0.0.1/32']],
    ['::1', ['::1/128']],
    ['2001:db8::1', ['2001:db8::1/128']],
    ['::ffff:10.0.0.5', ['::ffff:a00:5/128']],
    ['10.1.2.3/16', ['10.1.0.0/16']],
    ['1.2.3.4/32', ['1.2.3.4/32']],
    ['2001:db8::/32', ['2001:db8::/32']],
    ['::/0', ['::/0']],
    ['128.138.{193,194}', ['128.138.193.0/24', '128.138.194.0/24']],
    ['10.{1,2}', ['10.1.0.0/16', '10.2.0.0/16']],
    ['1.2.3.{4,5}', ['1.2.3.4/32', '1.2.3.5/32']],
    ['localhost', ['localhost']],
    ['Host.Example.COM', ['host.example.com']],
    ['.example.com', ['.example.com']],
    ['loopnet', ['loopnet']],
  ])('accepts %s', (token, entries) => {
    expect(checkAddressToken(token)).toEqual({ ok: true, entries });
  });

  it.each([
    '300.1.1.1',
    '1..2.3',
    '10.0.0.1,10.0.0.2',
    '10.0.0.0/33',
    '::1/129',
    'host.example.com/24',
    '10.0.0.0/8/8',
    '10.0.0.0/x',
    '1.2.{3,,4}',
    '1.2..{3,4}',
    '{1,2}',
    '1.2.3.4.{5}',
    '1.2.{3,4}.5',
    '1.2.{300}',
    '1.2.{a,b}',
    'bad_host!',
    '-leading.example',
  ])('rejects %s', (token) => {
    expect(checkAddressToken(token).ok).toBe(false);
  });
});

describe('wildcardPrefixLength', () => {
  it.each([
    [[1, 2, 3, 4], 32],
    [[1, 2, 3, 0], 24],
    [[1, 0, 3, 0], 24],
    [[0, 0, 0, 0], 0],
  ])('%j → /%i', (octets, length) => {
    expect(wildcardPrefixLength(octets)).toBe(length);
  });
});
