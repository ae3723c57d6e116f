import { appendFileSync, copyFileSync, mkdirSync, readFileSync, renameSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, createGzip, gzipSync } from 'node:zlib';
import { afterEach, expect, test } from 'vitest';
import { SAMPLES } from '#logformat';
import { countRows, makeTempDir, query, removeTempDirs, runLogq } from '../test-support/run.js';

afterEach(removeTempDirs);

const NOW = new Date(2026, 11, 31, 12, 0, 0);

function setup(): { dir: string; db: string } {
  const dir = makeTempDir();
  return { dir, db: join(dir, 'logq.duckdb') };
}

function ingest(db: string, ...paths: string[]): ReturnType<typeof runLogq> {
  return runLogq(['ingest', '--db', db, ...paths], { now: NOW });
}

/** Numbered START lines, so every file has content of its own. */
function startLines(tag: string, from: number, count: number): string {
  let text = '';
  for (let i = from; i < from + count; i++) text += `26/12/4@10:00:${String(i % 60).padStart(2, '0')}: START: ${tag} pid=${i + 100} from=192.0.2.1\n`;
  return text;
}

async function totals(db: string): Promise<{ events: number; rejects: number }> {
  return { events: await countRows(db, 'events'), rejects: await countRows(db, 'rejects') };
}

test('every sample line form loads as an event', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'mixed.log');
  writeFileSync(file, SAMPLES.map((sample) => sample.line).join('\n') + '\n');
  utimesSync(file, NOW, NOW);

  const result = await ingest(db, file);

  expect(result.stdout).toContain(`${SAMPLES.length} lines read, ${SAMPLES.length} events, 0 rejects`);
  expect(await countRows(db, 'events', "kind = 'FAIL' AND reason = 'connections per second'")).toBe(1);
  expect(await countRows(db, 'events', "kind = 'MESSAGE'")).toBeGreaterThanOrEqual(4);
  expect(await countRows(db, 'events', "source_ip LIKE '::ffff:%'")).toBe(0);
});

test('gzip file loads like its text', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'old.log.gz');
  writeFileSync(file, gzipSync(startLines('gz', 0, 5)));

  const result = await ingest(db, file);

  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`${file}: 5 lines read, 5 events`);
});

/** Compresses `text` and flushes, without the gzip trailer: a file cut right after `text`. */
async function gzipWithoutEnd(text: string): Promise<Buffer> {
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  gzip.write(text);
  await new Promise<void>((resolve) => gzip.flush(constants.Z_SYNC_FLUSH, () => resolve()));
  gzip.destroy();
  return Buffer.concat(chunks);
}

test('truncated gzip reports damage, not a held-back line', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'cut-mid-line.log.gz');
  writeFileSync(file, await gzipWithoutEnd(startLines('cut', 0, 3) + '26/12/4@10:00:00: START: cu'));

  const result = await ingest(db, file);

  expect(result.stderr).toContain(`${file}: gzip data is truncated or corrupt`);
  expect(result.stdout).toContain('3 lines read');
  expect(result.stdout).not.toContain('held back');
});

test('truncated gzip keeps the lines before the damage', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'cut.log.gz');
  const whole = gzipSync(startLines('cut', 0, 2000));
  writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));

  const result = await ingest(db, file);

  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`${file}: gzip data is truncated or corrupt`);
  expect(result.stderr).toContain('[LOGQ_FILE_READ_FAILED]');
  const match = /(\d+) lines read, (\d+) events, (\d+) rejects, (\d+) foreign/.exec(result.stdout);
  expect(match).not.toBeNull();
  const [, lines, events, rejects, foreign] = match!.map(Number);
  expect(lines).toBeGreaterThan(0);
  expect(lines).toBeLessThan(2000);
  expect(lines).toBe(events! + rejects! + foreign!);
  expect(await countRows(db, 'events')).toBe(events);
});

