import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { SAMPLES } from '#logformat';
import { FIXTURES, countRows, makeTempDir, query, removeTempDirs, runLogq } from '../test-support/run.js';

afterEach(removeTempDirs);

function setup(): { dir: string; db: string } {
  const dir = makeTempDir();
  return { dir, db: join(dir, 'logq.duckdb') };
}

/** Copies a fixture and sets its mtime, which fixes the year of its syslog lines. */
function copyFixture(dir: string, name: string, mtime: Date): string {
  const path = join(dir, name);
  copyFileSync(join(FIXTURES, name), path);
  utimesSync(path, mtime, mtime);
  return path;
}

test('public file log loads all 55 START lines', async () => {
  const { dir, db } = setup();
  const file = copyFixture(dir, 'pnntprss-xinetd-filelog.log', new Date(2006, 5, 30));

  const result = await runLogq(['ingest', '--db', db, file]);

  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`${file}: 55 lines read, 55 events, 0 rejects, 0 foreign\n`);
  expect(result.stdout).toContain(`database ${db}: 55 lines read`);
  expect(await countRows(db, 'events')).toBe(55);
  expect(await countRows(db, 'events', "kind = 'START' AND service = 'pnntpfeed' AND source_ip = '127.0.0.1' AND form = 'file'")).toBe(55);
  expect(await countRows(db, 'rejects')).toBe(0);

  const [first] = await query(db, 'SELECT line_number, time, pid, line FROM events ORDER BY line_number LIMIT 1');
  expect(first?.line_number).toBe(1n);
  expect(first?.time).toEqual(new Date(2006, 4, 14, 20, 12, 53));
  expect(first?.pid).toBe(23981);
  expect(first?.line).toBe('06/5/14@20:12:53: START: pnntpfeed pid=23981 from=127.0.0.1');
});

test('fail2ban sample loads FAILs and keeps comments as rejects', async () => {
  const { dir, db } = setup();
  const file = copyFixture(dir, 'fail2ban-xinetd-fail.log', new Date(2005, 11, 31));

  const result = await runLogq(['ingest', '--db', db, file]);

  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`${file}: 4 lines read, 2 events, 2 rejects, 0 foreign\n`);
  const events = await query(db, 'SELECT line_number, time, host, kind, service, reason, source_ip, writer_pid, form FROM events ORDER BY line_number');
  expect(events).toEqual([
    {
      line_number: 2n,
      time: new Date(2005, 4, 15, 17, 38, 49),
      host: 'boo',
      kind: 'FAIL',
      service: 'telnet',
      reason: 'address',
      source_ip: '198.51.100.169',
      writer_pid: 16256,
      form: 'syslog',
    },
    {
      line_number: 4n,
      time: new Date(2005, 7, 3, 14, 38, 49),
      host: 'backup',
      kind: 'FAIL',
      service: 'amanda',
      reason: 'libwrap',
      source_ip: '198.51.100.223',
      writer_pid: 31234,
      form: 'syslog',
    },
  ]);

  const rejects = await query(db, 'SELECT line_number, path, text, is_foreign FROM rejects ORDER BY line_number');
  expect(rejects.map((row) => row.line_number)).toEqual([1n, 3n]);
  expect(rejects.every((row) => row.path === file)).toBe(true);
  expect(rejects.every((row) => String(row.text).startsWith('# failJSON: '))).toBe(true);
  expect(rejects.every((row) => row.is_foreign === false)).toBe(true);
});

