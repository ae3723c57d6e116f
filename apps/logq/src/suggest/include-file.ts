/**
 * The include file that `suggest --write` maintains: its name rule, reading the entries
 * recorded in it, merging them with new suggestions, and replacing it atomically.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LogqError } from '../errors.js';
import { exemptionOf, overlaps, parseNetwork, type Exemptions } from './addresses.js';
import { parseFragment, type FragmentEntry } from './fragment.js';

/** Rejects a name that xinetd's includedir would skip: one with a dot, or ending in `~`. */
export function checkIncludeName(path: string): void {
  const name = basename(path);
  if (!name.includes('.') && !name.endsWith('~')) return;
  throw new LogqError(
    'LOGQ_INCLUDE_NAME_SKIPPED',
    `--write ${path}: xinetd's includedir skips a file whose name contains a dot or ends in ~, so the daemon would never read "${name}"; choose a name such as 00-logq-no-access`,
  );
}

/** Returns the entries recorded in the file, [] when it does not exist yet. */
export function readRecordedEntries(path: string): FragmentEntry[] {
  if (!existsSync(path)) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new LogqError('LOGQ_WRITE_FAILED', `failed to read the include file ${path} to keep its entries: ${reason}`, { cause: error });
  }
  const entries = parseFragment(text);
  if (entries === null) {
    throw new LogqError(
      'LOGQ_INCLUDE_FILE_FOREIGN',
      `--write ${path}: the file exists and was not written by logq suggest (its first line is not the logq marker), so it is left alone; pass a new file name`,
    );
  }
  return entries;
}

export interface MergeResult {
  entries: FragmentEntry[];
  kept: number;
  expired: number;
  /** Earlier entries that are now exempt, with the reason. */
  exempted: { entry: string; reason: string }[];
}

function isCoveredByNew(entry: FragmentEntry, fresh: readonly FragmentEntry[]): boolean {
  const network = parseNetwork(entry.entry);
  return network !== null && fresh.some((candidate) => {
    const other = parseNetwork(candidate.entry);
    return other !== null && other.prefix <= network.prefix && overlaps(other, network);
  });
}

/**
 * Keeps the earlier entries that have not expired, are not exempt now and are not covered
 * by a new entry, and puts them after the new ones. A new entry replaces an earlier entry
 * for the same network, with its own expiry.
 */
export function mergeEntries(earlier: readonly FragmentEntry[], fresh: readonly FragmentEntry[], exemptions: Exemptions, now: Date): MergeResult {
  const result: MergeResult = { entries: [...fresh], kept: 0, expired: 0, exempted: [] };
  for (const entry of earlier) {
    if (entry.expires !== null && entry.expires.getTime() <= now.getTime()) {
      result.expired++;
      continue;
    }
    if (isCoveredByNew(entry, fresh)) continue;
    const network = parseNetwork(entry.entry);
    const reason = network === null ? 'not an address or CIDR block' : exemptionOf(network, exemptions);
    if (reason !== null) {
      result.exempted.push({ entry: entry.entry, reason });
      continue;
    }
    result.entries.push(entry);
    result.kept++;
  }
  return result;
}

/**
 * Replaces the file with `text` atomically: a temporary file in the same directory,
 * flushed, then renamed over it. The temporary name starts with a dot, so a daemon that
 * reloads meanwhile skips it.
 */
export function writeAtomically(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temporary, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new LogqError('LOGQ_WRITE_FAILED', `failed to write ${path}: ${reason}; the previous file, if any, is unchanged`, { cause: error });
  }
}
