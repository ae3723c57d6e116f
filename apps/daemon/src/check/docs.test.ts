import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeAttributes } from '#config';
import { describe, expect, it } from 'vitest';

const DOC = readFileSync(fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url)), 'utf8');

/** Returns the status cell of an attribute's row in the table of docs/configuration.md. */
function statusOf(name: string): string | undefined {
  const row = DOC.split('\n').find((line) => line.startsWith(`| \`${name}\``));
  return row?.split('|').at(-2)?.trim();
}

describe('docs/configuration.md', () => {
  it.each(describeAttributes().map((info) => [info.name, info.support] as const))('gives the status of %s', (name, support) => {
    const status = statusOf(name);
    expect(status).toBeDefined();
    if (support === 'not-enforced') expect(status).toBe('parsed, not yet enforced');
    if (support === 'unsupported') expect(status).toBe('not supported');
    if (support === 'enforced') expect(status).toMatch(/^enforced/);
  });
});
