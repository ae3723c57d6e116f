/** Runs the JSONL SQL path (sql-jsonl.ts) on one batch of lines, through loadBatchInSql. */
import type { IngestTarget, ReadState } from './ingest-file.js';
import { loadBatchInSql, readableAsLines } from './sql-loader.js';
import { INSERT_JSONL_SQL } from './sql-jsonl.js';

/** Tests whether a batch may take the JSONL SQL path: it starts with `{` and is readable as lines (sql-loader.ts). */
export function canParseJsonlInSql(data: Buffer): boolean {
  return data[0] === 0x7b && readableAsLines(data);
}

/** Loads a JSONL batch through SQL, and the lines SQL leaves over through the JS parser, as loadBatchInSql does. */
export function loadJsonlInSql(target: IngestTarget, state: ReadState, fileId: number, data: Buffer, lineCount: number): Promise<boolean> {
  return loadBatchInSql(target, state, fileId, data, lineCount, { sql: INSERT_JSONL_SQL, params: { host: target.host } });
}
