/**
 * A small DuckDB client over @duckdb/node-bindings for the question commands. Loading
 * @duckdb/node-api 1.5.6 means compiling about 160 CommonJS files, which took 60–70 ms per
 * command on the 2-core machine of docs/BENCHMARKS.md, against 20–30 ms for the bindings
 * alone. The method names match node-api's connection and result, so the question code
 * and the schema check read the same either way. A result with a column type that
 * chunk-rows.ts does not convert (DECIMAL, DATE, STRUCT, …) is handed to node-api,
 * which is loaded only then.
 */
import { createRequire } from 'node:module';
import type * as Bindings from '@duckdb/node-bindings';
import { appendChunkRows, isReadableType } from './chunk-rows.js';

const require = createRequire(import.meta.url);
const bindings = require('@duckdb/node-bindings') as typeof Bindings;

/** A value bound to a `$name` parameter. A number binds as INTEGER, BIGINT or DOUBLE, as node-api binds it. */
export type QueryParam = string | number | bigint | boolean | Date | readonly string[] | null;

export type QueryParams = Record<string, QueryParam>;

/** The rows of one statement, read whole. */
export interface ReadResult {
  /** The result's column names, as DuckDB gives them (duplicates included). */
  columnNames(): string[];
  getRows(): unknown[][];
  /** Row objects keyed by column name, a repeated name getting `:1`, `:2`, … as in node-api. */
  getRowObjectsJS(): Record<string, unknown>[];
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function listParam(items: readonly string[]): Bindings.Value {
  const varchar = bindings.create_logical_type(bindings.Type.VARCHAR);
  return bindings.create_list_value(varchar, items.map((item) => bindings.create_varchar(item)));
}

function bindNumber(prepared: Bindings.PreparedStatement, index: number, value: number): void {
  if (!Number.isInteger(value)) bindings.bind_double(prepared, index, value);
  else if (value >= INT32_MIN && value <= INT32_MAX) bindings.bind_int32(prepared, index, value);
  else bindings.bind_int64(prepared, index, BigInt(value));
}

function bindParam(prepared: Bindings.PreparedStatement, index: number, value: QueryParam): void {
  if (value === null) bindings.bind_null(prepared, index);
  else if (typeof value === 'string') bindings.bind_varchar(prepared, index, value);
  else if (typeof value === 'number') bindNumber(prepared, index, value);
  else if (typeof value === 'bigint') bindings.bind_hugeint(prepared, index, value);
  else if (typeof value === 'boolean') bindings.bind_boolean(prepared, index, value);
  else if (value instanceof Date) bindings.bind_timestamp_tz(prepared, index, { micros: BigInt(value.getTime()) * 1000n });
  else bindings.bind_value(prepared, index, listParam(value));
}

function bindParams(prepared: Bindings.PreparedStatement, params: QueryParams): void {
  for (const [name, value] of Object.entries(params)) bindParam(prepared, bindings.bind_parameter_index(prepared, name), value);
}

/** Names the columns as node-api's row objects do: the second `a` becomes `a:1`. */
function deduplicate(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count > 1 ? `${name}:${count - 1}` : name;
  });
}

class ChunkResult implements ReadResult {
  constructor(
    private readonly names: string[],
    private readonly rows: Record<string, unknown>[],
  ) {}

  columnNames(): string[] {
    return this.names;
  }

  getRows(): unknown[][] {
    return this.rows.map((row) => Object.values(row));
  }

  getRowObjectsJS(): Record<string, unknown>[] {
    return this.rows;
  }
}

/** Reads every chunk of a result, or lets node-api convert it when a column type needs that. */
async function readResult(result: Bindings.Result): Promise<ReadResult> {
  const columnCount = bindings.column_count(result);
  const names = Array.from({ length: columnCount }, (_, column) => bindings.column_name(result, column));
  const types = names.map((_, column) => bindings.column_logical_type(result, column));
  if (!types.every((type) => isReadableType(bindings, type))) return readWithNodeApi(result);

  const keys = deduplicate(names);
  const rows: Record<string, unknown>[] = [];
  for (let chunk = await bindings.fetch_chunk(result); chunk && bindings.data_chunk_get_size(chunk) > 0; chunk = await bindings.fetch_chunk(result)) {
    appendChunkRows(bindings, chunk, keys, types, rows);
  }
  return new ChunkResult(names, rows);
}

async function readWithNodeApi(result: Bindings.Result): Promise<ReadResult> {
  const api = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const reader = new api.DuckDBResultReader(new api.DuckDBMaterializedResult(result));
  await reader.readAll();
  return { columnNames: () => reader.columnNames(), getRows: () => reader.getRowsJS(), getRowObjectsJS: () => reader.getRowObjectsJS() };
}

/** A prepared statement, kept only long enough to read its type. */
export interface PreparedInfo {
  statementType: Bindings.StatementType;
  destroySync(): void;
}

/** A connection to one DuckDB database, with the subset of node-api's DuckDBConnection that the questions use. */
export class ReadConnection {
  constructor(
    private readonly database: Bindings.Database,
    private readonly connection: Bindings.Connection,
  ) {}

  /**
   * Runs `sql`. Without params it may hold several statements. With params, every
   * statement but the last runs unbound and the last gets the params, as in node-api.
   */
  private async execute(sql: string, params?: QueryParams): Promise<Bindings.Result> {
    if (params === undefined) return bindings.query(this.connection, sql);
    const { extracted_statements: extracted, statement_count: count } = await bindings.extract_statements(this.connection, sql);
    if (count === 0) throw new Error(`Failed to extract statements: ${bindings.extract_statements_error(extracted)}`);
    for (let index = 0; index < count - 1; index++) await this.executePrepared(await bindings.prepare_extracted_statement(this.connection, extracted, index), {});
    return this.executePrepared(await bindings.prepare_extracted_statement(this.connection, extracted, count - 1), params);
  }

  private async executePrepared(prepared: Bindings.PreparedStatement, params: QueryParams): Promise<Bindings.Result> {
    try {
      bindParams(prepared, params);
      return await bindings.execute_prepared(prepared);
    } finally {
      bindings.destroy_prepare_sync(prepared);
    }
  }

  async run(sql: string, params?: QueryParams): Promise<void> {
    await this.execute(sql, params);
  }

  async runAndReadAll(sql: string, params?: QueryParams): Promise<ReadResult> {
    return readResult(await this.execute(sql, params));
  }

  async prepare(sql: string): Promise<PreparedInfo> {
    const prepared = await bindings.prepare(this.connection, sql);
    return { statementType: bindings.prepared_statement_type(prepared), destroySync: () => bindings.destroy_prepare_sync(prepared) };
  }

  closeSync(): void {
    bindings.disconnect_sync(this.connection);
    bindings.close_sync(this.database);
  }
}

/** Opens a database file, or `:memory:`, with DuckDB configuration options such as `access_mode`. */
export async function openReadConnection(path: string, options: Record<string, string> = {}): Promise<ReadConnection> {
  const config = bindings.create_config();
  bindings.set_config(config, 'duckdb_api', 'node-neo-api');
  for (const [name, value] of Object.entries(options)) bindings.set_config(config, name, value);
  const database = await bindings.open(path, config);
  return new ReadConnection(database, await bindings.connect(database));
}

/** Returns the name of a statement type, such as INSERT. */
export function statementTypeName(type: Bindings.StatementType): string {
  return bindings.StatementType[type];
}

export const SELECT_STATEMENT = bindings.StatementType.SELECT;
