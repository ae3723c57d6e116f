import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { SAMPLES } from '#logformat';
import { makeTempDir, query, removeTempDirs, runLogq } from '../test-support/run.js';

afterAll(removeTempDirs);

// Lines at the edges of what the SQL fast path accepts: each must load exactly as the
// JavaScript parser loads it, whether SQL reads it or hands it back.
const EDGE_LINES = [
  '26/12/4@10:00:00: START: big pid=99999999999 from=192.0.2.1',
  '26/2/30@10:00:00: START: nodate pid=1 from=192.0.2.1',
  '26/12/4@10:00:60: START: leap pid=1 from=192.0.2.1',
  '26/12/4@10:00:00: FAIL: svc nonsense from=192.0.2.1',
  '26/12/4@10:00:00: FAIL: svc connections per second',
  '26/12/4@10:00:00: EXIT: svc status=-1 pid=3',
  '26/12/4@10:00:00: EXIT: svc',
  '26/12/4@10:00:00: TRAFFIC: r in=99999999999999999999(bytes) out=1(bytes)',
  '26/12/4@10:00:00: NOID: svc <no address> no server',
  '26/12/4@10:00:00: START: v6 pid=5 from=::FFFF:10.0.0.1',
  '26/12/4@10:00:00: USERID: svc ',
  '99/1/1@00:00:00: START: old pid=1 from=192.0.2.1',
  'Feb 29 10:00:00 gw xinetd[1]: START: leap pid=1 from=192.0.2.1',
  'Dec  4 10:00:00 xinetdhost xinetd[1]: START: odd pid=1',
  'Dec  4 10:00:00 gw xinetd[99999999999]: START: wp pid=1',
  'Dec  4 10:00:00 gw xinetd[7]: Started working: 3 available services',
  'Dec  4 10:00:00 gw sshd[7]: START: not ours pid=1',
  '',
  '{"time":"2026-12-04T10:00:00Z","event":"START","service":"s","pid":1.5,"source":{"ip":"1.2.3.4"}}',
  '{"time":"2026-12-04T10:00:00Z","event":"START","service":"s","pid":"7","source":{"ip":""}}',
  '{"time":"2026-12-04T10:00:00Z","event":"START","service":"s","pid":3000000000}',
  '{"time":"2026-12-04T10:00:00Z","event":"FAIL","service":"s","reason":"address","source":{"ip":"<no address>","port":70000}}',
  '{"time":"2026-12-04T10:00:00Z","event":"FAIL","service":"s","reason":"address","source":["x"]}',
  '{"time":"2026-12-04T10:00:00.5Z","event":"EXIT","service":"s","pid":2,"status":null,"signal":9,"duration_ms":1.25}',
  '{"time":"2026-12-04T10:00:00Z","event":"TRAFFIC","service":"s","bytes_in":-1,"bytes_out":2}',
  '{"time":"2026-12-04T10:00:00Z","event":"TRAFFIC","service":"s","bytes_in":9007199254740993,"bytes_out":2}',
  '{"time":1764842400000,"event":"MESSAGE","severity":"NOTICE","msg":"numeric time"}',
  '{"time":"2026-12-04 10:00:00","event":"MESSAGE","severity":"LOUD","msg":"other time"}',
  '{"time":"2026-12-04T10:00:00Z","event":"MESSAGE","severity":"ERROR","text":7,"msg":"m","host":5}',
  '{"time":"2026-12-04T10:00:00Z","event":"BOOT"}',
  '{"time":"2026-12-04T10:00:00Z","event":"START"',
];

const COLUMNS = `line_number, epoch_ms(time) AS time, host, kind::VARCHAR AS kind, service, pid, source_ip, source_port, reason,
  status, signal, duration_ms, text, severity::VARCHAR AS severity, bytes_in, bytes_out, writer_pid, form::VARCHAR AS form, line`;

async function load(parser: 'js' | 'sql', file: string): Promise<{ events: unknown[]; rejects: unknown[] }> {
  const db = join(makeTempDir(), 'logq.duckdb');
  const env = { LOGQ_PARSER: parser };
  const result = await runLogq(['ingest', '--db', db, '--host', 'fallback', file], { env, now: new Date(2026, 11, 31) });
  expect(result.stderr).toBe('');
  return {
    events: await query(db, `SELECT ${COLUMNS} FROM events ORDER BY line_number`),
    rejects: await query(db, 'SELECT line_number, text, reason, is_foreign FROM rejects ORDER BY line_number'),
  };
}

test('SQL and JS parsers load the same rows', async () => {
  const file = join(makeTempDir(), 'mixed.log');
  writeFileSync(file, [...SAMPLES.map((sample) => sample.line), ...EDGE_LINES].join('\n') + '\n');

  const js = await load('js', file);
  const sql = await load('sql', file);

  expect(sql.events).toEqual(js.events);
  expect(sql.rejects).toEqual(js.rejects);
  expect(js.events.length).toBeGreaterThan(SAMPLES.length);
});
