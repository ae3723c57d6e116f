/**
 * Runs the SQL fast paths (sql-parse.ts, sql-jsonl.ts) on one batch of lines. It writes
 * the lines, numbered, to a file, and DuckDB reads, parses and inserts them in one
 * statement. The lines it leaves over go to the JavaScript parser with their numbers.
 */
import { writeFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import { FUTURE_SLACK_MS, loadLine, noteLine, type IngestTarget, type ReadState } from './ingest-file.js';
import { formatLocalTime } from './local-time.js';
import { timestampValue } from './records.js';
import { DELETE_BATCH_SQL, FUTURE_SQL, INSERT_SERVICE_SQL, LEFTOVER_SQL } from './sql-parse.js';

export interface SqlParser {
  /** A private directory for the numbered batch, removed when the ingest ends. */
  stagingDir: string;
  /** The IANA zone that classic stamps are read in: the zone logq runs in. */
  zone: string;
}

/**
 * Tests whether DuckDB's CSV reader, set up as NUMBERED_LINES sets it, reads a batch as one
 * value per line in file order. It needs valid UTF-8, and no byte may be its delimiter
 * (0x01) or a NUL. It skips empty lines, which would shift the line numbers. The JS parser
 * strips a CR before a newline but keeps it in the stored line, so a batch with a CR fails too.
 */
export function readableAsLines(data: Buffer): boolean {
  return data[0] !== 0x0a && data.indexOf('\n\n') < 0 && data.indexOf(0x0d) < 0 && data.indexOf(0x01) < 0 && data.indexOf(0x00) < 0 && isUtf8(data);
}

/** Tests whether a batch may take the classic SQL path: not JSONL (which has its own, sql-jsonl-loader.ts), and readable as lines. */
export function canParseInSql(data: Buffer): boolean {
  return data[0] !== 0x7b && readableAsLines(data);
}

/** A run of a batch's lines, for the SQL path or the JS parser. */
export interface Segment {
  data: Buffer;
  inSql: boolean;
}

/** Below this size a run that the SQL path cannot take whole goes to the JS parser without being split further. */
const MIN_SPLIT_BYTES = 64 * 1024;

/**
 * Cuts a batch into runs of lines that a SQL path `accepts` and runs that it does not, so
 * that one blank line, CR or invalid byte sends about 64 KiB to the JS parser rather
 * than the whole batch. A run that fails the test is halved at a newline near its middle
 * until it passes or is small.
 */
export function* segmentsOf(data: Buffer, accepts: (run: Buffer) => boolean): Generator<Segment> {
  if (accepts(data)) {
    yield { data, inSql: true };
    return;
  }
  // A run ends with a newline, so the search from the middle always finds one. When it
  // finds only that last one, the run is cut at the newline before the middle.
  let cut = data.indexOf(0x0a, data.length >> 1);
  if (cut === data.length - 1) cut = data.lastIndexOf(0x0a, (data.length >> 1) - 1);
  if (data.length < MIN_SPLIT_BYTES || cut < 0) {
    yield { data, inSql: false };
    return;
  }
  yield* segmentsOf(data.subarray(0, cut + 1), accepts);
  yield* segmentsOf(data.subarray(cut + 1), accepts);
}

/** A failed statement of the fast path: logq's bug, not the input's, and it aborts the transaction. */
export class SqlPathError extends Error {
  constructor(cause: unknown) {
    super(`the SQL parser failed (set LOGQ_PARSER=js to ingest without it): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SqlPathError';
  }
}

/**
 * Copies a batch with each line's number (from 1, zero-padded to one width) and a 0x01
 * before it, for NUMBERED_LINES to read, because DuckDB's CSV reader gives no line numbers.
 * The digits are counted up in place, so that no string is made per line.
 */
export function numberLines(data: Buffer, lineCount: number): Buffer {
  const width = String(lineCount).length;
  const numbered = Buffer.allocUnsafe(data.length + lineCount * (width + 1));
  const digits = Buffer.alloc(width, '0');
  let at = 0;
  for (let from = 0; from < data.length; ) {
    for (let place = width - 1; place >= 0; place--) {
      if (digits[place] !== 0x39) {
        digits[place]!++;
        break;
      }
      digits[place] = 0x30;
    }
    at += digits.copy(numbered, at);
    numbered[at++] = 0x01;
    const next = data.indexOf(0x0a, from) + 1 || data.length;
    at += data.copy(numbered, at, from, next);
    from = next;
  }
  return numbered.subarray(0, at);
}

/** The statement that moves a numbered batch's lines of one shape into events, and its own parameters. */
export interface BatchInsert {
  sql: string;
  params: Record<string, DuckDBValue>;
}

/**
 * Loads a batch through SQL, and the lines SQL leaves over through the JS parser. Returns
 * false, having loaded nothing, when DuckDB's reader saw other lines than the batch's
 * `lineCount`; the caller then loads the batch through the JS parser.
 */
export async function loadBatchInSql(target: IngestTarget, state: ReadState, fileId: number, data: Buffer, lineCount: number, insert: BatchInsert): Promise<boolean> {
  try {
    return await runBatch(target, state, fileId, data, lineCount, insert);
  } catch (error) {
    throw new SqlPathError(error);
  }
}

async function runBatch(target: IngestTarget, state: ReadState, fileId: number, data: Buffer, lineCount: number, insert: BatchInsert): Promise<boolean> {
  const connection = target.connection;
  const path = join(target.sqlParser!.stagingDir, 'batch.txt');
  await writeFile(path, numberLines(data, lineCount));
  const batch = { file_id: fileId, base: state.lineCount, count: lineCount };
  const inserted = Number((await connection.run(insert.sql, { path, file_id: fileId, base: batch.base, ...insert.params })).rowsChanged);
  const leftovers = inserted < lineCount ? (await connection.runAndReadAll(LEFTOVER_SQL, { path, ...batch })).getRows() : [];
  if (inserted + leftovers.length !== lineCount) {
    await connection.run(DELETE_BATCH_SQL, batch);
    return false;
  }
  state.summary.events += inserted;
  await noteFutureLines(target, state, batch);
  for (const [n, line] of leftovers) loadLine(target, state, fileId, String(line), batch.base + Number(n));
  state.lineCount = batch.base + lineCount;
  return true;
}

/** Notes the rows SQL loaded with a time after the future limit. Run before the JS parser adds the batch's other lines. */
async function noteFutureLines(target: IngestTarget, state: ReadState, batch: { file_id: number; base: number; count: number }): Promise<void> {
  const future = timestampValue(new Date(target.ingestedAt.getTime() + FUTURE_SLACK_MS));
  const params = { file_id: batch.file_id, from: batch.base + 1, to: batch.base + batch.count, future };
  const [late, firstLate] = (await target.connection.runAndReadAll(FUTURE_SQL, params)).getRows()[0]!;
  if (Number(late) > 0) noteLine(state.summary, 'future', Number(firstLate), Number(late));
}

/** Returns the parameters that date a batch's lines. A yearless syslog stamp takes the year that puts it at or before a day after the reference. */
function timeParameters(parser: SqlParser, state: ReadState): Record<string, DuckDBValue> {
  const latest = new Date(state.reference.getTime() + 24 * 3600 * 1000);
  return { zone: parser.zone, year: state.reference.getFullYear(), latest: formatLocalTime(latest) };
}

/** Loads a batch of classic or syslog lines through SQL (sql-parse.ts), as loadBatchInSql does. */
export function loadLinesInSql(target: IngestTarget, state: ReadState, fileId: number, data: Buffer, lineCount: number): Promise<boolean> {
  const params = { host: target.host, ...timeParameters(target.sqlParser!, state) };
  return loadBatchInSql(target, state, fileId, data, lineCount, { sql: INSERT_SERVICE_SQL, params });
}
