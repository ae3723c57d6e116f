/**
 * Where a question reads its events: logq's database file, or with `--from` a directory
 * of Parquet files written by `logq export`, or JSONL logs read directly. `--from` loads
 * the rows into an in-memory database for the length of the command, under the same
 * table and view names, so every question runs the same SQL.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeOpenFailure, missingDatabase } from './db-errors.js';
import { LogqError } from './errors.js';
import { expandInputs } from './inputs.js';
import type { CliIo } from './io.js';
import { takeEarlyConnection } from './open-early.js';
import { resolveDatabasePath } from './paths.js';
import { openReadConnection, type ReadConnection } from './read-client.js';
import { EVENT_KIND_VALUES, SCHEMA_VERSION, checkSchema } from './schema.js';
import { ensureViews } from './views.js';

/** The events a question reads, through the bindings-based client of read-client.ts. */
export interface EventsDatabase {
  path: string;
  connection: ReadConnection;
  close(): void;
  /** True when the event_counts table contains the counts of every event (schema version 2 on). */
  eventCounts?: boolean;
}

/** The objects a command reads besides the tables: `views` requests the sessions and messages views. */
export interface OpenNeeds {
  views?: boolean;
}

export interface SourceOptions {
  db?: string;
  /** A Parquet directory written by `logq export`, or JSONL files, directories or patterns. */
  from?: string[];
}

const JSON_COLUMNS = `{time: 'VARCHAR', host: 'VARCHAR', event: 'VARCHAR', service: 'VARCHAR', pid: 'BIGINT',
  source: 'STRUCT(ip VARCHAR, port INTEGER)', reason: 'VARCHAR', status: 'INTEGER', signal: 'INTEGER',
  duration_ms: 'DOUBLE', text: 'VARCHAR', msg: 'VARCHAR', severity: 'VARCHAR', bytes_in: 'BIGINT', bytes_out: 'BIGINT'}`;

// The JSONL fields mapped onto the events columns; lines that are not events are left out.
const LOAD_JSONL = `
CREATE TEMP TABLE events AS
SELECT 0 AS file_id, row_number() OVER () AS line_number, try_cast(time AS TIMESTAMPTZ) AS time, host,
  event::event_kind AS kind, service, try_cast(pid AS INTEGER) AS pid,
  CASE WHEN regexp_full_match(source.ip, '(?i)::ffff:[0-9.]+') THEN substr(source.ip, 8) ELSE source.ip END AS source_ip,
  source.port AS source_port, reason, status, signal, duration_ms, coalesce(text, msg) AS text, severity,
  bytes_in, bytes_out, NULL::INTEGER AS writer_pid, 'jsonl' AS form, filename AS line
FROM read_json($files, format = 'newline_delimited', columns = ${JSON_COLUMNS}, ignore_errors = true, filename = true)
WHERE event IN ('START', 'EXIT', 'FAIL', 'USERID', 'NOID', 'TRAFFIC', 'MESSAGE') AND try_cast(time AS TIMESTAMPTZ) IS NOT NULL`;

const LOAD_PARQUET = `
CREATE TEMP TABLE events AS
SELECT * EXCLUDE (host_key, day) REPLACE (kind::event_kind AS kind)
FROM read_parquet($files, hive_partitioning = true, union_by_name = true)`;

// The questions compare kind with event_kind literals, as in a logq database.
const CREATE_KIND_TYPE = `CREATE TYPE event_kind AS ENUM (${EVENT_KIND_VALUES.map((kind) => `'${kind}'`).join(', ')})`;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function noFiles(from: readonly string[]): LogqError {
  return new LogqError('LOGQ_FILE_NOT_FOUND', `--from ${from.join(' ')}: no files found. Pass a directory written by logq export, or JSONL files`);
}

/** Returns the first bytes of a file, or the error that names why it cannot be read. */
function readHead(path: string): Buffer | LogqError {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return new LogqError('LOGQ_FILE_NOT_FOUND', `--from ${path}: file not found. Check the path`);
    return new LogqError('LOGQ_FILE_UNREADABLE', `--from ${path}: failed to open the file: ${(error as Error).message}`);
  }
  try {
    const head = Buffer.alloc(4096);
    return head.subarray(0, readSync(descriptor, head, 0, head.length, 0));
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Checks that each file starts like JSONL (or is gzip data), because DuckDB's JSON reader
 * skips lines that are not JSON without a word, and a text log would then read as empty.
 */
function checkJsonlFiles(files: readonly string[]): void {
  for (const file of files) {
    const head = readHead(file);
    if (head instanceof LogqError) throw head;
    const text = head.toString('latin1').trimStart();
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    if (gzip || text === '' || text.startsWith('{')) continue;
    throw new LogqError(
      'LOGQ_FROM_NOT_JSONL',
      `--from ${file}: not the daemon's JSONL (its first line does not start with {). --from reads JSONL files and directories written by logq export; load text logs with logq ingest and question the database`,
    );
  }
}

async function openFrom(from: readonly string[], needs: OpenNeeds): Promise<EventsDatabase> {
  const connection = await openReadConnection(':memory:');
  const database: EventsDatabase = { path: from.join(' '), connection, close: () => connection.closeSync() };
  try {
    const parquet = from.length === 1 && isDirectory(from[0]!);
    const files = parquet ? [join(resolve(from[0]!), '**', '*.parquet')] : expandInputs(from).map((file) => file.absolutePath);
    if (files.length === 0) throw noFiles(from);
    if (!parquet) checkJsonlFiles(files);
    await connection.run(CREATE_KIND_TYPE);
    await connection.run(parquet ? LOAD_PARQUET : LOAD_JSONL, { files });
    if (needs.views) await ensureViews(connection);
    return database;
  } catch (error) {
    database.close();
    if (error instanceof LogqError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LogqError('LOGQ_FILE_READ_FAILED', `--from ${from.join(' ')}: failed to read the files: ${reason}`, { cause: error });
  }
}

async function openFile(path: string): Promise<EventsDatabase> {
  if (!existsSync(path)) throw missingDatabase(path);
  try {
    const connection = (await takeEarlyConnection(path)) ?? (await openReadConnection(path, { access_mode: 'READ_ONLY' }));
    return { path, connection, close: () => connection.closeSync() };
  } catch (error) {
    throw describeOpenFailure(path, error);
  }
}

/**
 * Opens the events to question, read-only. The caller closes the result. The views are
 * created only on request, because the two statements took 3 to 20 ms of each command.
 */
export async function openEvents(options: SourceOptions, io: CliIo, needs: OpenNeeds = {}): Promise<EventsDatabase> {
  if (options.from && options.from.length > 0) return openFrom(options.from, needs);
  const database = await openFile(resolveDatabasePath(options.db, io.env));
  try {
    // A database that no ingest has migrated yet is queried through its events.
    database.eventCounts = (await checkSchema(database.connection, database.path)) >= SCHEMA_VERSION;
    if (needs.views) await ensureViews(database.connection);
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}
