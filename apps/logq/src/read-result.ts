/**
 * Reads a question's result chunk by chunk. Only the rows that will be printed are
 * converted to JS values: the rest of the result is counted from the chunks' row
 * counts, which costs no conversion, so a table cut at 50 rows stays fast on a result
 * of tens of thousands.
 */
import type { DuckDBConnection, DuckDBDataChunk, DuckDBValue } from '@duckdb/node-api';
import { JSDuckDBValueConverter } from './duckdb.js';

export interface ResultRows {
  columnNames: string[];
  /** The converted rows: all of them, or the first `limit`. */
  rows: Record<string, unknown>[];
  /** The number of rows in the whole result. */
  total: number;
}

function appendRows(chunk: DuckDBDataChunk, names: readonly string[], count: number, rows: Record<string, unknown>[]): void {
  const vectors = names.map((_, index) => chunk.getColumnVector(index));
  for (let row = 0; row < count; row++) {
    const object: Record<string, unknown> = {};
    for (const [index, name] of names.entries()) {
      const vector = vectors[index]!;
      object[name] = JSDuckDBValueConverter(vector.getItem(row), vector.type, JSDuckDBValueConverter);
    }
    rows.push(object);
  }
}

/** Runs `sql` and converts its first `limit` rows (every row without a limit). */
export async function readResult(
  connection: DuckDBConnection,
  sql: string,
  params: Record<string, DuckDBValue>,
  limit?: number,
): Promise<ResultRows> {
  const result = await connection.stream(sql, params);
  const columnNames = result.columnNames();
  const rows: Record<string, unknown>[] = [];
  let total = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const wanted = limit === undefined ? chunk.rowCount : Math.min(chunk.rowCount, limit - rows.length);
    if (wanted > 0) appendRows(chunk, columnNames, wanted, rows);
    total += chunk.rowCount;
  }
  return { columnNames, rows, total };
}
