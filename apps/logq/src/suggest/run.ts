/** The `logq suggest` command: print, or write and apply, suggested `no_access` entries. */
import { basename, resolve } from 'node:path';
import { openDatabase } from '../db.js';
import { LogqError } from '../errors.js';
import { EXIT_OK, type ExitStatus } from '../exit-codes.js';
import { currentTime, type CliIo } from '../io.js';
import { resolveDatabasePath } from '../paths.js';
import type { EventFilter } from '../report/filter.js';
import { checkSchema } from '../schema.js';
import { interfaceAddresses, type Exemptions, type Network } from './addresses.js';
import { computePlan } from './compute.js';
import { entryOfSuggestion, renderFragment, type FragmentEntry } from './fragment.js';
import { checkIncludeName, mergeEntries, readRecordedEntries, writeAtomically } from './include-file.js';
import type { Plan } from './plan.js';
import { reloadDaemon } from './reload.js';
import type { Thresholds } from './thresholds.js';
import { validateFragment } from './validate.js';

export interface SuggestOptions extends EventFilter {
  db?: string;
  thresholds: Thresholds;
  allow: Network[];
  includeLoopback?: boolean;
  write?: string;
  reload?: string;
}

const DEFAULT_FRAGMENT_NAME = 'logq-no-access';

async function loadPlan(options: SuggestOptions, exemptions: Exemptions, env: CliIo['env']): Promise<Plan> {
  const database = await openDatabase(resolveDatabasePath(options.db, env), 'read');
  try {
    await checkSchema(database.connection, database.path);
    return await computePlan(database.connection, options, options.thresholds, exemptions);
  } finally {
    database.close();
  }
}

function reportSkipped(plan: Plan, expired: number, io: CliIo): void {
  for (const skipped of plan.exempted) {
    io.stderr.write(`logq: not suggesting ${skipped.entry} (${skipped.failures} failures, at most ${skipped.peak} in the window): ${skipped.reason}\n`);
  }
  if (expired > 0) {
    const sources = expired === 1 ? '1 source' : `${expired} sources`;
    const them = expired === 1 ? 'it' : 'them';
    io.stderr.write(`logq: ${sources} crossed the threshold, but the ban time has passed since the last failure; raise --ban-time to include ${them}\n`);
  }
}

/** Renders, validates and returns the fragment for `entries`. */
function buildFragment(entries: readonly FragmentEntry[], options: SuggestOptions, now: Date): string {
  const text = renderFragment(entries, options.thresholds, now);
  validateFragment(text, options.write ? basename(options.write) : DEFAULT_FRAGMENT_NAME, entries.length);
  return text;
}

function writeAndReload(fresh: FragmentEntry[], exemptions: Exemptions, options: SuggestOptions, io: CliIo, now: Date): void {
  const path = resolve(options.write!);
  const merged = mergeEntries(readRecordedEntries(path), fresh, exemptions, now);
  for (const dropped of merged.exempted) io.stderr.write(`logq: dropping earlier entry ${dropped.entry}: ${dropped.reason}\n`);
  writeAtomically(path, buildFragment(merged.entries, options, now));
  io.stdout.write(`wrote ${path}: ${merged.entries.length} ${merged.entries.length === 1 ? 'entry' : 'entries'} (${fresh.length} from this run, ${merged.kept} kept, ${merged.expired} expired and removed)\n`);
  if (options.reload) io.stdout.write(`sent SIGHUP to pid ${reloadDaemon(options.reload)} from ${options.reload}\n`);
}

export async function runSuggest(options: SuggestOptions, io: CliIo): Promise<ExitStatus> {
  if (options.reload && !options.write) {
    throw new LogqError('LOGQ_RELOAD_WITHOUT_WRITE', '--reload needs --write FILE: without it nothing changes for the daemon to read');
  }
  if (options.write) checkIncludeName(options.write);
  const now = currentTime(io);
  const exemptions: Exemptions = { allow: options.allow, own: interfaceAddresses(), includeLoopback: options.includeLoopback === true };
  const plan = await loadPlan(options, exemptions, io.env);
  const active = plan.suggestions.filter((suggestion) => suggestion.expires === null || suggestion.expires.getTime() > now.getTime());
  reportSkipped(plan, plan.suggestions.length - active.length, io);
  const fresh = active.map((suggestion) => entryOfSuggestion(suggestion, options.thresholds));
  if (options.write) writeAndReload(fresh, exemptions, options, io, now);
  else io.stdout.write(buildFragment(fresh, options, now));
  return EXIT_OK;
}
