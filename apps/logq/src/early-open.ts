/**
 * Starts opening a question command's database before the rest of logq is loaded. DuckDB
 * opens the file on one of its own threads while Node loads logq's modules and commander
 * on the main thread, so on a machine with two cores or more the two overlap. Only
 * bin/logq.js calls openEarly, before it imports main.js. openDatabase adopts the instance
 * when the parsed command opens the same path, and main closes an instance left unused.
 */
import { existsSync } from 'node:fs';
import { DuckDBInstance } from './duckdb.js';
import { resolveDatabasePath } from './paths.js';

/** The commands that open the database read-only and accept --db. */
const READING_COMMANDS = new Set(['fails', 'top', 'services', 'sessions', 'timeline', 'query', 'export']);

interface EarlyOpen {
  path: string;
  instance: Promise<DuckDBInstance | null>;
}

let early: EarlyOpen | undefined;

/** Returns the value of --db on the command line, as commander would read it, or undefined. */
function dbArgument(argv: readonly string[]): string | undefined {
  let value: string | undefined;
  for (const [index, argument] of argv.entries()) {
    if (argument === '--') break;
    if (argument === '--db') value = argv[index + 1];
    else if (argument.startsWith('--db=')) value = argument.slice('--db='.length);
  }
  return value;
}

/** Starts opening the database that `argv` will question, if it names a reading command. */
export function openEarly(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): void {
  if (!READING_COMMANDS.has(argv[0] ?? '') || argv.some((argument) => argument === '--from' || argument.startsWith('--from='))) return;
  const path = resolveDatabasePath(dbArgument(argv), env);
  if (!existsSync(path)) return;
  // A failure is left for openDatabase to report, which opens the file again.
  early = { path, instance: DuckDBInstance.create(path, { access_mode: 'READ_ONLY' }).catch(() => null) };
}

/** Returns the instance opened early for `path`, or null. Each instance is handed out once. */
export async function takeEarlyInstance(path: string): Promise<DuckDBInstance | null> {
  const pending = early;
  early = undefined;
  if (!pending) return null;
  const instance = await pending.instance;
  if (pending.path === path) return instance;
  instance?.closeSync();
  return null;
}

/** Closes an instance that no command took, such as after a usage error. */
export async function closeEarlyInstance(): Promise<void> {
  const pending = early;
  early = undefined;
  if (pending) (await pending.instance)?.closeSync();
}
