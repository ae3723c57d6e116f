/** Runs a query and returns its rows as plain objects. */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

export async function selectRows(connection: DuckDBConnection, sql: string, params: Record<string, DuckDBValue> = {}): Promise<Row[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as Row[];
}

export function toNumber(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

export function toStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
