/** Aligned plain-text tables for the terminal: a header row, then one row per result. */

export interface Column {
  header: string;
  /** Right-aligned columns suit numbers. */
  align?: 'left' | 'right';
}

const GAP = '  ';

function pad(text: string, width: number, align: Column['align']): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

/** Renders the rows under their headers, each column as wide as its widest cell, with no trailing spaces. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  // A loop, not Math.max(...cells): spreading a large result would overflow the call stack.
  const widths = columns.map((column, index) =>
    rows.reduce((width, row) => Math.max(width, (row[index] ?? '').length), column.header.length),
  );
  const renderRow = (cells: readonly string[]): string =>
    columns
      .map((column, index) => pad(cells[index] ?? '', widths[index]!, column.align))
      .join(GAP)
      .trimEnd();
  const lines = [renderRow(columns.map((column) => column.header)), ...rows.map(renderRow)];
  return lines.join('\n') + '\n';
}
