import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { makeTempDir, removeTempDirs, runLogq } from '../test-support/run.js';

afterAll(removeTempDirs);

/** Writes the same STARTs (40 by default) as the daemon's file log and as its JSONL, in one directory. */
function writeBothLogs(pidOffset = 0, events = 40): { fileLog: string; jsonl: string } {
  const dir = makeTempDir();
  const fileLines: string[] = [];
  const jsonLines: string[] = [];
  for (let i = 0; i < events; i++) {
    // The file log's stamps are local time, so the JSONL stamps are made from the same local time.
    const time = new Date(2026, 11, 4, 10, 0, i, 250);
    fileLines.push(`26/12/4@10:00:${String(i).padStart(2, '0')}: START: echo pid=${100 + i} from=127.0.0.3`);
    jsonLines.push(JSON.stringify({ level: 30, time: time.toISOString(), event: 'START', service: 'echo', pid: 100 + i + pidOffset, source: { ip: '127.0.0.3', port: 5000 } }));
  }
  const fileLog = join(dir, 'services.log');
  const jsonl = join(dir, 'events.jsonl');
  writeFileSync(fileLog, fileLines.join('\n') + '\n');
  writeFileSync(jsonl, jsonLines.join('\n') + '\n');
  return { fileLog, jsonl };
}

test('both logs in one ingest warn once', async () => {
  const { fileLog, jsonl } = writeBothLogs();
  const result = await runLogq(['ingest', '--db', join(makeTempDir(), 'logq.duckdb'), fileLog, jsonl]);

  expect(result.status).toBe(0);
  const warnings = result.stderr.split('\n').filter((line) => line.includes('warning'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(`${fileLog}: 40 of its first 40 new events repeat events loaded from ${jsonl}`);
});

test('second log in a later ingest warns', async () => {
  const { fileLog, jsonl } = writeBothLogs();
  const db = join(makeTempDir(), 'logq.duckdb');
  expect((await runLogq(['ingest', '--db', db, jsonl])).stderr).toBe('');

  const later = await runLogq(['ingest', '--db', db, fileLog]);

  expect(later.stderr).toContain(`${fileLog}: 40 of its first 40 new events repeat events loaded from ${jsonl}`);
});

test('a first try of a dozen events warns', async () => {
  const { fileLog, jsonl } = writeBothLogs(0, 12);
  const result = await runLogq(['ingest', '--db', join(makeTempDir(), 'logq.duckdb'), fileLog, jsonl]);

  expect(result.stderr).toContain(`${fileLog}: 12 of its first 12 new events repeat events loaded from ${jsonl}`);
});

test('four events do not warn', async () => {
  const { fileLog, jsonl } = writeBothLogs(0, 4);
  const result = await runLogq(['ingest', '--db', join(makeTempDir(), 'logq.duckdb'), fileLog, jsonl]);

  expect(result.stderr).toBe('');
});

test('daemon messages in both logs warn', async () => {
  const dir = makeTempDir();
  const messageLog = join(dir, 'xinetd.log');
  const jsonl = join(dir, 'events.jsonl');
  const texts = Array.from({ length: 9 }, (_, i) => `service s${i} listening on 127.0.0.1:${17000 + i}/tcp`);
  writeFileSync(messageLog, texts.map((text, i) => `26/12/4@10:00:0${i} xinetd[900]: INFO: ${text}`).join('\n') + '\n');
  const events = texts.map((text, i) => ({ level: 30, time: new Date(2026, 11, 4, 10, 0, i, 500).toISOString(), event: 'MESSAGE', severity: 'INFO', msg: text }));
  writeFileSync(jsonl, events.map((event) => JSON.stringify(event)).join('\n') + '\n');

  const result = await runLogq(['ingest', '--db', join(makeTempDir(), 'logq.duckdb'), messageLog, jsonl]);

  expect(result.stderr).toContain(`${messageLog}: 9 of its first 9 new events repeat events loaded from ${jsonl}`);
});

test('other events do not warn', async () => {
  const { fileLog, jsonl } = writeBothLogs(1000);
  const result = await runLogq(['ingest', '--db', join(makeTempDir(), 'logq.duckdb'), fileLog, jsonl]);

  expect(result.stderr).toBe('');
});
