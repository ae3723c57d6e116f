/** Renders query results as an aligned table, a JSON array or CSV. */
import { formatLocalTime } from './local-time.js';
import { renderTable } from './table.js';

export type OutputFormat = 'table' | 'json' | 'csv';

export interface OutputColumn {
  /** The result column's name, also the JSON key and CSV header. */
  key: string;
  /** The row object's key for the column's value, when it differs from `key`. */
  field?: string;
  /** The table header. */
  header: string;
  align?: 'left' | 'right';
}

export interface FormatOptions {
  json?: boolean;
  csv?: boolean;
}

export function outputFormat(options: FormatOptions): OutputFormat {
  if (options.json) return 'json';
  return options.csv ? 'csv' : 'table';
}

/** Converts a DuckDB JS value to plain JSON: times as UTC ISO 8601, big integers as numbers when safe. */
export function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(jsonValue);
  return value ?? null;
}

function tableCell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return formatLocalTime(value);
  if (Array.isArray(value)) return value.map(tableCell).join(',');
  if (typeof value === 'number' && !Number.isInteger(value)) return value.toFixed(1);
  return String(value);
}

function csvCell(value: unknown): string {
  const plain = jsonValue(value);
  if (plain === null) return '';
  const text = Array.isArray(plain) ? plain.join(',') : String(plain);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cellOf(row: Record<string, unknown>, column: OutputColumn): unknown {
  return row[column.field ?? column.key];
}

/** Renders rows in the requested format; every format lists the columns in the same order. */
export function renderRows(format: OutputFormat, columns: readonly OutputColumn[], rows: readonly Record<string, unknown>[]): string {
  if (format === 'json') {
    const objects = rows.map((row) => Object.fromEntries(columns.map((column) => [column.key, jsonValue(cellOf(row, column))])));
    return JSON.stringify(objects, null, 2) + '\n';
  }
  if (format === 'csv') {
    const lines = [columns.map((column) => column.key).join(','), ...rows.map((row) => columns.map((column) => csvCell(cellOf(row, column))).join(','))];
    return lines.join('\n') + '\n';
  }
  return renderTable(columns, rows.map((row) => columns.map((column) => tableCell(cellOf(row, column)))));
}

/**
 * Returns the row object keys of a result with these column names. The DuckDB clients
 * (read-client.ts and @duckdb/node-api 1.5) key a repeated name as `a:1`, `a:2`, ….
 */
function rowKeysOf(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count > 0 ? `${name}:${count}` : name;
  });
}

/**
 * Returns an output name for each column: the name itself, and for a name that an earlier
 * column already took, the name with the first suffix `_2`, `_3`, … that no column has.
 * Names are compared without case, as SQL identifiers and the upper-case table header
 * are, so `a` and `A` are also kept apart.
 */
export function uniqueColumnNames(names: readonly string[]): string[] {
  const resultNames = new Set(names.map((name) => name.toLowerCase()));
  const used = new Set<string>();
  const isFree = (name: string): boolean => !resultNames.has(name.toLowerCase()) && !used.has(name.toLowerCase());
  return names.map((name) => {
    let unique = name;
    if (used.has(name.toLowerCase())) {
      let suffix = 2;
      while (!isFree(`${name}_${suffix}`)) suffix++;
      unique = `${name}_${suffix}`;
    }
    used.add(unique.toLowerCase());
    return unique;
  });
}

/**
 * Returns columns named after the result itself, for `logq query`. Numbers are
 * right-aligned. A repeated name gets a suffix (see uniqueColumnNames), the same in every format.
 */
export function columnsOf(names: readonly string[], firstRow: Record<string, unknown> | undefined): OutputColumn[] {
  const keys = uniqueColumnNames(names);
  const fields = rowKeysOf(names);
  return names.map((_, index) => {
    const key = keys[index]!;
    const field = fields[index]!;
    const value = firstRow?.[field];
    const numeric = typeof value === 'number' || typeof value === 'bigint';
    return { key, field, header: key.toUpperCase(), align: numeric ? 'right' : 'left' };
  });
}
