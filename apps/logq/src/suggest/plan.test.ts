import { describe, expect, test } from 'vitest';
import { parseNetwork, parseSource, type Exemptions } from './addresses.js';
import type { SourceStats } from './offenders.js';
import { candidateBlocks, planSuggestions } from './plan.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

const NONE: Exemptions = { allow: [], own: [], includeLoopback: false };
const T0 = new Date('2026-12-04T10:00:00Z');

function stats(source: string, peak: number, failures = peak, services = ['telnet']): SourceStats {
  return { source, failures, peak, firstSeen: T0, lastSeen: new Date(T0.getTime() + 60_000), services };
}

describe('planSuggestions', () => {
  test('suggests a source at the threshold', () => {
    const plan = planSuggestions([stats('198.51.100.7', 5), stats('198.51.100.8', 4, 40)], new Map(), DEFAULT_THRESHOLDS, NONE);
    expect(plan.suggestions.map((suggestion) => suggestion.entry)).toEqual(['198.51.100.7']);
  });

  test('expiry is last failure plus ban time', () => {
    const [suggestion] = planSuggestions([stats('198.51.100.7', 9)], new Map(), DEFAULT_THRESHOLDS, NONE).suggestions;
    expect(suggestion!.expires!.toISOString()).toBe('2026-12-05T10:01:00.000Z');
    const forever = planSuggestions([stats('198.51.100.7', 9)], new Map(), { ...DEFAULT_THRESHOLDS, banTimeMs: null }, NONE);
    expect(forever.suggestions[0]!.expires).toBeNull();
  });

  test('joins a hostile block into one CIDR entry', () => {
    const members = [stats('203.0.113.5', 2), stats('203.0.113.17', 1), stats('203.0.113.200', 3, 3, ['ftp'])];
    const plan = planSuggestions(members, new Map([['203.0.113.0/24', 6]]), DEFAULT_THRESHOLDS, NONE);
    expect(plan.suggestions).toHaveLength(1);
    expect(plan.suggestions[0]).toMatchObject({ entry: '203.0.113.0/24', failures: 6, peak: 6, services: ['ftp', 'telnet'] });
    expect(plan.suggestions[0]!.sources).toHaveLength(3);
  });

  test('block below the window threshold is not joined', () => {
    const members = [stats('203.0.113.5', 2), stats('203.0.113.17', 1), stats('203.0.113.200', 6)];
    const plan = planSuggestions(members, new Map([['203.0.113.0/24', 4]]), DEFAULT_THRESHOLDS, NONE);
    expect(plan.suggestions.map((suggestion) => suggestion.entry)).toEqual(['203.0.113.200']);
  });

  test('blocks of IPv6 addresses are /64', () => {
    const members = [stats('2001:db8:1:2::5', 2), stats('2001:db8:1:2::6', 2), stats('2001:db8:1:2:ffff::1', 2)];
    expect([...new Set(candidateBlocks(members, DEFAULT_THRESHOLDS).values())]).toEqual(['2001:db8:1:2::/64']);
    const plan = planSuggestions(members, new Map([['2001:db8:1:2::/64', 6]]), DEFAULT_THRESHOLDS, NONE);
    expect(plan.suggestions.map((suggestion) => suggestion.entry)).toEqual(['2001:db8:1:2::/64']);
  });

  test('block holding an allowed address splits into hosts', () => {
    const members = [stats('203.0.113.5', 7), stats('203.0.113.17', 1), stats('203.0.113.200', 1)];
    const exemptions = { ...NONE, allow: [parseNetwork('203.0.113.17')!] };
    const plan = planSuggestions(members, new Map([['203.0.113.0/24', 9]]), DEFAULT_THRESHOLDS, exemptions);
    expect(plan.suggestions.map((suggestion) => suggestion.entry)).toEqual(['203.0.113.5']);
  });

  test('blockHosts 0 turns blocks off', () => {
    const members = [stats('203.0.113.5', 2), stats('203.0.113.17', 1), stats('203.0.113.200', 3)];
    expect(candidateBlocks(members, { ...DEFAULT_THRESHOLDS, blockHosts: 0 }).size).toBe(0);
  });

  test('never suggests allow-list, own or loopback addresses', () => {
    const exemptions: Exemptions = { allow: [parseNetwork('10.0.0.0/8')!], own: [parseSource('192.0.2.1')!], includeLoopback: false };
    const plan = planSuggestions([stats('10.1.2.3', 9), stats('192.0.2.1', 9), stats('127.0.0.9', 9), stats('::1', 9)], new Map(), DEFAULT_THRESHOLDS, exemptions);
    expect(plan.suggestions).toEqual([]);
    expect(plan.exempted.map((entry) => entry.entry)).toEqual(['10.1.2.3', '192.0.2.1', '127.0.0.9', '::1']);
    expect(plan.exempted[0]!.why).toContain('allow-list entry 10.0.0.0/8');
    expect(plan.exempted[1]!.why).toContain("host's own address 192.0.2.1");
    expect(plan.exempted[2]!.why).toContain('loopback');
  });

  test('include-loopback still protects the own address', () => {
    const exemptions: Exemptions = { allow: [], own: [parseSource('127.0.0.1')!], includeLoopback: true };
    const plan = planSuggestions([stats('127.0.0.9', 9), stats('127.0.0.1', 9)], new Map(), DEFAULT_THRESHOLDS, exemptions);
    expect(plan.suggestions.map((suggestion) => suggestion.entry)).toEqual(['127.0.0.9']);
  });

  test('mapped IPv4 is judged as IPv4', () => {
    const exemptions = { ...NONE, allow: [parseNetwork('198.51.100.0/24')!] };
    const plan = planSuggestions([stats('::ffff:198.51.100.7', 9)], new Map(), DEFAULT_THRESHOLDS, exemptions);
    expect(plan.suggestions).toEqual([]);
  });
});
