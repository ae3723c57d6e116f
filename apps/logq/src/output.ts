/** Renders query results as an aligned table, a JSON array or CSV. */
import { formatLocalTime } from './local-time.js';
import { renderTable } from './table.js';

export type OutputFormat = 'table' | 'json' | 'csv';

export interface OutputColumn {
  /** The result column's name, also the JSON key and CSV header. */
  key: string;
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

/** Renders rows in the requested format; every format lists the columns in the same order. */
export function renderRows(format: OutputFormat, columns: readonly OutputColumn[], rows: readonly Record<string, unknown>[]): string {
  if (format === 'json') {
    const objects = rows.map((row) => Object.fromEntries(columns.map((column) => [column.key, jsonValue(row[column.key])])));
    return JSON.stringify(objects, null, 2) + '\n';
  }
  if (format === 'csv') {
    const lines = [columns.map((column) => column.key).join(','), ...rows.map((row) => columns.map((column) => csvCell(row[column.key])).join(','))];
    return lines.join('\n') + '\n';
  }
  return renderTable(columns, rows.map((row) => columns.map((column) => tableCell(row[column.key]))));
}

/** Columns named after the result itself, for `logq query`; numbers are right-aligned. */
export function columnsOf(names: readonly string[], firstRow: Record<string, unknown> | undefined): OutputColumn[] {
  return names.map((name) => {
    const value = firstRow?.[name];
    const numeric = typeof value === 'number' || typeof value === 'bigint';
    return { key: name, header: name.toUpperCase(), align: numeric ? 'right' : 'left' };
  });
}