test('mixed classic and JSONL file loads every form', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'mixed.log');
  const lines = [
    ...SAMPLES.map((sample) => sample.line),
    'Dec  4 19:52:00 gw sshd[4242]: Accepted publickey for root from 192.0.2.9 port 5022',
    'Dec  4 19:52:01 gw kernel: [ 12.345678] eth0: link up',
    'this line is not a log line',
    '26/12/4@19:52:02: START: crlf pid=77 from=192.0.2.77\r',
    '{"time":"2026-12-04T19:52:03Z","event":"START","service":"big","pid":99999999999}',
    '26/12/4@19:52:04: START: huge pid=99999999999 from=192.0.2.8',
  ];
  writeFileSync(file, lines.join('\n') + '\n');
  const mtime = new Date(2026, 11, 4, 20, 0, 0);
  utimesSync(file, mtime, mtime);

  const result = await runLogq(['ingest', '--db', db, file]);

  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`${file}: ${lines.length} lines read, ${SAMPLES.length + 1} events, 3 rejects, 2 foreign\n`);
  const stored = await query(db, 'SELECT line, kind::VARCHAR AS kind, form::VARCHAR AS form FROM events ORDER BY line_number');
  for (const [index, sample] of SAMPLES.entries()) {
    expect(stored[index]).toEqual({ line: sample.line, kind: sample.expected.kind ?? stored[index]?.kind, form: sample.form });
  }
  const crlf = await query(db, "SELECT pid, source_ip, line FROM events WHERE service = 'crlf'");
  expect(crlf).toEqual([{ pid: 77, source_ip: '192.0.2.77', line: '26/12/4@19:52:02: START: crlf pid=77 from=192.0.2.77\r' }]);

  const rejects = await query(db, 'SELECT line_number, is_foreign, reason FROM rejects ORDER BY line_number');
  const first = SAMPLES.length + 1;
  expect(rejects.map((row) => [row.line_number, row.is_foreign])).toEqual([
    [BigInt(first), true],
    [BigInt(first + 1), true],
    [BigInt(first + 2), false],
    [BigInt(first + 4), false],
    [BigInt(first + 5), false],
  ]);
  expect(rejects[3]?.reason).toBe('field pid is 99999999999, not a 32-bit integer');
  expect(rejects[4]?.reason).toBe('field pid is 99999999999, not a 32-bit integer');
});

test('re-ingest of unchanged file adds nothing', async () => {
  const { dir, db } = setup();
  const file = copyFixture(dir, 'pnntprss-xinetd-filelog.log', new Date(2006, 5, 30));
  await runLogq(['ingest', '--db', db, file]);

  const again = await runLogq(['ingest', '--db', db, file, file]);

  expect(again.status).toBe(0);
  expect(again.stdout).toContain(`${file}: 0 lines read, 0 events, 0 rejects, 0 foreign; no new lines since the last ingest, which read 3282 bytes\n`);
  expect(await countRows(db, 'events')).toBe(55);
  expect(await countRows(db, 'files')).toBe(1);
});

test('appended lines are read on the next ingest', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, '26/12/4@10:00:00: START: echo pid=1 from=192.0.2.1\n26/12/4@10:00:01: EXIT: echo status=0 pid=1 duration=1(sec)\n');
  await runLogq(['ingest', '--db', db, file]);
  const size = Buffer.byteLength('26/12/4@10:00:00: START: echo pid=1 from=192.0.2.1\n26/12/4@10:00:01: EXIT: echo status=0 pid=1 duration=1(sec)\n');

  appendFileSync(file, '26/12/4@10:00:02: FAIL: echo address from=192.0.2.2\n26/12/4@10:00:03: START: echo pid=2 from=192.0.2.3\n');
  const result = await runLogq(['ingest', '--db', db, file]);

  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`${file}: 2 lines read, 2 events, 0 rejects, 0 foreign; resumed at byte ${size}\n`);
  const rows = await query(db, 'SELECT line_number, kind::VARCHAR AS kind FROM events ORDER BY line_number');
  expect(rows).toEqual([
    { line_number: 1n, kind: 'START' },
    { line_number: 2n, kind: 'EXIT' },
    { line_number: 3n, kind: 'FAIL' },
    { line_number: 4n, kind: 'START' },
  ]);
  const [stored] = await query(db, 'SELECT byte_offset, line_count FROM files');
  expect(stored).toEqual({ byte_offset: BigInt(size + 103), line_count: 4n });
});

test('half-written last line waits for its newline', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, '26/12/4@10:00:00: START: echo pid=1 from=192.0.2.1\n26/12/4@10:00:01: START: ec');

  const first = await runLogq(['ingest', '--db', db, file]);

  expect(first.status).toBe(0);
  expect(first.stdout).toContain(`${file}: 1 line read, 1 event, 0 rejects, 0 foreign; held back an incomplete last line (27 bytes, no newline yet) for the next ingest\n`);
  expect(await countRows(db, 'events')).toBe(1);

  appendFileSync(file, 'ho pid=2 from=192.0.2.2\n');
  const second = await runLogq(['ingest', '--db', db, file]);

  expect(second.stdout).toContain(`${file}: 1 line read, 1 event, 0 rejects, 0 foreign; resumed at byte 51\n`);
  const rows = await query(db, 'SELECT line_number, service, pid FROM events ORDER BY line_number');
  expect(rows).toEqual([
    { line_number: 1n, service: 'echo', pid: 1 },
    { line_number: 2n, service: 'echo', pid: 2 },
  ]);
});

