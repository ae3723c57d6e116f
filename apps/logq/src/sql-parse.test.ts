import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { SAMPLES } from '#logformat';
import { SHAPE_FLAGS_SQL } from './sql-parse.js';
import { canParseInSql, segmentsOf } from './sql-loader.js';
import { makeTempDir, removeTempDirs } from '../test-support/run.js';
import { expectSameRows as expectSameRowsIn, load, shapeFlags, type Loaded } from '../test-support/parsers.js';
import { fuzzRuns, fuzzTimeout } from '../../../test/support/fuzz.js';

afterAll(removeTempDirs);

// Lines at the edges of what the SQL path accepts: each must load exactly as the
// JavaScript parser loads it, whether SQL reads it or hands it back.
const EDGE_LINES = [
  '26/12/4@10:00:00: START: big pid=99999999999 from=192.0.2.1',
  '26/12/4@10:00:00: START: nine pid=999999999 from=192.0.2.1',
  '26/2/30@10:00:00: START: nodate pid=1 from=192.0.2.1',
  '26/12/4@10:00:60: START: leap pid=1 from=192.0.2.1',
  '26/12/4@24:00:00: START: late pid=1 from=192.0.2.1',
  '26/04/4@10:00:00: START: padded pid=1 from=192.0.2.1',
  '69/1/1@00:00:00: START: sixtynine pid=1',
  '70/1/1@00:00:00: START: seventy pid=1',
  '99/1/1@00:00:00: START: old pid=1 from=192.0.2.1',
  '26/12/4@10:00:00: FAIL: svc nonsense from=192.0.2.1',
  '26/12/4@10:00:00: FAIL: svc connections per second',
  '26/12/4@10:00:00: FAIL: svc connections per second from=::ffff:192.0.2.7',
  '26/12/4@10:00:00: FAIL: svc address from=<no address>',
  '26/12/4@10:00:00: FAIL: connections per second from=192.0.2.1',
  '26/12/4@10:00:00: EXIT: svc status=-1 pid=3',
  '26/12/4@10:00:00: EXIT: svc',
  '26/12/4@10:00:00: EXIT: duration=5(sec)',
  '26/12/4@10:00:00: EXIT: svc duration=5(sec)',
  '26/12/4@10:00:00: EXIT: svc signal=15 duration=0(sec)',
  '26/12/4@10:00:00: EXIT: status=3',
  '26/12/4@10:00:00: TRAFFIC: r in=99999999999999999999(bytes) out=1(bytes)',
  '26/12/4@10:00:00: TRAFFIC: r in=000(bytes) out=999999999999999(bytes)',
  '26/12/4@10:00:00: NOID: svc <no address> no server',
  '26/12/4@10:00:00: START: v6 pid=5 from=::FFFF:10.0.0.1',
  '26/12/4@10:00:00: START: v6b pid=5 from=::ffff:10.0.0.1.5',
  '26/12/4@10:00:00: START: from=192.0.2.1',
  '26/12/4@10:00:00: START: pid=5',
  '26/12/4@10:00:00: START: a"b\\c pid=0012 from=2001:db8::1',
  '26/12/4@10:00:00: START: tab\tname pid=1',
  '26/12/4@10:00:00: START: café pid=1',
  '26/12/4@10:00:00: START: two  spaces pid=1',
  '26/12/4@10:00:00: USERID: svc ',
  'Feb 29 10:00:00 gw xinetd[1]: START: leap pid=1 from=192.0.2.1',
  'Feb 30 10:00:00 gw xinetd[1]: START: nodate pid=1',
  'Feb 28 10:00:00 gw xinetd[1]: START: lastfeb pid=1',
  'Apr 31 10:00:00 gw xinetd[1]: START: noapril pid=1',
  'Jun 30 10:00:00 gw xinetd[1]: START: lastjune pid=1',
  '24/2/29@10:00:00: START: leapfile pid=1',
  '26/4/31@10:00:00: START: noaprilfile pid=1',
  '26/11/30@10:00:00: START: lastnov pid=1',
  'Dec  4 10:00:00 xinetdhost xinetd[1]: START: odd pid=1',
  'Dec  4 10:00:00 gw xinetd[99999999999]: START: wp pid=1',
  'Dec  4 10:00:00 gw xinetd-ipv6[12]: START: v6tag pid=1 from=::1',
  'Dec  4 10:00:00 g]w xinetd[12]: START: bracket pid=1',
  'Dec 19 10:00:00 gw xinetd[12]: EXIT: twodigit status=0 pid=4 duration=7(sec)',
  'Dec 09 10:00:00 gw xinetd[12]: EXIT: zeropad status=0 pid=4',
  'Dec 4 10:00:00 gw xinetd[12]: EXIT: onespace status=0 pid=4',
  'Jan  1 00:00:00 gw xinetd[12]: FAIL: newyear address from=198.51.100.4',
  'Dec 31 23:59:59 gw xinetd[12]: FAIL: oldyear libwrap from=198.51.100.4',
  'Dec  4 10:00:00 gw xinetd: START: nopid pid=1',
  // Local times that do not exist or exist twice in European and North American zones.
  '26/3/29@02:30:00: START: gap-eu pid=1',
  '26/10/25@02:30:00: START: twice-eu pid=1',
  'Mar  8 02:30:00 gw xinetd[12]: START: gap-us pid=1',
  'Nov  1 01:30:00 gw xinetd[12]: START: twice-us pid=1',
  'Dec  4 10:00:00 gw xinetd[7]: Started working: 3 available services',
  'Dec  4 10:00:00 gw sshd[7]: START: not ours pid=1',
  '{"time":"2026-12-04T10:00:00Z","event":"START","service":"s","pid":1.5,"source":{"ip":"1.2.3.4"}}',
  '{"time":"2026-12-04T10:00:00Z","event":"START"',
];

