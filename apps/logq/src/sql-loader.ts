/**
 * Runs the SQL fast path (sql-parse.ts) on one batch of lines: stages the bytes in a
 * file, lets DuckDB split, parse and insert them, then passes the lines it left over to
 * the JavaScript parser with their line numbers.
 */
import { writeFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import { FUTURE_SLACK_MS, loadLine, noteLine, type IngestTarget, type ReadState } from './ingest-file.js';
import { formatLocalTime } from './local-time.js';
import { timestampValue } from './records.js';
import { INSERT_SQL, LEFTOVER_SQL, PARSE_SQL, STAGE_SQL } from './sql-parse.js';

export interface SqlParser {
  /** A private directory for the staged batch, removed when the ingest ends. */
  stagingDir: string;
  /** The IANA zone that classic stamps are read in: the zone logq runs in. */
  zone: string;
}

/**
 * Tests whether a batch may take the fast path. DuckDB's read_text needs valid UTF-8, and
 * the JS parser strips a CR before a newline but keeps it in the stored line, so batches
 * with either take the JS path whole. JSONL batches do too, because V8's JSON.parse read
 * 200,000 lines about twice as fast as DuckDB's JSON functions (one trial each, 2 cores).
 */
export function canParseInSql(data: Buffer): boolean {
  return data[0] !== 0x7b && data.indexOf(0x0d) < 0 && isUtf8(data);
}

const COUNT_SQL = `SELECT count(*) FILTER (WHERE ok), count(*) FILTER (WHERE ok AND time > $future),
  min(n) FILTER (WHERE ok AND time > $future) FROM parsed`;

/** A failed statement of the fast path: logq's bug, not the input's, and it aborts the transaction. */
export class SqlPathError extends Error {
  constructor(cause: unknown) {
    super(`the SQL parser failed (unset LOGQ_PARSER to ingest without it): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SqlPathError';
  }
}

export async function loadLinesInSql(target: IngestTarget, state: ReadState, fileId: number, data: Buffer, lineCount: number): Promise<void> {
  try {
    await runSqlPath(target, state, fileId, data, lineCount);
  } catch (error) {
    throw new SqlPathError(error);
  }
}

async function runSqlPath(target: IngestTarget, state: ReadState, fileId: number, data: Buffer, lineCount: number): Promise<void> {
  const parser = target.sqlParser!;
  const connection = target.connection;
  const base = state.lineCount;
  const path = join(parser.stagingDir, 'batch.txt');
  await writeFile(path, data);

  await connection.run(STAGE_SQL, { path });
  // Yearless syslog stamps take the year that puts them at or before a day after the reference, compared in local wall-clock time.
  const latest = new Date(state.reference.getTime() + 24 * 3600 * 1000);
  await connection.run(PARSE_SQL, { zone: parser.zone, year: state.reference.getFullYear(), latest: formatLocalTime(latest), lines: lineCount });
  await connection.run(INSERT_SQL, { file_id: fileId, base, host: target.host });

  const future = timestampValue(new Date(target.ingestedAt.getTime() + FUTURE_SLACK_MS));
  const counts = (await connection.runAndReadAll(COUNT_SQL, { future })).getRows()[0]!;
  state.summary.events += Number(counts[0]);
  if (Number(counts[1]) > 0) noteLine(state.summary, 'future', base + Number(counts[2]), Number(counts[1]));

  const leftovers = await connection.runAndReadAll(LEFTOVER_SQL);
  for (const [n, line] of leftovers.getRows()) loadLine(target, state, fileId, String(line), base + Number(n));
  state.lineCount = base + lineCount;
}
