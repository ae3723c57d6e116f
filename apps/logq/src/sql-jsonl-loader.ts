/**
 * Runs the JSONL SQL path (sql-jsonl.ts) on one batch of lines. It stages the bytes in a
 * file and lets DuckDB read the lines of the daemon's shape into events. Then it passes
 * the other lines to the JavaScript parser with their line numbers.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FUTURE_SLACK_MS, loadLine, noteLine, type IngestTarget, type ReadState } from './ingest-file.js';
import { timestampValue } from './records.js';
import { SqlPathError, readableAsLines } from './sql-loader.js';
import { COUNT_JSONL_SQL, INSERT_JSONL_SQL, LEFTOVER_JSONL_SQL, STAGE_JSONL_SQL } from './sql-jsonl.js';

/** Tests whether a batch may take the JSONL SQL path: it starts with `{` and is readable as lines (sql-loader.ts). */
export function canParseJsonlInSql(data: Buffer): boolean {
  return data[0] === 0x7b && readableAsLines(data);
}

/**
 * Loads a JSONL batch through SQL, and the lines SQL leaves over through the JS parser.
 * Returns false, having loaded nothing, when DuckDB's reader saw another number of lines
 * than `lineCount`, and the caller then loads the batch through the JS parser.
 */
export async function loadJsonlInSql(target: IngestTarget, state: ReadState, fileId: number, data: Buffer, lineCount: number): Promise<boolean> {
  try {
    return await runJsonlPath(target, state, fileId, data, lineCount);
  } catch (error) {
    throw new SqlPathError(error);
  }
}

async function runJsonlPath(target: IngestTarget, state: ReadState, fileId: number, data: Buffer, lineCount: number): Promise<boolean> {
  const connection = target.connection;
  const path = join(target.sqlParser!.stagingDir, 'batch.jsonl');
  await writeFile(path, data);
  await connection.run(STAGE_JSONL_SQL, { path });
  // Inside a transaction a new table's rowids do not start at 0, but they follow file order.
  const [count, firstRowid] = (await connection.runAndReadAll('SELECT count(*), min(rowid) FROM staged_jsonl')).getRows()[0]!;
  if (Number(count) !== lineCount) return false;
  const first = firstRowid ?? 0n;

  const base = state.lineCount;
  await connection.run(INSERT_JSONL_SQL, { file_id: fileId, base, host: target.host, first });

  const future = timestampValue(new Date(target.ingestedAt.getTime() + FUTURE_SLACK_MS));
  const counts = (await connection.runAndReadAll(COUNT_JSONL_SQL, { future, first })).getRows()[0]!;
  state.summary.events += Number(counts[0]);
  if (Number(counts[1]) > 0) noteLine(state.summary, 'future', base + Number(counts[2]), Number(counts[1]));

  const leftovers = await connection.runAndReadAll(LEFTOVER_JSONL_SQL, { first });
  for (const [n, line] of leftovers.getRows()) loadLine(target, state, fileId, String(line), base + Number(n));
  state.lineCount = base + lineCount;
  return true;
}
