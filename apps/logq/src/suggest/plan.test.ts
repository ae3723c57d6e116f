import { describe, expect, test } from 'vitest';
import { parseNetwork, parseSource, type Exemptions } from './addresses.js';
import type { SourceStats, WindowStats } from './offenders.js';
import { blockKey, groupByBlock, planSuggestions, selectCandidates, selectSinglesOfBlocks } from './plan.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

const NONE: Exemptions = { allow: [], own: [], includeLoopback: false };
const T0 = new Date('2026-12-04T10:00:00Z');

function stats(source: string, failures: number): SourceStats {
  return { source, failures, firstSeen: T0, lastSeen: new Date(T0.getTime() + 60_000) };
}

function windows(entries: Record<string, number>, services = ['telnet']): Map<string, WindowStats> {
  return new Map(Object.entries(entries).map(([key, peak]) => [key, { peak, services }]));
}

function plan(members: SourceStats[], peaks: Record<string, number>, exemptions = NONE, thresholds = DEFAULT_THRESHOLDS) {
  return planSuggestions(groupByBlock(members), windows(peaks), thresholds, exemptions);
}

describe('planSuggestions', () => {
  test('suggests a source whose window reaches the threshold', () => {
    const result = plan([stats('198.51.100.7', 5), stats('198.51.100.8', 40)], { '198.51.100.7': 5, '198.51.100.8': 4 });
    expect(result.suggestions.map((suggestion) => suggestion.entry)).toEqual(['198.51.100.7']);
  });

  test('expiry is last failure plus ban time', () => {
    const [suggestion] = plan([stats('198.51.100.7', 9)], { '198.51.100.7': 9 }).suggestions;
    expect(suggestion!.expires!.toISOString()).toBe('2026-12-05T10:01:00.000Z');
    const forever = plan([stats('198.51.100.7', 9)], { '198.51.100.7': 9 }, NONE, { ...DEFAULT_THRESHOLDS, banTimeMs: null });
    expect(forever.suggestions[0]!.expires).toBeNull();
  });

  test('joins a hostile block into one CIDR entry', () => {
    const members = [stats('203.0.113.5', 2), stats('203.0.113.17', 1), stats('203.0.113.200', 3)];
    const result = plan(members, { '203.0.113.0/24': 6 });
    expect(result.suggestions).toHaveLength(1);
    expect(result.suggestions[0]).toMatchObject({ entry: '203.0.113.0/24', failures: 6, peak: 6, services: ['telnet'] });
    expect(result.suggestions[0]!.sources).toHaveLength(3);
  });

  test('block below the window threshold is judged by address', () => {
    const members = [stats('203.0.113.5', 2), stats('203.0.113.17', 1), stats('203.0.113.200', 6)];
    const groups = groupByBlock(members);
    const first = windows({ '203.0.113.0/24': 4 });
    expect([...selectSinglesOfBlocks(groups, first, DEFAULT_THRESHOLDS, NONE).keys()]).toEqual(['203.0.113.200']);
    const result = plan(members, { '203.0.113.0/24': 4, '203.0.113.200': 6 });
    expect(result.suggestions.map((suggestion) => suggestion.entry)).toEqual(['203.0.113.200']);
  });

  test('blocks of IPv6 addresses are /64', () => {
    const members = [stats('2001:db8:1:2::5', 2), stats('2001:db8:1:2::6', 2), stats('2001:db8:1:2:ffff::1', 2)];
    expect([...new Set([...selectCandidates(groupByBlock(members), DEFAULT_THRESHOLDS).values()].flat())]).toEqual(['2001:db8:1:2::/64']);
    expect(plan(members, { '2001:db8:1:2::/64': 6 }).suggestions.map((suggestion) => suggestion.entry)).toEqual(['2001:db8:1:2::/64']);
  });

  test('block holding an allowed address splits into hosts', () => {
    const members = [stats('203.0.113.5', 7), stats('203.0.113.17', 1), stats('203.0.113.200', 1)];
    const exemptions = { ...NONE, allow: [parseNetwork('203.0.113.17')!] };
    const result = plan(members, { '203.0.113.0/24': 9, '203.0.113.5': 7 }, exemptions);
    expect(result.suggestions.map((suggestion) => suggestion.entry)).toEqual(['203.0.113.5']);
  });

  test('blockHosts 0 turns blocks off', () => {
    const members = [stats('203.0.113.5', 2), stats('203.0.113.17', 1), stats('203.0.113.200', 3)];
    expect(selectCandidates(groupByBlock(members), { ...DEFAULT_THRESHOLDS, blockHosts: 0 }).size).toBe(0);
  });

  test('never suggests allow-list, own or loopback addresses', () => {
    const exemptions: Exemptions = { allow: [parseNetwork('10.0.0.0/8')!], own: [parseSource('192.0.2.1')!], includeLoopback: false };
    const sources = ['10.1.2.3', '192.0.2.1', '127.0.0.9', '::1'];
    const result = plan(sources.map((source) => stats(source, 9)), Object.fromEntries(sources.map((source) => [source, 9])), exemptions);
    expect(result.suggestions).toEqual([]);
    expect(result.exempted.map((entry) => entry.entry).sort()).toEqual([...sources].sort());
    const reason = new Map(result.exempted.map((entry) => [entry.entry, entry.reason]));
    expect(reason.get('10.1.2.3')).toContain('allow-list entry 10.0.0.0/8');
    expect(reason.get('192.0.2.1')).toContain("host's own address 192.0.2.1");
    expect(reason.get('127.0.0.9')).toContain('loopback');
  });

  test('include-loopback still protects the own address', () => {
    const exemptions: Exemptions = { allow: [], own: [parseSource('127.0.0.1')!], includeLoopback: true };
    const result = plan([stats('127.0.0.9', 9), stats('127.0.0.1', 9)], { '127.0.0.9': 9, '127.0.0.1': 9 }, exemptions);
    expect(result.suggestions.map((suggestion) => suggestion.entry)).toEqual(['127.0.0.9']);
  });

  test('mapped IPv4 is judged as IPv4', () => {
    const exemptions = { ...NONE, allow: [parseNetwork('198.51.100.0/24')!] };
    expect(plan([stats('::ffff:198.51.100.7', 9)], { '::ffff:198.51.100.7': 9 }, exemptions).suggestions).toEqual([]);
  });
});

describe('blockKey', () => {
  test('IPv4 string path agrees with the parser', () => {
    expect(blockKey('198.51.100.7')).toBe('198.51.100.0/24');
    expect(blockKey('::ffff:198.51.100.7')).toBe('198.51.100.0/24');
    expect(blockKey('2001:db8:0:1:2:3:4:5')).toBe('2001:db8:0:1::/64');
    expect(blockKey('host.example.com')).toBeNull();
    expect(blockKey('300.1.1.1')).toBeNull();
  });
});
