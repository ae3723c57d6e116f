import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { formatProgramLine, formatServiceLine, type ServiceEvent } from '#logformat';
import { makeTempDir, removeTempDirs, runLogq } from '../../test-support/run.js';
import { escapeHtml, jsonForScript } from './escape.js';

afterEach(removeTempDirs);

const BASE = new Date(2026, 11, 4, 10, 0, 0).getTime();

function line(offsetSeconds: number, event: ServiceEvent): string {
  return formatServiceLine(new Date(BASE + offsetSeconds * 1000), event);
}

async function database(lines: string[], messages: string[] = []): Promise<string> {
  const dir = makeTempDir();
  writeFileSync(join(dir, 'services.log'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'xinetd.log'), messages.join('\n') + (messages.length > 0 ? '\n' : ''));
  const db = join(dir, 'logq.duckdb');
  expect((await runLogq(['ingest', '--db', db, join(dir, 'services.log'), join(dir, 'xinetd.log')])).status).toBe(0);
  return db;
}

function sampleLines(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    lines.push(line(i * 60, { event: 'START', service: 'ftp', pid: 100 + i, source: { ip: `10.0.0.${i % 4}` } }));
    lines.push(line(i * 60 + 5, { event: 'EXIT', service: 'ftp', pid: 100 + i, status: i % 10 === 0 ? 1 : 0, signal: null, durationMs: 5000 }));
    lines.push(line(i * 60 + 7, { event: 'FAIL', service: 'telnet', reason: 'address', source: { ip: '198.51.100.9' } }));
  }
  lines.push(line(2400, { event: 'USERID', service: 'ftp', text: 'UNIX : alice' }));
  return lines;
}

describe('logq report', () => {
  test('writes every panel with data', async () => {
    const message = formatProgramLine(new Date(BASE + 100_000), 'xinetd', 7, { severity: 'NOTICE', text: 'Reconfigured: new=0 old=2 dropped=0 (services)' });
    const db = await database(sampleLines(), [message]);
    const output = join(makeTempDir(), 'report.html');
    const result = await runLogq(['report', '--db', db, '-o', output]);
    expect(result.status).toBe(0);
    const html = readFileSync(output, 'utf8');
    // Checked on the markup without the inlined scripts, so a failure does not print Chart.js.
    const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
    for (const id of ['chart-fails-time', 'chart-reasons', 'chart-services', 'chart-durations', 'chart-timeline']) expect(markup).toContain(`id="${id}"`);
    expect(markup).toContain('<td class="addr">198.51.100.9</td><td class="num">40</td>');
    // ftp: 40 sessions of 5 s, 4 of them with status 1.
    expect(markup).toContain('<td>ftp</td><td class="num">40</td><td class="num">5 s</td><td class="num">5 s</td><td class="num">5 s</td><td class="num">4</td>');
    expect(markup.match(/<p class="empty">[^<]*/g) ?? []).toEqual([]);
    expect(markup).not.toMatch(/<(link|img|iframe)\b|\b(src|href)=/i);
  });

  test('expired entries leave the apply count', async () => {
    // The report uses suggest's default ban time of one day after the last failure.
    const db = await database(sampleLines());
    const soon = await runLogq(['report', '--db', db, '-o', '-'], { now: new Date(BASE + 3600 * 1000) });
    expect(soon.stdout).toContain('<div class="card alert"><b>1</b><span>no_access entries to apply</span></div>');

    const later = await runLogq(['report', '--db', db, '-o', '-'], { now: new Date(BASE + 30 * 24 * 3600 * 1000) });
    expect(later.stdout).toContain('<div class="card"><b>0</b><span>no_access entries to apply</span></div>');
    expect(later.stdout).toContain('<span class="tag expired">');
  });

  test('week buckets start on Mondays', async () => {
    const lines = [];
    for (let day = 0; day < 200; day += 2) lines.push(line(day * 86_400, { event: 'FAIL', service: 'telnet', reason: 'address', source: { ip: '198.51.100.9' } }));
    const result = await runLogq(['report', '--db', await database(lines), '-o', '-']);
    const data = JSON.parse(/<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(result.stdout)?.[1] ?? '{}');

    expect(data.failsOverTime.bucketLabel).toBe('week');
    for (const label of data.failsOverTime.labels as string[]) expect(new Date(`${label}T12:00:00`).getDay(), label).toBe(1);
  });

  test('size does not grow with the number of events', async () => {
    const small = await database(sampleLines());
    const many = [...sampleLines()];
    for (let i = 0; i < 3000; i++) many.push(line(3000 + i, { event: 'FAIL', service: 'telnet', reason: 'address', source: { ip: `192.0.2.${i % 250}` } }));
    const large = await database(many);
    const sizes = [];
    for (const db of [small, large]) {
      const result = await runLogq(['report', '--db', db, '-o', '-']);
      sizes.push(result.stdout.length);
    }
    expect(sizes[1]! - sizes[0]!).toBeLessThan(30_000);
  });

  test('--service and --since narrow the report', async () => {
    const db = await database(sampleLines());
    const result = await runLogq(['report', '--db', db, '-o', '-', '--service', 'ftp']);
    expect(result.stdout).toContain('No FAIL events in this range.');
    expect(result.stdout).toContain(', service ftp');
    const late = await runLogq(['report', '--db', db, '-o', '-', '--since', '2027-01-01']);
    expect(late.stdout).toContain('No connections in this range.');
  });

  test('missing output directory is an input error', async () => {
    const db = await database(sampleLines());
    const result = await runLogq(['report', '--db', db, '-o', join(makeTempDir(), 'missing', 'report.html')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('[LOGQ_WRITE_FAILED]');
  });
});

describe('escaping', () => {
  test('escapeHtml covers markup and both quotes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  test('jsonForScript cannot close its element', () => {
    const text = jsonForScript({ label: '</script><!-- \u2028' });
    expect(text).not.toMatch(/[<>\u2028]/);
    expect(JSON.parse(text)).toEqual({ label: '</script><!-- \u2028' });
  });
});
