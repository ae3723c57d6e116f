import { expect, test } from 'vitest';
import { formatLocalTime } from './local-time.js';
import { renderTable } from './table.js';

test('renderTable aligns columns', () => {
  const text = renderTable(
    [{ header: 'NAME' }, { header: 'N', align: 'right' }, { header: 'NOTE' }],
    [
      ['a', '1', ''],
      ['longer name', '1234', 'x'],
    ],
  );

  expect(text).toBe(['NAME            N  NOTE', 'a               1', 'longer name  1234  x', ''].join('\n'));
});

test('renderTable prints headers without rows', () => {
  expect(renderTable([{ header: 'A' }, { header: 'B' }], [])).toBe('A  B\n');
});

test('formatLocalTime pads every field', () => {
  expect(formatLocalTime(new Date(2006, 4, 4, 3, 2, 1))).toBe('2006-05-04 03:02:01');
});
