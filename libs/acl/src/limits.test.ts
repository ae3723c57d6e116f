import { describe, expect, it } from 'vitest';
import { DenyList, MAX_DENY_ENTRIES, RateLimiter, parseLoadAverage, withinAccessTimes } from './index.js';

describe('withinAccessTimes', () => {
  const at = (hours: number, minutes: number) => new Date(2026, 11, 4, hours, minutes, 30);
  it.each([
    [8, 0, true],
    [17, 59, true],
    [18, 0, true],
    [18, 1, false],
    [7, 59, false],
    [23, 30, true],
  ])('%i:%i is allowed: %s', (hours, minutes, expected) => {
    const spans = [{ start: 8 * 60, end: 18 * 60 }, { start: 23 * 60, end: 23 * 60 + 59 }];
    expect(withinAccessTimes(spans, at(hours, minutes))).toBe(expected);
  });

  it('always allows without spans', () => {
    expect(withinAccessTimes(null, at(3, 0))).toBe(true);
  });
});

describe('parseLoadAverage', () => {
  it('reads the first field', () => {
    expect(parseLoadAverage('1.26 1.59 1.07 1/166 10658\n')).toBe(1.26);
  });
  it('returns null for garbage', () => {
    expect(parseLoadAverage('')).toBeNull();
    expect(parseLoadAverage('x 1 2')).toBeNull();
  });
});

describe('RateLimiter', () => {
  it('trips on the connection over the rate within one second', () => {
    const limiter = new RateLimiter(2);
    expect(limiter.hit(0)).toBe(false);
    expect(limiter.hit(400)).toBe(false);
    expect(limiter.hit(900)).toBe(true);
  });

  it('slides: old arrivals leave the window', () => {
    const limiter = new RateLimiter(2);
    expect(limiter.hit(0)).toBe(false);
    expect(limiter.hit(600)).toBe(false);
    expect(limiter.hit(1100)).toBe(false);
    expect(limiter.hit(1500)).toBe(true);
  });
});

describe('DenyList', () => {
  it('lists an address for its minutes, then expires it', () => {
    const list = new DenyList();
    expect(list.add('127.0.0.9', 1, 0)).toBe('added');
    expect(list.has('127.0.0.9', 59_999)).toBe(true);
    expect(list.expire(59_999)).toBe(0);
    expect(list.has('127.0.0.9', 60_000)).toBe(false);
    expect(list.expire(60_000)).toBe(1);
    expect(list.size).toBe(0);
  });

  it('does not extend the time on a repeated hit', () => {
    const list = new DenyList();
    list.add('::1', 1, 0);
    expect(list.add('::1', 1, 50_000)).toBe('already listed');
    expect(list.has('::1', 61_000)).toBe(false);
  });

  it('keeps FOREVER entries', () => {
    const list = new DenyList();
    list.add('10.0.0.1', 'FOREVER', 0);
    expect(list.expire(1e12)).toBe(0);
    expect(list.has('10.0.0.1', 1e12)).toBe(true);
  });

  it('refuses additions when full', () => {
    const list = new DenyList();
    for (let i = 0; i < MAX_DENY_ENTRIES; i++) list.add(`a${i}`, 'FOREVER', 0);
    expect(list.add('one-more', 'FOREVER', 0)).toBe('full');
  });
});
