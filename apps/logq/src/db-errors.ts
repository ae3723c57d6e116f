/** The errors of opening logq's database file, shared by node-api and read-client.ts callers. */
import { LogqError } from './errors.js';

export function describeOpenFailure(path: string, error: unknown): LogqError {
  const reason = error instanceof Error ? error.message : String(error);
  if (/could not set lock/i.test(reason)) {
    return new LogqError(
      'LOGQ_DB_LOCKED',
      `database ${path} is in use by another process: wait for it to finish and run the command again (DuckDB: ${reason})`,
      { cause: error },
    );
  }
  return new LogqError(
    'LOGQ_DB_OPEN_FAILED',
    `failed to open database ${path}: ${reason}. Check that it is a DuckDB file written by logq, or pass --db with another path`,
    { cause: error },
  );
}

export function missingDatabase(path: string): LogqError {
  return new LogqError(
    'LOGQ_DB_NOT_FOUND',
    `database ${path} not found: run \`logq ingest FILE…\` first, or pass --db (or set LOGQ_DB) to the database you loaded`,
  );
}