test('file with only a partial line is recorded at offset 0', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, '26/12/4@10:00:00: START: ec');

  const result = await runLogq(['ingest', '--db', db, file]);

  expect(result.stdout).toContain(`${file}: 0 lines read, 0 events, 0 rejects, 0 foreign; held back an incomplete last line (27 bytes, no newline yet)`);
  expect(await query(db, 'SELECT byte_offset, line_count, first_line_hash FROM files')).toEqual([
    { byte_offset: 0n, line_count: 0n, first_line_hash: null },
  ]);
});

test('unreadable inputs are reported while others load', async () => {
  const { dir, db } = setup();
  const good = join(dir, 'good.log');
  writeFileSync(good, '26/12/4@10:00:00: START: echo pid=1 from=192.0.2.1\n');
  const missing = join(dir, 'missing.log');
  const binary = join(dir, 'binary.log');
  writeFileSync(binary, Buffer.from('26/12/4@10:00:00: START\0\0\0 binary\n'));
  const gzip = join(dir, 'old.log.gz');
  writeFileSync(gzip, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x41, 0x42, 0x43, 0x44]));
  const directory = join(dir, 'logs');
  mkdirSync(directory);

  const result = await runLogq(['ingest', '--db', db, missing, binary, good, gzip, directory]);

  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`logq: ${missing}: file not found`);
  expect(result.stderr).toContain('[LOGQ_FILE_NOT_FOUND]');
  expect(result.stderr).toContain(`logq: ${binary}: binary file (NUL byte at offset 23)`);
  expect(result.stderr).toContain(`logq: ${gzip}: gzip data is truncated or corrupt`);
  expect(result.stderr).toContain(`logq: ${directory}: is a directory`);
  expect(result.stderr).toContain('[LOGQ_FILE_IS_DIRECTORY]');
  expect(result.stderr.match(/\[LOGQ_FILE_BINARY\]/g)).toHaveLength(1);
  expect(result.stdout).toContain(`${good}: 1 line read, 1 event, 0 rejects, 0 foreign\n`);
  expect(result.stdout).toContain('4 files not fully read');
  expect(await countRows(db, 'events')).toBe(1);
  expect(await query(db, 'SELECT path FROM files ORDER BY path')).toEqual([{ path: good }, { path: gzip }]);
});

test('FIFO is reported without blocking', async () => {
  const { dir, db } = setup();
  const fifo = join(dir, 'pipe.log');
  execFileSync('mkfifo', [fifo]);

  const result = await runLogq(['ingest', '--db', db, fifo]);

  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`logq: ${fifo}: not a regular file`);
  expect(result.stderr).toContain('[LOGQ_FILE_NOT_REGULAR]');
});

test('NUL bytes after the first 8000 bytes become rejects', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  const line = '26/12/4@10:00:00: START: echo pid=1 from=192.0.2.1\n';
  const head = line.repeat(Math.ceil(8000 / line.length));
  writeFileSync(file, Buffer.concat([Buffer.from(head), Buffer.from('\0\0\0\n'), Buffer.from(line)]));

  const result = await runLogq(['ingest', '--db', db, file]);

  const lineCount = head.split('\n').length - 1;
  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`${lineCount + 2} lines read, ${lineCount + 1} events, 1 reject, 0 foreign`);
  expect(await query(db, 'SELECT line_number, text FROM rejects')).toEqual([{ line_number: BigInt(lineCount + 1), text: '\0\0\0' }]);
});

test('truncated file is read again from the start', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, '26/12/4@10:00:00: START: a pid=1 from=192.0.2.1\n26/12/4@10:00:01: START: b pid=2 from=192.0.2.1\n');
  await runLogq(['ingest', '--db', db, file]);

  writeFileSync(file, '26/12/4@11:00:00: START: c pid=3 from=192.0.2.1\n');
  const result = await runLogq(['ingest', '--db', db, file]);

  expect(result.stdout).toContain(`${file}: 1 line read, 1 event, 0 rejects, 0 foreign; read again from the start because it is 48 bytes, smaller than the 96 bytes read before\n`);
  expect(await query(db, 'SELECT service FROM events ORDER BY file_id, line_number')).toEqual([
    { service: 'a' },
    { service: 'b' },
    { service: 'c' },
  ]);
  expect(await countRows(db, 'files')).toBe(2);
});

