/** The `logq suggest` command line that the report offers for applying its suggestions. */
import { formatNetwork, overlapsLoopback } from '../suggest/addresses.js';
import type { ReportData } from './collect.js';

const INCLUDE_FILE = '/etc/xinetd.d/00-logq-no-access';
const PID_FILE = '/run/xinetd.pid';

/** Quotes a word for a POSIX shell, leaving words of only safe characters bare. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Returns the arguments that make `logq suggest` read the events the report read and
 * exempt what it exempted, so the file it writes contains the entries the report lists.
 * Times are given in UTC, because a duration such as `1d` would mean another range later.
 */
export function suggestArguments(data: ReportData): string[] {
  const args: string[] = [];
  if (data.databasePath !== undefined) args.push('--db', data.databasePath);
  if (data.filter.since) args.push('--since', data.filter.since.toISOString());
  if (data.filter.until) args.push('--until', data.filter.until.toISOString());
  if (data.filter.service !== undefined) args.push('--service', data.filter.service);
  for (const network of data.allow) args.push('--allow', formatNetwork(network));
  if (data.plan.suggestions.some((suggestion) => overlapsLoopback(suggestion.network))) args.push('--include-loopback');
  return args;
}

/** Returns the shell command that writes the report's active entries and reloads the daemon. */
export function suggestCommand(data: ReportData): string {
  const words = ['logq', 'suggest', ...suggestArguments(data), '--write', INCLUDE_FILE, '--reload', PID_FILE];
  return words.map(shellQuote).join(' ');
}
