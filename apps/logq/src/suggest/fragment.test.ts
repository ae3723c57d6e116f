import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { parseNetwork, type Exemptions } from './addresses.js';
import { FRAGMENT_MARKER, entryOfSuggestion, parseFragment, renderFragment, type FragmentEntry } from './fragment.js';
import { checkIncludeName, mergeEntries, readRecordedEntries, writeAtomically } from './include-file.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';
import { validateFragment } from './validate.js';

const NOW = new Date('2026-12-04T12:00:00Z');
const NONE: Exemptions = { allow: [], own: [], includeLoopback: false };
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logq-fragment-test-'));
  dirs.push(dir);
  return dir;
}

function entry(address: string, expires: string | null, notes = ['3 failures']): FragmentEntry {
  return { entry: address, expires: expires === null ? null : new Date(expires), notes };
}

describe('fragment', () => {
  test('round-trips entries through text', () => {
    const entries = [entry('198.51.100.7', '2026-12-05T10:00:00.000Z'), entry('2001:db8::/64', null, [])];
    const text = renderFragment(entries, DEFAULT_THRESHOLDS, NOW);
    expect(text.startsWith(`${FRAGMENT_MARKER}\n`)).toBe(true);
    expect(text).toContain('defaults\n{\n\tno_access += 198.51.100.7\n\tno_access += 2001:db8::/64\n}\n');
    expect(parseFragment(text)).toEqual(entries);
  });

  test('passes the config loader', () => {
    const entries = [entry('198.51.100.7', null), entry('203.0.113.0/24', null), entry('2001:db8:bad:1::5', null)];
    expect(() => validateFragment(renderFragment(entries, DEFAULT_THRESHOLDS, NOW), 'logq-no-access', 3)).not.toThrow();
    expect(() => validateFragment(renderFragment([], DEFAULT_THRESHOLDS, NOW), 'logq-no-access', 0)).not.toThrow();
  });

  test('validation catches a bad entry', () => {
    const text = renderFragment([entry('198.51.100.300', null)], DEFAULT_THRESHOLDS, NOW);
    expect(() => validateFragment(text, 'logq-no-access', 1)).toThrow(/does not load/);
  });

  test('service names cannot break out of a comment', () => {
    const suggestion = {
      network: parseNetwork('198.51.100.7')!,
      entry: '198.51.100.7',
      sources: ['198.51.100.7'],
      failures: 5,
      peak: 5,
      firstSeen: NOW,
      lastSeen: NOW,
      services: ['ftp\n}\nservice evil\n{', 'telnet\r'],
      expires: null,
    };
    const text = renderFragment([entryOfSuggestion(suggestion, DEFAULT_THRESHOLDS)], DEFAULT_THRESHOLDS, NOW);
    expect(text).toContain('#   services: ftp?}?service evil?{ telnet?\n');
    expect(text.split('\n').filter((line) => !line.startsWith('#') && line !== '')).toEqual(['defaults', '{', '\tno_access += 198.51.100.7', '}']);
    expect(() => validateFragment(text, 'logq-no-access', 1)).not.toThrow();
  });

  test('text without the marker is not a fragment', () => {
    expect(parseFragment('defaults\n{\n\tno_access += 1.2.3.4\n}\n')).toBeNull();
  });
});

describe('include file', () => {
  test('rejects names includedir skips', () => {
    for (const name of ['/etc/xinetd.d/logq.conf', '/etc/xinetd.d/logq~', 'a.b/.hidden']) {
      expect(() => checkIncludeName(name), name).toThrow(expect.objectContaining({ code: 'LOGQ_INCLUDE_NAME_SKIPPED' }));
    }
    expect(() => checkIncludeName('/etc/xinetd.d/00-logq-no-access')).not.toThrow();
  });

  test('keeps unexpired entries and drops expired ones', () => {
    const earlier = [entry('192.0.2.1', '2026-12-05T00:00:00Z'), entry('192.0.2.2', '2026-12-04T11:59:59Z'), entry('192.0.2.3', null)];
    const fresh = [entry('198.51.100.7', '2026-12-05T12:00:00Z')];
    const merged = mergeEntries(earlier, fresh, NONE, NOW);
    expect(merged.entries.map((item) => item.entry)).toEqual(['198.51.100.7', '192.0.2.1', '192.0.2.3']);
    expect(merged).toMatchObject({ kept: 2, expired: 1 });
  });

  test('new entry replaces the same or a covered earlier one', () => {
    const earlier = [entry('203.0.113.9', '2026-12-05T00:00:00Z'), entry('198.51.100.7', '2026-12-05T00:00:00Z', ['old'])];
    const fresh = [entry('203.0.113.0/24', '2026-12-06T00:00:00Z'), entry('198.51.100.7', '2026-12-06T00:00:00Z', ['new'])];
    const merged = mergeEntries(earlier, fresh, NONE, NOW);
    expect(merged.entries).toEqual(fresh);
  });

  test('drops an earlier entry that is now allowed', () => {
    const merged = mergeEntries([entry('192.0.2.1', null)], [], { ...NONE, allow: [parseNetwork('192.0.2.0/24')!] }, NOW);
    expect(merged.entries).toEqual([]);
    expect(merged.exempted[0]!.reason).toContain('allow-list');
  });

  test('refuses to take over a foreign file', () => {
    const path = join(tempDir(), 'no-access');
    writeFileSync(path, 'defaults\n{\n}\n');
    expect(() => readRecordedEntries(path)).toThrow(expect.objectContaining({ code: 'LOGQ_INCLUDE_FILE_FOREIGN' }));
  });

  test('writes atomically and leaves no temporary file', () => {
    const dir = tempDir();
    const path = join(dir, 'no-access');
    writeAtomically(path, 'one\n');
    writeAtomically(path, 'two\n');
    expect(readFileSync(path, 'utf8')).toBe('two\n');
    expect(() => writeAtomically(join(dir, 'missing', 'x'), 'x')).toThrow(expect.objectContaining({ code: 'LOGQ_WRITE_FAILED' }));
  });
});
