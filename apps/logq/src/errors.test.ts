import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { ERROR_CODES } from './errors.js';
import { EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

test('every error code is documented', () => {
  for (const [code, status] of Object.entries(ERROR_CODES)) {
    expect(README).toContain(`| \`${code}\` | ${status} |`);
  }
});

test('every exit status is documented', () => {
  for (const status of [EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL]) {
    expect(README).toMatch(new RegExp(`^\\| ${status} \\| `, 'm'));
  }
});
