/** Number, time and duration formats of the report's tables. */
import { formatLocalTime } from '../local-time.js';
import { escapeHtml } from './escape.js';

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** Formats a duration in milliseconds as `850 ms`, `42 s`, `3 min 5 s` or `2 h 10 min`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

export function formatTime(time: Date | null): string {
  return time === null ? '-' : formatLocalTime(time);
}

/** Renders strings as escaped tags. */
export function tags(values: readonly string[], limit = 6): string {
  const shown = values.slice(0, limit).map((value) => `<span class="tag">${escapeHtml(value)}</span>`);
  if (values.length > limit) shown.push(`<span class="tag">+${values.length - limit} more</span>`);
  return shown.join('');
}

export interface TableColumn<T> {
  header: string;
  numeric?: boolean;
  time?: boolean;
  address?: boolean;
  /** Returns the cell's HTML, already escaped. */
  cell: (row: T) => string;
}

export function renderHtmlTable<T>(columns: readonly TableColumn<T>[], rows: readonly T[]): string {
  const className = (column: TableColumn<T>): string => {
    const names = [column.numeric ? 'num' : '', column.time ? 'time' : '', column.address ? 'addr' : ''].filter(Boolean);
    return names.length > 0 ? ` class="${names.join(' ')}"` : '';
  };
  const head = columns.map((column) => `<th${column.numeric ? ' class="num"' : ''}>${escapeHtml(column.header)}</th>`).join('');
  const body = rows.map((row) => `<tr>${columns.map((column) => `<td${className(column)}>${column.cell(row)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}
