/**
 * Starts opening the database of a question command before the command line is parsed.
 * DuckDB opens a database on a libuv worker thread, which took about 15 ms on the 2-core
 * machine of docs/BENCHMARKS.md, so that time overlaps with loading commander and the
 * question modules on the main thread. The overlap saves time only when a core is free.
 * The open is a guess made from the raw arguments. query-source.ts takes the connection
 * only when the parsed `--db` names the same path, and opens the database again if the
 * early open failed, so the errors stay the same.
 */
import { existsSync } from 'node:fs';
import { resolveDatabasePath } from './paths.js';
import { openReadConnection, type ReadConnection } from './read-client.js';

type Env = Readonly<Record<string, string | undefined>>;

interface EarlyOpen {
  path: string;
  connection: Promise<ReadConnection | null>;
}

/** The commands that open the database read-only through query-source.ts, as named in cli.ts. */
const QUESTION_COMMANDS = new Set(['fails', 'top', 'services', 'sessions', 'timeline', 'query']);

let early: EarlyOpen | undefined;

/**
 * Returns the last `--db` value before `--`, in the two forms commander accepts
 * (`--db PATH` and `--db=PATH`), or undefined when there is none.
 */
export function dbArgument(argv: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let index = 1; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--') break;
    if (argument === '--db') value = argv[++index];
    else if (argument.startsWith('--db=')) value = argument.slice('--db='.length);
  }
  return value;
}

/** Returns the database a command line would question, or undefined when it questions none or --from files. */
export function guessDatabasePath(argv: readonly string[], env: Env): string | undefined {
  if (!QUESTION_COMMANDS.has(argv[0] ?? '')) return undefined;
  if (argv.some((argument) => argument === '--from' || argument.startsWith('--from='))) return undefined;
  const path = resolveDatabasePath(dbArgument(argv), env);
  return existsSync(path) ? path : undefined;
}

/** Starts opening the database that `argv` names, read-only, if it is a question command's. */
export function openEarly(argv: readonly string[], env: Env): void {
  const path = guessDatabasePath(argv, env);
  if (path === undefined) return;
  // A failed early open is dropped: the regular open tries again and reports the error.
  const connection = openReadConnection(path, { access_mode: 'READ_ONLY' }).catch(() => null);
  early = { path, connection };
}

/** Hands over the early connection to `path`, or null when there is none for that path. */
export async function takeEarlyConnection(path: string): Promise<ReadConnection | null> {
  const pending = early;
  early = undefined;
  if (pending === undefined) return null;
  const connection = await pending.connection;
  if (pending.path === path) return connection;
  connection?.closeSync();
  return null;
}

/** Closes an early connection that no command took, such as after a usage error. */
export async function closeEarlyConnection(): Promise<void> {
  const pending = early;
  early = undefined;
  (await pending?.connection)?.closeSync();
}
