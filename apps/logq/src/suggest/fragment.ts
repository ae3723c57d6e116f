/**
 * The xinetd.conf fragment that `suggest` prints and writes: comments that explain and
 * record each entry, then a `defaults` block with one `no_access +=` line per entry.
 * The `# entry ADDRESS expires TIME` lines are what logq reads back on the next --write.
 */
import { formatLocalTime } from '../local-time.js';
import { formatDurationShort } from './durations.js';
import type { Suggestion } from './plan.js';
import type { Thresholds } from './thresholds.js';

/** The first line of every fragment; a file without it was not written by logq. */
export const FRAGMENT_MARKER = '# logq suggest: no_access entries for xinetd';

/** One recorded entry of a fragment. */
export interface FragmentEntry {
  entry: string;
  /** Null when the entry never expires. */
  expires: Date | null;
  /** The explanation lines, without their `#   ` prefix. */
  notes: string[];
}

const ENTRY_LINE = /^# entry (\S+) expires (\S+)$/;
const NOTE_PREFIX = '#   ';

export function describeThresholds(thresholds: Thresholds): string {
  const ban = thresholds.banTimeMs === null ? 'never expire' : `expire ${formatDurationShort(thresholds.banTimeMs)} after the last failure`;
  const blocks = thresholds.blockHosts > 0 ? `; a /24 or /64 with ${thresholds.blockHosts} or more failing addresses is one entry` : '';
  return `${thresholds.maxRetry} or more FAIL ${thresholds.reasons.join('/')} within ${formatDurationShort(thresholds.findTimeMs)}; entries ${ban}${blocks}`;
}

/**
 * Replaces control characters with `?`. A service name from a JSONL log can contain a
 * newline, which would otherwise end the comment and add a configuration line.
 */
function commentSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

/** Builds the recorded form of a suggestion, with the evidence as notes. */
export function entryOfSuggestion(suggestion: Suggestion, thresholds: Thresholds): FragmentEntry {
  const hosts = suggestion.sources.length > 1 ? `${suggestion.sources.length} addresses, ` : '';
  const notes = [
    `${hosts}${suggestion.failures} failures, at most ${suggestion.peak} within ${formatDurationShort(thresholds.findTimeMs)}`,
    `services: ${commentSafe(suggestion.services.join(' ')) || '-'}`,
    `first seen ${formatLocalTime(suggestion.firstSeen)}, last seen ${formatLocalTime(suggestion.lastSeen)}`,
  ];
  return { entry: suggestion.entry, expires: suggestion.expires, notes };
}

function renderEntry(entry: FragmentEntry): string[] {
  const expires = entry.expires === null ? 'never' : entry.expires.toISOString();
  return [`# entry ${entry.entry} expires ${expires}`, ...entry.notes.map((note) => NOTE_PREFIX + note)];
}

/** Renders a whole fragment. With no entries it contains only comments, which the configuration loader accepts. */
export function renderFragment(entries: readonly FragmentEntry[], thresholds: Thresholds, generatedAt: Date): string {
  const lines = [
    FRAGMENT_MARKER,
    `# Written ${formatLocalTime(generatedAt)} by logq suggest. Rule: ${describeThresholds(thresholds)}.`,
    '# `logq suggest --write` rewrites this file and drops expired entries; put permanent rules elsewhere.',
    '# xinetd reads a file in an includedir only if its name has no dot and does not end in ~.',
    '',
  ];
  for (const entry of entries) lines.push(...renderEntry(entry));
  if (entries.length > 0) {
    lines.push('', 'defaults', '{', ...entries.map((entry) => `\tno_access += ${entry.entry}`), '}');
  } else {
    lines.push('# no entries');
  }
  return lines.join('\n') + '\n';
}

function parseExpiry(text: string): Date | null | undefined {
  if (text === 'never') return null;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/**
 * Reads the recorded entries back from a fragment. Returns null when the text does not
 * start with the marker. An entry line with an unreadable time is skipped, so the entry
 * is dropped on the next write rather than kept forever.
 */
export function parseFragment(text: string): FragmentEntry[] | null {
  const lines = text.split('\n');
  if (lines[0] !== FRAGMENT_MARKER) return null;
  const entries: FragmentEntry[] = [];
  let current: FragmentEntry | null = null;
  for (const line of lines) {
    const match = ENTRY_LINE.exec(line);
    if (match) {
      const expires = parseExpiry(match[2]!);
      current = expires === undefined ? null : { entry: match[1]!, expires, notes: [] };
      if (current) entries.push(current);
    } else if (current && line.startsWith(NOTE_PREFIX)) {
      current.notes.push(line.slice(NOTE_PREFIX.length));
    } else {
      current = null;
    }
  }
  return entries;
}
