import { describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH, oneLine } from './one-line.js';

describe('oneLine', () => {
  it.each([
    ['plain text', 'START: ftp pid=7 from=10.0.0.5', 'START: ftp pid=7 from=10.0.0.5'],
    ['newline and carriage return', 'a\nb\rc', 'a\\x0ab\\x0dc'],
    ['terminal escape and BEL', 'ev\u001b[31mil\u0007', 'ev\\x1b[31mil\\x07'],
    ['tab, DEL and a C1 control', 'a\tb\u007fc\u0085', 'a\\x09b\\x7fc\\x85'],
    ['Unicode line separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['Unicode spaces that \\s matches', 'a\u00a0b\u2007c\u3000d\ufeff', 'a\\xa0b\\u2007c\\u3000d\\ufeff'],
    ['printable non-ASCII', 'café ü 日本', 'café ü 日本'],
  ])('escapes %s', (_case, input, expected) => {
    expect(oneLine(input)).toBe(expected);
  });

  it('cuts long lines and says how much', () => {
    const line = oneLine('x'.repeat(MAX_LINE_LENGTH + 10));
    expect(line).toBe(`${'x'.repeat(MAX_LINE_LENGTH)}... [10 more characters]`);
  });

  it('keeps a line of exactly the maximum', () => {
    expect(oneLine('y'.repeat(MAX_LINE_LENGTH))).toHaveLength(MAX_LINE_LENGTH);
  });
});