const pad = (n: number): string => String(n).padStart(2, '0');

async function expectSameRows(lines: readonly string[]): Promise<Loaded> {
  return expectSameRowsIn(lines, 'mixed.log');
}

/** Numbers `lines` the way ingest does and returns, per line, whether SQL parsed it itself. */
function acceptedBySql(lines: readonly string[]): Promise<boolean[]> {
  return shapeFlags(lines, 'mixed.log', SHAPE_FLAGS_SQL);
}

const SERVICE_SAMPLES = SAMPLES.map((sample) => sample.line).filter((line) => / (START|EXIT|FAIL|TRAFFIC): /.test(line));

test('SQL and JS parsers load the same rows', async () => {
  const js = await expectSameRows([...SAMPLES.map((sample) => sample.line), ...EDGE_LINES]);
  expect(js.events.length).toBeGreaterThan(SAMPLES.length);
});

test('SQL path takes common service lines', async () => {
  const common = [
    '26/12/4@19:47:27: START: echo-stream pid=9849 from=127.0.0.1',
    'Dec  9 23:30:55 gateway xinetd[1003]: FAIL: telnet service_limit from=20.151.8.68',
    'Dec 19 23:30:55 gateway xinetd[900]: EXIT: telnet status=0 pid=1003 duration=4(sec)',
    'Dec  9 23:30:58 gateway xinetd[900]: START: rsync pid=1005 from=2001:db8:3f19::e2e',
    '26/12/4@19:47:27: TRAFFIC: web in=12(bytes) out=4096(bytes)',
  ];
  const others = ['Dec  4 10:00:00 gw xinetd[7]: Started working: 3 available services', '26/12/4@10:00:00: USERID: svc UNIX : alice'];
  expect(await acceptedBySql([...common, ...others])).toEqual([...common.map(() => true), ...others.map(() => false)]);
  expect((await acceptedBySql(SERVICE_SAMPLES)).filter(Boolean).length).toBeGreaterThan(SERVICE_SAMPLES.length / 2);
});

test('SQL path reports future events', async () => {
  // The ingest runs on 2026-12-31, so the second and fourth lines are more than a day ahead.
  const js = await expectSameRows([
    '26/12/30@10:00:00: START: now pid=1',
    '27/6/1@10:00:00: START: late pid=2',
    '26/12/30@10:00:01: USERID: now UNIX : alice',
    '27/6/2@10:00:00: EXIT: late status=0 pid=2',
  ]);
  expect(js.summary).toContain('2 events (first at line 2) dated more than a day after now');
});

test('empty line sends batch to JS', async () => {
  const lines = ['26/12/4@10:00:00: START: a pid=1 from=192.0.2.1', '', '26/12/4@10:00:01: EXIT: a status=0 pid=1'];
  const js = await expectSameRows(lines);
  expect(js.events.map((row) => (row as { line_number: bigint }).line_number)).toEqual([1n, 3n]);
});

