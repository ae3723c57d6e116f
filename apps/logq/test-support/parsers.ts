/**
 * Helpers for the tests that load the same lines through a SQL path and through the JS
 * parser and compare what each stored.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DuckDBInstance } from '../src/duckdb.js';
import { numberLines } from '../src/sql-loader.js';
import { makeTempDir, query, runLogq } from './run.js';

const COLUMNS = `line_number, epoch_ms(time) AS time, host, kind::VARCHAR AS kind, service, pid, source_ip, source_port, reason,
  status, signal, duration_ms, text, severity::VARCHAR AS severity, bytes_in, bytes_out, writer_pid, form::VARCHAR AS form, line`;

/** The rows one ingest stored, and its summary without the parts that differ between runs. */
export interface Loaded {
  summary: string;
  events: unknown[];
  rejects: unknown[];
}

/** Ingests `file` into a new database with one parser, as on 2026-12-31 local time. */
export async function load(parser: 'js' | 'sql', file: string): Promise<Loaded> {
  const db = join(makeTempDir(), 'logq.duckdb');
  const env = { LOGQ_PARSER: parser };
  const result = await runLogq(['ingest', '--db', db, '--host', 'fallback', file], { env, now: new Date(2026, 11, 31) });
  expect(result.stderr).toBe('');
  return {
    // The summary names the database and ends with the elapsed time and rate, which differ between runs.
    summary: result.stdout.replace(db, 'DB').replace(/ in [\d.]+ s \([\d,]+ lines\/s\)/g, ''),
    events: await query(db, `SELECT ${COLUMNS} FROM events ORDER BY line_number`),
    rejects: await query(db, 'SELECT line_number, text, reason, is_foreign FROM rejects ORDER BY line_number'),
  };
}

/** Writes the lines, each ended by a newline, to a new file called `name`. */
export function writeLines(lines: readonly string[], name: string): string {
  const file = join(makeTempDir(), name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Loads the lines both ways, expects the same events, rejects and summary, and returns the JS parser's. */
export async function expectSameRows(lines: readonly string[], name: string): Promise<Loaded> {
  const file = writeLines(lines, name);
  const js = await load('js', file);
  const sql = await load('sql', file);
  expect(sql.events).toEqual(js.events);
  expect(sql.rejects).toEqual(js.rejects);
  expect(sql.summary).toBe(js.summary);
  return js;
}

/**
 * Writes the lines numbered as ingest writes a batch, runs `flagSql` on the file and
 * returns its boolean per line in file order: whether SQL parses the line itself.
 */
export async function shapeFlags(lines: readonly string[], name: string, flagSql: string): Promise<boolean[]> {
  const file = writeLines(lines, name);
  const data = readFileSync(file);
  writeFileSync(file, numberLines(data, lines.length));
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(flagSql, { path: file });
    connection.closeSync();
    return reader.getRows().map(([flag]) => flag === true);
  } finally {
    instance.closeSync();
  }
}
