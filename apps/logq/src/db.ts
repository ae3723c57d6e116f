/** Opening and closing logq's DuckDB database file. */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from './duckdb.js';
import { describeOpenFailure, missingDatabase } from './db-errors.js';
import { LogqError } from './errors.js';

export interface Database {
  path: string;
  connection: DuckDBConnection;
  close(): void;
  /** True when the event_counts table contains the counts of every event (schema version 2 on). */
  eventCounts?: boolean;
}

/**
 * Open mode: `write` creates a missing file, and `read` requires the file. `create` is
 * `write` that also creates missing parent directories, for the default path only: a
 * missing directory in a path the user typed is more likely a typo than intended.
 */
export type OpenMode = 'create' | 'write' | 'read';

function createParentDirectory(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LogqError(
      'LOGQ_DB_OPEN_FAILED',
      `failed to create the directory for database ${path}: ${reason}. Pass --db with a writable path`,
      { cause: error },
    );
  }
}

function requireParentDirectory(path: string): void {
  const directory = dirname(path);
  if (existsSync(directory)) return;
  throw new LogqError(
    'LOGQ_DB_DIR_NOT_FOUND',
    `directory ${directory} for database ${path} not found: create it (mkdir -p ${directory}), or pass another --db (or set LOGQ_DB to another path)`,
  );
}

export async function openDatabase(path: string, mode: OpenMode): Promise<Database> {
  if (mode === 'read' && !existsSync(path)) {
    throw missingDatabase(path);
  }
  if (mode === 'create') createParentDirectory(path);
  if (mode === 'write') requireParentDirectory(path);

  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, mode === 'read' ? { access_mode: 'READ_ONLY' } : {});
  } catch (error) {
    throw describeOpenFailure(path, error);
  }
  const connection = await instance.connect();
  return {
    path,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