test('rewritten file with a new first line counts as new', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, '26/12/4@10:00:00: START: a pid=1 from=192.0.2.1\n');
  await runLogq(['ingest', '--db', db, file]);

  writeFileSync(file, '26/12/4@12:00:00: START: x pid=7 from=192.0.2.1\n26/12/4@12:00:01: START: y pid=8 from=192.0.2.1\n');
  const result = await runLogq(['ingest', '--db', db, file]);

  expect(result.stdout).toContain(`${file}: 2 lines read, 2 events, 0 rejects, 0 foreign; read again from the start because its first line changed\n`);
  expect(await countRows(db, 'events')).toBe(3);
});

test('rotated file is resumed under its new name', async () => {
  const { dir, db } = setup();
  const file = join(dir, 'xinetd.log');
  const rotated = join(dir, 'xinetd.log.1');
  writeFileSync(file, '26/12/4@10:00:00: START: a pid=1 from=192.0.2.1\n');
  await runLogq(['ingest', '--db', db, file]);

  appendFileSync(file, '26/12/4@10:00:05: START: b pid=2 from=192.0.2.1\n');
  renameSync(file, rotated);
  writeFileSync(file, '26/12/4@10:01:00: START: c pid=3 from=192.0.2.1\n');
  const result = await runLogq(['ingest', '--db', db, rotated, file]);

  expect(result.stdout).toContain(`${rotated}: 1 line read, 1 event, 0 rejects, 0 foreign; resumed at byte 48\n`);
  expect(result.stdout).toContain(`${file}: 1 line read, 1 event, 0 rejects, 0 foreign\n`);
  expect(await query(db, 'SELECT path, line_count FROM files ORDER BY id')).toEqual([
    { path: rotated, line_count: 2n },
    { path: file, line_count: 1n },
  ]);
  expect(await countRows(db, 'events')).toBe(3);
});

test('SQL-looking file name is stored as text', async () => {
  const { dir, db } = setup();
  const file = join(dir, "x'); DROP TABLE events; --.log");
  writeFileSync(file, 'not a log line\n26/12/4@10:00:00: START: a pid=1 from=192.0.2.1\n');

  const result = await runLogq(['ingest', '--db', db, file]);

  expect(result.status).toBe(0);
  expect(await query(db, 'SELECT path FROM files')).toEqual([{ path: file }]);
  expect(await query(db, 'SELECT path FROM rejects')).toEqual([{ path: file }]);
  expect(await countRows(db, 'events')).toBe(1);
});

test('default database path follows LOGQ_DB and XDG', async () => {
  const dir = makeTempDir();
  const file = join(dir, 'xinetd.log');
  writeFileSync(file, '26/12/4@10:00:00: START: a pid=1 from=192.0.2.1\n');

  const home = await runLogq(['ingest', file], { env: { HOME: dir } });
  const homeDb = join(dir, '.local', 'share', 'xinetd-ts', 'logq.duckdb');
  expect(home.stdout).toContain(`database ${homeDb}: `);
  expect(existsSync(homeDb)).toBe(true);

  const xdg = await runLogq(['ingest', file], { env: { HOME: dir, XDG_DATA_HOME: join(dir, 'data') } });
  expect(xdg.stdout).toContain(`database ${join(dir, 'data', 'xinetd-ts', 'logq.duckdb')}: `);

  const relativeXdg = await runLogq(['ingest', file], { env: { HOME: dir, XDG_DATA_HOME: 'relative/data' } });
  expect(relativeXdg.stdout).toContain(`database ${homeDb}: `);

  // Only the default path gets missing directories created (see db-path.test.ts).
  const explicit = join(dir, 'env', 'nested', 'q.duckdb');
  mkdirSync(dirname(explicit), { recursive: true });
  const env = await runLogq(['ingest', file], { env: { HOME: dir, LOGQ_DB: explicit } });
  expect(env.stdout).toContain(`database ${explicit}: `);

  const option = join(dir, 'option.duckdb');
  const flag = await runLogq(['ingest', '--db', option, file], { env: { HOME: dir, LOGQ_DB: explicit } });
  expect(flag.stdout).toContain(`database ${option}: `);
});
