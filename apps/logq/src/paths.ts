/** The default location of the database file. */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** A database path and whether the user chose it, by `--db` or `$LOGQ_DB`. */
export interface DatabaseLocation {
  path: string;
  chosen: boolean;
}

/**
 * Returns the database location: `--db` if given, else `$LOGQ_DB`, else
 * `$XDG_DATA_HOME/xinetd-ts/logq.duckdb` with XDG's default `~/.local/share`.
 * The XDG Base Directory spec calls a relative path invalid, so a relative
 * XDG_DATA_HOME is ignored.
 */
export function resolveDatabaseLocation(option: string | undefined, env: Env): DatabaseLocation {
  if (option) return { path: resolve(option), chosen: true };
  if (env.LOGQ_DB) return { path: resolve(env.LOGQ_DB), chosen: true };
  const dataHome = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(env.HOME || homedir(), '.local', 'share');
  return { path: join(dataHome, 'xinetd-ts', 'logq.duckdb'), chosen: false };
}

/** Returns the database path, as resolveDatabaseLocation finds it. */
export function resolveDatabasePath(option: string | undefined, env: Env): string {
  return resolveDatabaseLocation(option, env).path;
}
