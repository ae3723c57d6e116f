/**
 * Appends rows to a DuckDB table one data chunk at a time. The node-api appender makes
 * one native call per value, while a chunk writes numbers, timestamps, enums and NULLs
 * into JavaScript typed arrays and makes native calls only for strings. Appending
 * 1,000,000 synthetic events rows took 4.1 s this way and 6.1 s value by value
 * (@duckdb/node-api 1.5.6-r.1, Node 20, 2 cores, one trial each).
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { DuckDBDataChunk } from './duckdb.js';

/** DuckDB's STANDARD_VECTOR_SIZE, the maximum number of rows in one data chunk. */
const CHUNK_ROWS = 2048;

export class ChunkAppender {
  private readonly columns: DuckDBValue[][];
  private rowCount = 0;

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly types: readonly DuckDBType[],
  ) {
    this.columns = types.map(() => new Array<DuckDBValue>(CHUNK_ROWS));
  }

  /** Opens an appender on `table`. Each row must list every column, in table order. */
  static async create(connection: DuckDBConnection, table: string): Promise<ChunkAppender> {
    const appender = await connection.createAppender(table);
    const types: DuckDBType[] = [];
    for (let column = 0; column < appender.columnCount; column++) types.push(appender.columnType(column));
    return new ChunkAppender(appender, types);
  }

  addRow(values: readonly DuckDBValue[]): void {
    if (values.length !== this.columns.length) {
      throw new Error(`row has ${values.length} values, but the table has ${this.columns.length} columns`);
    }
    for (let column = 0; column < values.length; column++) this.columns[column]![this.rowCount] = values[column]!;
    this.rowCount++;
    if (this.rowCount === CHUNK_ROWS) this.flush();
  }

  flush(): void {
    if (this.rowCount === 0) return;
    const count = this.rowCount;
    const chunk = DuckDBDataChunk.create(this.types, count);
    chunk.setColumns(count === CHUNK_ROWS ? this.columns : this.columns.map((values) => values.slice(0, count)));
    this.appender.appendDataChunk(chunk);
    this.rowCount = 0;
  }

  /** Flushes the last rows and closes the appender. The rows commit with the caller's transaction. */
  close(): void {
    this.flush();
    this.appender.closeSync();
  }
}
