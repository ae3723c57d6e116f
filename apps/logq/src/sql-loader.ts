/**
 * Runs the SQL fast path (sql-parse.ts) on one batch of lines: stages the bytes in a
 * file, lets DuckDB split, parse and insert them, then passes the lines it left over to
 * the JavaScript parser with their line numbers.
 */
import { writeFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import { FUTURE_SLACK_MS, loadLine, noteLine, type IngestTarget, type ReadState } from './ingest-file.js';
import { formatLocalTime } from './local-time.js';
import { timestampValue } from './records.js';
import { FUTURE_SQL, INSERT_SERVICE_SQL, LEFTOVER_SQL, STAGE_SQL } from './sql-parse.js';

export interface SqlParser {
  /** A private directory for the staged batch, removed when the ingest ends. */
  stagingDir: string;
  /** The IANA zone that classic stamps are read in: the zone logq runs in. */
  zone: string;
}

/**
 * Tests whether DuckDB's CSV reader, set up as STAGE_SQL sets it, reads a batch as one
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
 * Loads a batch through SQL, and the lines SQL leaves over through the JS parser. Returns
 * false, having loaded nothing, when DuckDB's reader saw another number of lines than
 * `lineCount`; the caller then loads the batch through the JS parser.
 */
export async function loadLinesInSql(target: IngestTarget, state: ReadState, fileId: number, data: Buffer, lineCount: number): Promise<boolean> {
  try {
    return await runSqlPath(target, state, fileId, data, lineCount);
  } catch (error) {
    throw new SqlPathError(error);
  }
}

/**
 * Stages the batch and returns how many lines DuckDB read, and the rowid of the first:
 * inside a transaction a new table's rowids do not start at 0, but they follow file order.
 */
async function stage(target: IngestTarget, data: Buffer): Promise<{ count: number; first: DuckDBValue }> {
  const path = join(target.sqlParser!.stagingDir, 'batch.txt');
  await writeFile(path, data);
  await target.connection.run(STAGE_SQL, { path });
  const counted = await target.connection.runAndReadAll('SELECT count(*), min(rowid) FROM staged');
  const [count, first] = counted.getRows()[0]!;
  return { count: Number(count), first: first ?? 0n };
}

/** Returns the parameters that date a batch's lines. A yearless syslog stamp takes the year that puts it at or before a day after the reference. */
function timeParameters(parser: SqlParser, state: ReadState): Record<string, DuckDBValue> {
  const latest = new Date(state.reference.getTime() + 24 * 3600 * 1000);
  return { zone: parser.zone, year: state.reference.getFullYear(), latest: formatLocalTime(latest) };
}

async function runSqlPath(target: IngestTarget, state: ReadState, fileId: number, data: Buffer, lineCount: number): Promise<boolean> {
  const connection = target.connection;
  const { count, first } = await stage(target, data);
  if (count !== lineCount) return false;
  const base = state.lineCount;
  const inserted = await connection.run(INSERT_SERVICE_SQL, { file_id: fileId, base, host: target.host, first, ...timeParameters(target.sqlParser!, state) });
  state.summary.events += Number(inserted.rowsChanged);

  const future = timestampValue(new Date(target.ingestedAt.getTime() + FUTURE_SLACK_MS));
  const [late, firstLate] = (await connection.runAndReadAll(FUTURE_SQL, { file_id: fileId, from: base + 1, to: base + lineCount, future })).getRows()[0]!;
  if (Number(late) > 0) noteLine(state.summary, 'future', Number(firstLate), Number(late));

  const leftovers = await connection.runAndReadAll(LEFTOVER_SQL, { first });
  for (const [n, line] of leftovers.getRows()) loadLine(target, state, fileId, String(line), base + Number(n));
  state.lineCount = base + lineCount;
  return true;
}
