/** The default location of the database file. */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Returns the database path: `--db` if given, else `$LOGQ_DB`, else
 * `$XDG_DATA_HOME/xinetd-ts/logq.duckdb` with XDG's default `~/.local/share`.
 * The XDG Base Directory spec calls a relative path invalid, so a relative
 * XDG_DATA_HOME is ignored.
 */
export function resolveDatabasePath(option: string | undefined, env: Env): string {
  if (option) return resolve(option);
  if (env.LOGQ_DB) return resolve(env.LOGQ_DB);
  const dataHome = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(env.HOME || homedir(), '.local', 'share');
  return join(dataHome, 'xinetd-ts', 'logq.duckdb');
}
