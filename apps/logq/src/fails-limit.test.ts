import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { formatServiceLine } from '#logformat';
import { makeTempDir, removeTempDirs, runLogq } from '../test-support/run.js';

// The tests run with TZ=Asia/Kolkata (vitest.config.ts).
const NOW = new Date(2026, 11, 4, 20, 0, 0);
const SOURCES = 60;

let db = '';

/** Source 10.0.1.N fails N times, so the table ranks them from .60 down to .1. */
function failLines(): string[] {
  const lines: string[] = [];
  for (let source = 1; source <= SOURCES; source++) {
    for (let time = 0; time < source; time++) {
      const when = new Date(NOW.getTime() - (source * 100 + time) * 1000);
      lines.push(formatServiceLine(when, { event: 'FAIL', service: 'telnet', reason: 'address', source: { ip: `10.0.1.${source}` } }));
    }
  }
  return lines;
}

beforeAll(async () => {
  const dir = makeTempDir();
  db = join(dir, 'logq.duckdb');
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, failLines().join('\n') + '\n');
  const result = await runLogq(['ingest', '--db', db, file]);
  expect(result.status).toBe(0);
});

afterAll(removeTempDirs);

function fails(...args: string[]): ReturnType<typeof runLogq> {
  return runLogq(['fails', '--db', db, ...args], { now: NOW });
}

function tableSources(stdout: string): string[] {
  return stdout
    .trimEnd()
    .split('\n')
    .slice(1)
    .filter((line) => !line.startsWith('...'))
    .map((line) => line.split(/\s+/)[0]!);
}

test('fails table stops at 50 rows', async () => {
  const result = await fails();

  expect(result.status).toBe(0);
  const lines = result.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1 + 50 + 1);
  expect(tableSources(result.stdout)[0]).toBe('10.0.1.60');
  expect(tableSources(result.stdout)[49]).toBe('10.0.1.11');
  expect(lines.at(-1)).toBe('... 10 more rows not shown (60 in all): --limit N prints N rows, --all prints every row');
});

test('fails --limit cuts the table', async () => {
  const result = await fails('--limit', '3');

  expect(tableSources(result.stdout)).toEqual(['10.0.1.60', '10.0.1.59', '10.0.1.58']);
  expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('... 57 more rows not shown (60 in all): --limit N prints N rows, --all prints every row');
});

test('fails --all prints every row', async () => {
  const result = await fails('--all');

  expect(tableSources(result.stdout)).toHaveLength(SOURCES);
  expect(result.stdout).not.toContain('not shown');
});

test('fails table within the limit has no closing line', async () => {
  const exact = await fails('--limit', '60');
  expect(tableSources(exact.stdout)).toHaveLength(SOURCES);
  expect(exact.stdout).not.toContain('not shown');

  const oneLeft = await fails('--limit', '59');
  expect(oneLeft.stdout.trimEnd().split('\n').at(-1)).toBe('... 1 more row not shown (60 in all): --limit N prints N rows, --all prints every row');
});

test('fails --json and --csv print every row', async () => {
  const json = await fails('--json');
  const groups = JSON.parse(json.stdout) as { source: string; count: number }[];
  expect(groups).toHaveLength(SOURCES);
  expect(groups.at(-1)).toMatchObject({ source: '10.0.1.1', count: 1 });

  const csv = await fails('--csv');
  const lines = csv.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(1 + SOURCES);
  expect(lines[0]).toBe('source,service,reasons,count,first_seen,last_seen');
  expect(csv.stdout).not.toContain('not shown');
});

test('fails --limit applies to --json and --csv', async () => {
  const json = await fails('--json', '--limit', '2');
  expect((JSON.parse(json.stdout) as { source: string }[]).map((group) => group.source)).toEqual(['10.0.1.60', '10.0.1.59']);

  const csv = await fails('--csv', '--limit', '2');
  expect(csv.stdout.trimEnd().split('\n')).toHaveLength(3);
});

test('fails rejects --all with --limit', async () => {
  const result = await fails('--all', '--limit', '5');

  expect(result.status).toBe(2);
  expect(result.stderr).toContain("option '--all' cannot be used with option '--limit <n>'");
});

test('fails rejects a --limit below 1', async () => {
  for (const value of ['0', '-3', '2.5', 'ten']) {
    const result = await fails('--limit', value);
    expect({ value, status: result.status }).toEqual({ value, status: 2 });
    expect(result.stderr).toContain('Expected a whole number of 1 or more.');
  }
});
