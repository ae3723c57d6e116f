/** Helpers that drive logq in-process against real DuckDB files in temporary directories. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import { main } from '../src/main.js';

export const FIXTURES = new URL('../test-fixtures/', import.meta.url).pathname;

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  now?: Date;
}

/** Runs `logq argv` in-process and returns its exit status and output. */
export async function runLogq(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: options.env ?? {},
    ...(options.now ? { now: () => options.now! } : {}),
  });
  return { status, stdout, stderr };
}

const directories: string[] = [];

/** Makes a temporary directory that removeTempDirs deletes. */
export function makeTempDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'logq-test-'));
  directories.push(directory);
  return directory;
}

export function removeTempDirs(): void {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

/** Runs one query on a database file, read-only, and returns the rows as JS values. */
export async function query(databasePath: string, sql: string, params: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(databasePath, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(sql, params);
    const rows = reader.getRowObjectsJS();
    connection.closeSync();
    return rows as Record<string, unknown>[];
  } finally {
    instance.closeSync();
  }
}

/** Returns the number of rows of a table. */
export async function countRows(databasePath: string, table: string, where = 'true'): Promise<number> {
  const rows = await query(databasePath, `SELECT count(*) AS n FROM ${table} WHERE ${where}`);
  return Number(rows[0]?.n);
}

/** Runs statements on a database file, each on its own, and closes it. */
export async function runSql(databasePath: string, ...statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(databasePath);
  const connection = await instance.connect();
  for (const statement of statements) await connection.run(statement);
  connection.closeSync();
  instance.closeSync();
}