test('truncated gzip copy of a loaded log adds nothing', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, startLines('once', 0, 2000));
  await ingest(db, file);
  const copy = join(dir, 'xinetd.log.1.gz');
  const whole = gzipSync(readFileSync(file));
  writeFileSync(copy, whole.subarray(0, Math.floor(whole.length / 2)));

  const result = await ingest(db, copy);

  expect(result.stderr).toContain(`${copy}: gzip data is truncated or corrupt`);
  expect(result.stderr).toContain(`The lines before it were already loaded from ${file}`);
  expect(result.stdout).toContain(': 0 lines read, 0 events');
  expect(await countRows(db, 'events')).toBe(2000);
});

test('truncated gzip copy past a loaded copy says which lines are new', async () => {
  const { dir, db } = setup();
  const head = join(dir, 'head.log');
  writeFileSync(head, startLines('part', 0, 100));
  await ingest(db, head);
  const copy = join(dir, 'xinetd.log.1.gz');
  const whole = gzipSync(startLines('part', 0, 2000));
  writeFileSync(copy, whole.subarray(0, Math.floor(whole.length / 2)));

  const result = await ingest(db, copy);

  const match = /the first 100 already from (\S+), the other (\d+) now/.exec(result.stderr);
  expect(match?.[1]).toBe(head);
  expect(Number(match?.[2])).toBeGreaterThan(0);
  expect(await countRows(db, 'events')).toBe(100 + Number(match?.[2]));
});

test('older shorter copy of a loaded log adds nothing', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, startLines('old', 0, 10));
  const copy = join(dir, 'backup.log');
  copyFileSync(file, copy);
  appendFileSync(file, startLines('old', 10, 5));
  await ingest(db, file);

  const first = await ingest(db, copy);
  appendFileSync(copy, startLines('later', 0, 2));
  const second = await ingest(db, copy);

  expect(first.stdout).toContain(`${copy}: 0 lines read`);
  expect(first.stdout).toMatch(/its first \d+ bytes were already loaded from .*xinetd\.log, which had the same content then/);
  expect(second.stdout).toContain(`${copy}: 2 lines read`);
  expect(await countRows(db, 'events')).toBe(17);
  expect(await query(db, "SELECT line_number FROM events WHERE service = 'later' ORDER BY line_number")).toEqual([
    { line_number: 11n },
    { line_number: 12n },
  ]);
});

test('copy between a loaded shorter and longer copy adds nothing', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, startLines('mid', 0, 55));
  await ingest(db, file);
  const short = join(dir, 'short.log');
  writeFileSync(short, startLines('mid', 0, 10));
  await ingest(db, short);
  const backup = join(dir, 'xinetd.log.bak');
  writeFileSync(backup, startLines('mid', 0, 30));

  const result = await ingest(db, backup);

  expect(result.stdout).toContain(`${backup}: 0 lines read`);
  expect(result.stdout).toContain(`were already loaded from ${file}, which had the same content then`);
  expect(await countRows(db, 'events')).toBe(55);
});

test('shorter file with other lines loads them all', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, startLines('long', 0, 10));
  await ingest(db, file);
  const other = join(dir, 'other.log');
  writeFileSync(other, startLines('long', 0, 1) + startLines('short', 1, 3));

  const result = await ingest(db, other);

  expect(result.stdout).toContain(`${other}: 4 lines read, 4 events`);
  expect(await countRows(db, 'events')).toBe(14);
});

test('directories and quoted patterns expand, each file once', async () => {
  const { dir, db } = setup();
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  writeFileSync(join(logs, 'a.log'), startLines('a', 0, 2));
  writeFileSync(join(logs, 'b.log'), startLines('b', 0, 3));
  writeFileSync(join(logs, 'c.txt'), startLines('c', 0, 4));

  const result = await ingest(db, logs, join(logs, '*.log'), join(dir, '**', 'c.*'));

  expect(result.status).toBe(0);
  expect(result.stdout).toContain('database');
  expect(result.stdout).toContain('9 lines read, 9 events');
  expect(await countRows(db, 'files')).toBe(3);
});

test('copy of a loaded file adds nothing', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, startLines('copy', 0, 10));
  await ingest(db, file);
  const copy = join(dir, 'copy.log');
  copyFileSync(file, copy);

  const result = await ingest(db, copy);

  expect(result.stdout).toContain(`${copy}: 0 lines read`);
  expect(result.stdout).toContain(`were already loaded from ${file}, which had the same content then`);
  expect(await countRows(db, 'events')).toBe(10);
});

