/**
 * How many rows a question prints. A terminal table stops at TABLE_ROWS_DEFAULT rows and
 * ends with the number it left out, because tens of thousands of rows do not fit on a screen
 * and converting them is most of a command's time. JSON and CSV are for programs, so
 * they get every row unless --limit sets a number.
 */
import type { OutputFormat } from './output.js';

export const TABLE_ROWS_DEFAULT = 50;

export interface LimitOptions {
  limit?: number;
  all?: boolean;
}

/** Returns the number of rows to print, or undefined for every row. */
export function rowLimit(options: LimitOptions, format: OutputFormat): number | undefined {
  if (options.all) return undefined;
  if (options.limit !== undefined) return options.limit;
  return format === 'table' ? TABLE_ROWS_DEFAULT : undefined;
}

/** Returns the line under a table that was cut short: how many rows it left out and how to print them. */
export function leftOutLine(shown: number, total: number): string {
  const left = total - shown;
  return `... ${left} more ${left === 1 ? 'row' : 'rows'} not shown (${total} in all): --limit N prints N rows, --all prints every row\n`;
}
