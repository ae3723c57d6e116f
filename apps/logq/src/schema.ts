/**
 * The tables logq keeps in its DuckDB file, and the schema version that guards them.
 * Change a table or an enum only together with SCHEMA_VERSION and a migration.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { EVENT_KINDS, SEVERITIES } from '#logformat';
import { CREATE_EVENT_COUNTS, fillEventCounts } from './event-counts.js';
import { LogqError } from './errors.js';

/** The part of a connection that the version check uses: node-api's, or read-client.ts's for the questions. */
interface ReadingConnection {
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
}

/** Version 2 added the event_counts table. */
export const SCHEMA_VERSION = 2;

/** The oldest version that read-only commands still read, without the tables added since. */
export const OLDEST_READABLE_VERSION = 1;

export const LINE_FORMS = ['file', 'filelog', 'syslog', 'jsonl'] as const;

export const EVENT_KIND_VALUES = [...EVENT_KINDS, 'MESSAGE'] as const;

function enumList(values: readonly string[]): string {
  return values.map((value) => `'${value}'`).join(', ');
}

// The enum values come from libs/logformat's constants, never from user input.
const CREATE_STATEMENTS = [
  'CREATE TABLE schema_version (version INTEGER NOT NULL)',
  `CREATE TYPE event_kind AS ENUM (${enumList(EVENT_KIND_VALUES)})`,
  `CREATE TYPE line_form AS ENUM (${enumList(LINE_FORMS)})`,
  `CREATE TYPE severity AS ENUM (${enumList(SEVERITIES)})`,
  'CREATE SEQUENCE files_id_sequence START 1',
  `CREATE TABLE files (
    id INTEGER PRIMARY KEY DEFAULT nextval('files_id_sequence'),
    path VARCHAR NOT NULL,
    device UBIGINT NOT NULL,
    inode UBIGINT NOT NULL,
    byte_offset BIGINT NOT NULL,
    size BIGINT NOT NULL,
    line_count BIGINT NOT NULL,
    first_line_hash VARCHAR,
    tail_hash VARCHAR,
    mtime TIMESTAMPTZ NOT NULL,
    first_ingested_at TIMESTAMPTZ NOT NULL,
    ingested_at TIMESTAMPTZ NOT NULL
  )`,
  // No primary or foreign keys here: DuckDB checks them on every appended row, and the
  // appender is the hot path. file_id refers to files.id.
  `CREATE TABLE events (
    file_id INTEGER NOT NULL,
    line_number BIGINT NOT NULL,
    time TIMESTAMPTZ,
    host VARCHAR,
    kind event_kind NOT NULL,
    service VARCHAR,
    pid INTEGER,
    source_ip VARCHAR,
    source_port INTEGER,
    reason VARCHAR,
    status INTEGER,
    signal INTEGER,
    duration_ms DOUBLE,
    text VARCHAR,
    severity severity,
    bytes_in BIGINT,
    bytes_out BIGINT,
    writer_pid INTEGER,
    form line_form NOT NULL,
    line VARCHAR NOT NULL
  )`,
  CREATE_EVENT_COUNTS,
  `CREATE TABLE rejects (
    file_id INTEGER NOT NULL,
    path VARCHAR NOT NULL,
    line_number BIGINT NOT NULL,
    text VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    is_foreign BOOLEAN NOT NULL
  )`,
];

async function countMainTables(connection: ReadingConnection): Promise<number> {
  const reader = await connection.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'");
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

/** Returns the stored schema version, or null when the database has no schema_version table. */
async function readSchemaVersion(connection: ReadingConnection): Promise<number | null> {
  const tables = await connection.runAndReadAll(
    "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'schema_version'",
  );
  if (Number(tables.getRows()[0]?.[0] ?? 0) === 0) return null;
  const versions = await connection.runAndReadAll('SELECT max(version) FROM schema_version');
  const version = versions.getRows()[0]?.[0];
  return version === null || version === undefined ? null : Number(version);
}

function checkVersion(version: number, path: string): void {
  if (version > SCHEMA_VERSION) {
    throw new LogqError(
      'LOGQ_DB_SCHEMA_TOO_NEW',
      `database ${path} has schema version ${version}, but this logq reads versions ${OLDEST_READABLE_VERSION} to ${SCHEMA_VERSION}: upgrade logq, or pass --db with another database`,
    );
  }
  if (version < OLDEST_READABLE_VERSION) {
    throw new Error(`no migration from schema version ${version} to ${SCHEMA_VERSION} (database ${path})`);
  }
}

function notLogqError(path: string): LogqError {
  return new LogqError(
    'LOGQ_DB_NOT_LOGQ',
    `database ${path} has tables but no logq schema_version table, so it was not created by logq: pass --db with a new or logq database path`,
  );
}

/** Brings a version 1 database to version 2: event_counts, filled from the events so far. */
async function migrate(connection: DuckDBConnection, version: number): Promise<void> {
  if (version >= SCHEMA_VERSION) return;
  await connection.run(CREATE_EVENT_COUNTS);
  await fillEventCounts(connection);
  await connection.run('UPDATE schema_version SET version = $1', [SCHEMA_VERSION]);
}

/**
 * Creates logq's tables in an empty database, or checks the version of an existing one
 * and migrates an older one. Runs inside the caller's transaction, so an interrupted
 * ingest leaves the database as it was.
 */
export async function ensureSchema(connection: DuckDBConnection, path: string): Promise<void> {
  const version = await readSchemaVersion(connection);
  if (version !== null) {
    checkVersion(version, path);
    return migrate(connection, version);
  }
  if ((await countMainTables(connection)) > 0) throw notLogqError(path);

  for (const statement of CREATE_STATEMENTS) await connection.run(statement);
  await connection.run('INSERT INTO schema_version VALUES ($1)', [SCHEMA_VERSION]);
}

/**
 * Reads the version in one statement, as a logq database has the table. Only when that
 * fails does it look up whether the table exists. Not for ingest: a failed statement
 * would abort the caller's transaction.
 */
async function readVersionDirectly(connection: ReadingConnection): Promise<number | null> {
  try {
    const version = (await connection.runAndReadAll('SELECT max(version) FROM main.schema_version')).getRows()[0]?.[0];
    return version === null || version === undefined ? null : Number(version);
  } catch {
    return readSchemaVersion(connection);
  }
}

/**
 * Checks that a database opened for reading is logq's, of a version this logq reads, and
 * returns the version. The next ingest migrates an older one.
 */
export async function checkSchema(connection: ReadingConnection, path: string): Promise<number> {
  const version = await readVersionDirectly(connection);
  if (version === null) {
    if ((await countMainTables(connection)) > 0) throw notLogqError(path);
    throw new LogqError('LOGQ_DB_NOT_FOUND', `database ${path} contains no logq tables yet: run \`logq ingest --db ${path} FILE…\` first`);
  }
  checkVersion(version, path);
  return version;
}