test('copy with more lines loads only those', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, startLines('grow', 0, 10));
  await ingest(db, file);
  appendFileSync(file, startLines('grow', 10, 5));
  const copy = join(dir, 'copy.log');
  copyFileSync(file, copy);
  appendFileSync(file, startLines('grow', 15, 2));

  const first = await ingest(db, copy);
  const second = await ingest(db, file);

  expect(first.stdout).toContain(`${copy}: 5 lines read`);
  expect(second.stdout).toContain(`${file}: 2 lines read`);
  expect(await countRows(db, 'events')).toBe(17);
  expect(await countRows(db, '(SELECT DISTINCT pid FROM events)')).toBe(17);
});

test('rotation by rename then gzip counts each line once', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, startLines('rot', 0, 10));
  await ingest(db, file);
  appendFileSync(file, startLines('rot', 10, 3));
  renameSync(file, `${file}.1`);
  writeFileSync(`${file}.1.gz`, gzipSync(readFileSync(`${file}.1`)));
  writeFileSync(file, startLines('new', 0, 4));

  const result = await ingest(db, `${file}.1.gz`, `${file}.1`, file);

  expect(result.stdout).toContain(`${file}.1.gz: 3 lines read`);
  expect(result.stdout).toContain(`${file}.1: 0 lines read`);
  expect(result.stdout).toContain(`${file}: 4 lines read`);
  expect(await countRows(db, 'events')).toBe(17);
});

test('copytruncate rotation counts each line once', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, startLines('ct', 0, 10));
  await ingest(db, file);
  appendFileSync(file, startLines('ct', 10, 2));
  copyFileSync(file, `${file}.1`);
  truncateSync(file, 0);
  appendFileSync(file, startLines('after', 0, 3));

  const result = await ingest(db, file, `${file}.1`);

  expect(result.stdout).toContain(`${file}: 3 lines read`);
  expect(result.stdout).toContain(`${file}.1: 2 lines read`);
  expect(await countRows(db, 'events')).toBe(15);
});

test('source that is not an address is a reject', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'sources.log');
  const lines = [
    '26/12/4@10:00:00: FAIL: svc address from=notanip',
    '26/12/4@10:00:01: FAIL: svc address from=10.0.0.5 trailing words',
    '26/12/4@10:00:02: FAIL: svc address from=10.0.0.256',
    '26/12/4@10:00:03: START: svc pid=4 from=1:2::3::4',
    '26/12/4@10:00:04: START: svc pid=5 from=<no address>',
    '26/12/4@10:00:05: FAIL: svc address from=2001:db8::1',
    '{"time":"2026-12-04T10:00:06Z","event":"FAIL","service":"svc","reason":"address","source":{"ip":"bogus"}}',
  ];
  writeFileSync(file, lines.join('\n') + '\n');

  for (const parser of ['sql', 'js']) {
    const dbOfParser = `${db}.${parser}`;
    const result = await runLogq(['ingest', '--db', dbOfParser, file], { now: NOW, env: parser === 'js' ? { LOGQ_PARSER: 'js' } : {} });

    expect(result.stdout).toContain(`${file}: 7 lines read, 2 events, 5 rejects, 0 foreign`);
    const rejects = await query(dbOfParser, 'SELECT line_number, reason FROM rejects ORDER BY line_number');
    expect(rejects.map((row) => row.line_number)).toEqual([1n, 2n, 3n, 4n, 7n]);
    expect(rejects[1]?.reason).toBe('source address "10.0.0.5 trailing words" is not an IP address');
    expect(await query(dbOfParser, 'SELECT source_ip FROM events ORDER BY line_number')).toEqual([{ source_ip: null }, { source_ip: '2001:db8::1' }]);
  }
});

