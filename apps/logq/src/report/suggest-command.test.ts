import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { formatServiceLine } from '#logformat';
import { makeTempDir, removeTempDirs, runLogq } from '../../test-support/run.js';
import { shellQuote } from './suggest-command.js';

afterEach(removeTempDirs);

const BASE = new Date(2026, 11, 4, 10, 0, 0).getTime();
const NOW = new Date(BASE + 3600 * 1000);

/** Ten FAIL lines, one a second, for each address and service. */
function failLines(sources: readonly { ip: string; service: string }[]): string[] {
  const lines: string[] = [];
  for (const { ip, service } of sources) {
    for (let i = 0; i < 10; i++) lines.push(formatServiceLine(new Date(BASE + i * 1000), { event: 'FAIL', service, reason: 'address', source: { ip } }));
  }
  return lines;
}

async function database(dir: string, lines: string[]): Promise<string> {
  const log = join(dir, 'services.log');
  writeFileSync(log, lines.join('\n') + '\n');
  const db = join(dir, 'logq.duckdb');
  expect((await runLogq(['ingest', '--db', db, log])).status).toBe(0);
  return db;
}

/** Returns the report's panel of suggested entries. */
function suggestionsPanel(html: string): string {
  return /<section class="panel wide" id="suggestions">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
}

/** Returns the words of the report's suggest command, split by a real shell. */
function commandWords(html: string): string[] {
  const text = /<pre class="apply">([^<]*)<\/pre>/.exec(suggestionsPanel(html))?.[1] ?? '';
  const command = text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const output = execFileSync('sh', ['-c', `set -- ${command}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  return output.split('\0').slice(0, -1);
}

/** Runs the report's command, writing to a file of the test's instead of /etc/xinetd.d and reloading nothing. */
async function runCommand(words: string[], dir: string): Promise<string> {
  expect(words.slice(0, 2)).toEqual(['logq', 'suggest']);
  const write = words.indexOf('--write');
  expect(words.slice(write)).toEqual(['--write', '/etc/xinetd.d/00-logq-no-access', '--reload', '/run/xinetd.pid']);
  const target = join(dir, 'no-access');
  const result = await runLogq([...words.slice(1, write), '--write', target], { now: NOW, env: { HOME: dir } });
  expect(result.stderr).not.toContain('[LOGQ_');
  expect(result.status).toBe(0);
  return readFileSync(target, 'utf8');
}

function entries(fragment: string): string[] {
  return [...fragment.matchAll(/no_access \+= (\S+)/g)].map((match) => match[1]!).sort();
}

test('command includes loopback the report lists', async () => {
  const dir = makeTempDir();
  const db = await database(dir, failLines([{ ip: '127.0.0.5', service: 'telnet' }, { ip: '198.51.100.9', service: 'telnet' }]));
  const report = await runLogq(['report', '--db', db, '-o', '-', '--include-loopback'], { now: NOW });
  expect(suggestionsPanel(report.stdout)).toContain('<td class="addr">127.0.0.5</td>');

  const words = commandWords(report.stdout);
  expect(words).toContain('--include-loopback');
  expect(entries(await runCommand(words, dir))).toEqual(['127.0.0.5', '198.51.100.9']);
});

test('command leaves loopback out when none is listed', async () => {
  const dir = makeTempDir();
  const db = await database(dir, failLines([{ ip: '127.0.0.5', service: 'telnet' }, { ip: '198.51.100.9', service: 'telnet' }]));
  const report = await runLogq(['report', '--db', db, '-o', '-'], { now: NOW });
  expect(suggestionsPanel(report.stdout)).not.toContain('<td class="addr">127.0.0.5</td>');
  expect(suggestionsPanel(report.stdout)).toContain('<code>127.0.0.5</code>');

  const words = commandWords(report.stdout);
  expect(words).not.toContain('--include-loopback');
  expect(entries(await runCommand(words, dir))).toEqual(['198.51.100.9']);
});

test('command keeps the filter and allow-list', async () => {
  const dir = makeTempDir();
  const sources = [
    { ip: '198.51.100.9', service: 'telnet' },
    { ip: '203.0.113.7', service: 'telnet' },
    { ip: '192.0.2.44', service: 'ftp' },
  ];
  const db = await database(dir, failLines(sources));
  const args = ['--db', db, '--service', 'telnet', '--since', '2026-12-04T09:00', '--allow', '203.0.113.0/24'];
  const report = await runLogq(['report', ...args, '-o', '-'], { now: NOW });
  expect(suggestionsPanel(report.stdout)).toContain('<td class="addr">198.51.100.9</td>');
  expect(suggestionsPanel(report.stdout)).not.toContain('<td class="addr">203.0.113.7</td>');
  expect(suggestionsPanel(report.stdout)).not.toContain('<td class="addr">192.0.2.44</td>');

  const words = commandWords(report.stdout);
  expect(words).toContain('--service');
  expect(words).toContain('203.0.113.0/24');
  expect(words[words.indexOf('--since') + 1]).toBe(new Date(2026, 11, 4, 9, 0, 0).toISOString());
  expect(entries(await runCommand(words, dir))).toEqual(['198.51.100.9']);
});

test('command quotes a database path for the shell', async () => {
  const dir = makeTempDir();
  const db = await database(dir, failLines([{ ip: '198.51.100.9', service: 'telnet' }]));
  const odd = join(dir, "it's <here> & now.duckdb");
  writeFileSync(odd, readFileSync(db));
  const report = await runLogq(['report', '--db', odd, '-o', '-'], { now: NOW });
  const words = commandWords(report.stdout);
  expect(words[words.indexOf('--db') + 1]).toBe(odd);
  expect(entries(await runCommand(words, dir))).toEqual(['198.51.100.9']);
});

test('shell quoting of words', () => {
  expect(shellQuote('/run/xinetd.pid')).toBe('/run/xinetd.pid');
  expect(shellQuote('a b')).toBe("'a b'");
  expect(shellQuote("it's")).toBe("'it'\\''s'");
  expect(shellQuote('')).toBe("''");
});
