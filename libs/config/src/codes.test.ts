import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { DIAGNOSTIC_CODES } from './codes.js';

const SOURCE_DIR = fileURLToPath(new URL('.', import.meta.url));
const SKIPPED = new Set(['codes.ts', 'test-support.ts']);

function sourceFiles(): string[] {
  return readdirSync(SOURCE_DIR).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !SKIPPED.has(name));
}

function codesUsedIn(text: string): string[] {
  return [...text.matchAll(/'(CONFIG_[A-Z_]+)'/g)].map((match) => match[1] ?? '');
}

const used = new Set(sourceFiles().flatMap((name) => codesUsedIn(readFileSync(`${SOURCE_DIR}/${name}`, 'utf8'))));

describe('diagnostic code registry', () => {
  it('finds the codes in the source', () => {
    expect(used.size).toBeGreaterThan(30);
  });

  it.each([...used])('documents %s', (code) => {
    expect(Object.keys(DIAGNOSTIC_CODES)).toContain(code);
  });

  it.each(Object.entries(DIAGNOSTIC_CODES))('%s has a description and is used', (code, info) => {
    expect(info.description.length).toBeGreaterThan(20);
    expect(['error', 'warning', 'info']).toContain(info.severity);
    expect(used.has(code)).toBe(true);
  });
});