test('line over 1 MiB is cut and noted', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'long.log');
  writeFileSync(file, `26/12/4@10:00:00: START: ok pid=1\n26/12/4@10:00:01: FAIL: svc address from=10.0.0.9 ${'A'.repeat(2 << 20)}\n`);

  const result = await ingest(db, file);

  expect(result.stdout).toContain(`${file}: 2 lines read, 1 event, 1 reject, 0 foreign`);
  expect(result.stdout).toContain('1 line (first at line 2) longer than 1048576 bytes, stored cut to that length');
  const [reject] = await query(db, 'SELECT reason, text LIKE \'%[logq: line cut at 1048576 of %\' AS cut FROM rejects');
  expect(reject?.reason).toMatch(/^source address "10\.0\.0\.9 AAAA.*…" is not an IP address$/);
  expect(reject?.cut).toBe(true);
});

test('bad lines are rejects and counts add up', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'bad.log');
  const long = 'x'.repeat(1 << 20);
  const parts = [
    Buffer.from('26/12/4@10:00:00: START: ok pid=1 from=192.0.2.1\n'),
    Buffer.from(`${long}\n`),
    Buffer.from('26/12/4@10:00:01: START: caf'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from(' pid=2\n'),
    Buffer.from('[1,2,3]\n'),
    Buffer.from('"text"\n'),
    Buffer.from('{"time":"2031-01-01T00:00:00Z","event":"START","service":"late","pid":3,"source":{"ip":"192.0.2.3"}}\n'),
    Buffer.from('Dec  4 10:00:00 gw sshd[5]: Accepted password\n'),
  ];
  writeFileSync(file, Buffer.concat(parts));

  const result = await ingest(db, file);

  expect(result.stdout).toContain(`${file}: 7 lines read, 3 events, 3 rejects, 1 foreign`);
  expect(result.stdout).toContain('1 line (first at line 3) with bytes that are not UTF-8');
  expect(result.stdout).toContain('1 event (first at line 6) dated more than a day after now');
  const rejects = await query(db, 'SELECT line_number, length(text) AS length, reason FROM rejects WHERE NOT is_foreign ORDER BY line_number');
  expect(rejects.map((row) => row.line_number)).toEqual([2n, 4n, 5n]);
  expect(Number(rejects[0]?.length)).toBe(1 << 20);
  expect(rejects[1]?.reason).toBe('not a JSON object');
  expect(await totals(db)).toEqual({ events: 3, rejects: 4 });
});

test('shrunk file is read again and says why', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'shrink.log');
  writeFileSync(file, startLines('big', 0, 10));
  await ingest(db, file);
  writeFileSync(file, startLines('small', 0, 2));

  const result = await ingest(db, file);

  expect(result.stdout).toContain(`${file}: 2 lines read, 2 events`);
  expect(result.stdout).toContain('read again from the start because it is');
});

test('syslog year rolls from December into January', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'syslog');
  writeFileSync(file, 'Dec 31 23:59:59 gw xinetd[1]: START: a pid=2 from=192.0.2.1\nJan  1 00:00:01 gw xinetd[1]: EXIT: a status=0 pid=2 duration=2(sec)\n');
  const mtime = new Date(2027, 0, 1, 0, 10);
  utimesSync(file, mtime, mtime);

  await ingest(db, file);

  const rows = await query(db, 'SELECT year(time) AS year FROM events ORDER BY line_number');
  expect(rows.map((row) => Number(row.year))).toEqual([2026, 2027]);
  const [session] = await query(db, 'SELECT duration_ms, status FROM sessions');
  expect(session).toEqual({ duration_ms: 2000, status: 0 });
});

test('--host names the host of file-log lines', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'x.log');
  writeFileSync(file, startLines('h', 0, 1) + 'Dec  4 10:00:00 other xinetd[1]: START: s pid=2\n');

  await runLogq(['ingest', '--db', db, '--host', 'web1', file], { now: NOW });

  const rows = await query(db, 'SELECT host FROM events ORDER BY line_number');
  expect(rows.map((row) => row.host)).toEqual(['web1', 'other']);
});

test('summary reports time and rate', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'x.log');
  writeFileSync(file, startLines('r', 0, 3));

  const result = await ingest(db, file);

  expect(result.stdout).toMatch(/3 lines read, 3 events, 0 rejects, 0 foreign in \d+\.\d\d s \([\d,]+ lines\/s\)\n$/);
});