/** Syslog service lines, about 80 bytes each, with three the SQL path cannot read: a blank one, one with a CR and one with a byte that is not UTF-8. */
function batchWithThreeOddLines(count: number): Buffer {
  const lines = Array.from({ length: count }, (_, i) => Buffer.from(`Dec  4 10:${pad(Math.floor(i / 60) % 60)}:${pad(i % 60)} gw xinetd[12]: START: svc${i % 7} pid=${i} from=192.0.2.${i % 250}\n`));
  lines[Math.floor(count / 5)] = Buffer.from('\n');
  lines[Math.floor(count / 2)] = Buffer.from('Dec  4 10:00:00 gw xinetd[12]: START: crlf pid=1\r\n');
  lines[count - 3] = Buffer.concat([Buffer.from('Dec  4 10:00:00 gw xinetd[12]: START: caf'), Buffer.from([0xff]), Buffer.from(' pid=2\n')]);
  return Buffer.concat(lines);
}

test('odd lines split the batch', () => {
  const data = batchWithThreeOddLines(20_000);
  const segments = [...segmentsOf(data, canParseInSql)];
  expect(Buffer.concat(segments.map((segment) => segment.data)).equals(data)).toBe(true);
  const inJs = segments.filter((segment) => !segment.inSql);
  expect(inJs).toHaveLength(3);
  for (const segment of inJs) expect(segment.data.length).toBeLessThan(64 * 1024);
});

test('odd lines load the same both ways', async () => {
  const file = join(makeTempDir(), 'odd.log');
  writeFileSync(file, batchWithThreeOddLines(20_000));
  const js = await load('js', file);
  expect(await load('sql', file)).toEqual(js);
  expect(js.events).toHaveLength(19_999);
});

// Generated service lines, valid and slightly broken, in both stamp forms.
const word = fc.stringMatching(/^[!-~]{1,8}$/);
const digits = fc.stringMatching(/^-?\d{1,11}$/);
const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4().map((ip) => `::FfFf:${ip}`), fc.constantFrom('<no address>', '', '1.2.3'));
const reason = fc.constantFrom('address', 'libwrap', 'connections per second', 'per_source_limit', 'UNKNOWN', 'bogus');
const body = fc.oneof(
  fc.tuple(word, fc.option(digits), fc.option(address)).map(([s, pid, from]) => `START: ${s}${pid === null ? '' : ` pid=${pid}`}${from === null ? '' : ` from=${from}`}`),
  fc
    .tuple(word, fc.option(fc.tuple(fc.constantFrom('status', 'signal'), digits)), fc.option(digits), fc.option(digits))
    .map(([s, exit, pid, duration]) => `EXIT: ${s}${exit ? ` ${exit[0]}=${exit[1]}` : ''}${pid === null ? '' : ` pid=${pid}`}${duration === null ? '' : ` duration=${duration}(sec)`}`),
  fc.tuple(word, reason, fc.option(address)).map(([s, r, from]) => `FAIL: ${s} ${r}${from === null ? '' : ` from=${from}`}`),
  fc.tuple(word, digits, digits).map(([s, i, o]) => `TRAFFIC: ${s} in=${i}(bytes) out=${o}(bytes)`),
  fc.tuple(word, fc.string({ maxLength: 12 })).map(([s, text]) => `USERID: ${s} ${text}`),
);
const month = fc.constantFrom('Jan', 'Feb', 'Mar', 'Jun', 'Nov', 'Dec');
const clock = fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }));
const syslogLine = fc
  .tuple(month, fc.integer({ min: 0, max: 32 }), clock, fc.constantFrom('gw', 'xinetdbox', 'a.example'), fc.constantFrom('xinetd', 'xinetd-ipv6'), fc.nat(99999), body)
  .map(([mon, day, [h, m, s], host, tag, pid, text]) => `${mon} ${String(day).padStart(2, ' ')} ${pad(h)}:${pad(m)}:${pad(s)} ${host} ${tag}[${pid}]: ${text}`);
const fileLine = fc
  .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), clock, body)
  .map(([y, mo, d, [h, m, s], text]) => `${pad(y)}/${mo}/${d}@${pad(h)}:${pad(m)}:${pad(s)}: ${text}`);

// Each run ingests one file of up to 300 lines twice, so it counts as 250 inputs of the
// budget that XINETD_TS_FUZZ_RUNS sets for every property.
test('generated service lines load the same through SQL and JS', async () => {
  const runs = Math.ceil(fuzzRuns(1000) / 250);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(syslogLine, fileLine), { minLength: 50, maxLength: 300 }), async (lines) => {
      await expectSameRows(lines);
    }),
    { numRuns: runs },
  );
}, fuzzTimeout(120_000));
