import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { SAMPLES } from '#logformat';
import { JSONL_FLAGS_SQL } from './sql-jsonl.js';
import { canParseJsonlInSql } from './sql-jsonl-loader.js';
import { segmentsOf } from './sql-loader.js';
import { removeTempDirs } from '../test-support/run.js';
import { expectSameRows as expectSameRowsIn, shapeFlags, type Loaded } from '../test-support/parsers.js';
import { fuzzRuns, fuzzTimeout } from '../../../test/support/fuzz.js';

afterAll(removeTempDirs);

const JSONL_SAMPLES = SAMPLES.filter((sample) => sample.form === 'jsonl').map((sample) => sample.line);
const TIME_FIELD = '"time":"2026-12-04T10:00:00.000Z"';

// Lines at the edges of what the JSONL SQL path accepts: each must load exactly as the
// JavaScript parser loads it, whether SQL reads it or hands it back.
const EDGE_LINES = [
  `{"level":30,${TIME_FIELD},"host":"gw","event":"START","service":"a","pid":1,"source":{"ip":"192.0.2.1","port":65535}}`,
  `{${TIME_FIELD},"event":"START","service":"nohost","pid":1}`,
  `{${TIME_FIELD},"host":null,"event":"START","service":"nullhost"}`,
  `{${TIME_FIELD},"host":5,"event":"START","service":"numberhost"}`,
  `{${TIME_FIELD},"event":"START","service":"dup","service":"last"}`,
  `{${TIME_FIELD},"event":"START","pid":1,"service":"reordered"}`,
  `{ ${TIME_FIELD}, "event": "START", "service": "spaces" }`,
  `{${TIME_FIELD},"event":"START","service":"a\\"quote"}`,
  `{${TIME_FIELD},"event":"START","service":"\\u0041escaped"}`,
  `{${TIME_FIELD},"event":"START","service":"tab\there"}`,
  `{${TIME_FIELD},"event":"START","service":"café ünïcode"}`,
  `{${TIME_FIELD},"event":"START","service":"replacement\uFFFDchar"}`,
  `{${TIME_FIELD},"event":"START","service":"odd\u007F\u0085\u2028\uFFFE\u{10FFFF}chars"}`,
  `{${TIME_FIELD},"event":"START","service":"zeros","pid":007}`,
  `{${TIME_FIELD},"event":"START","service":"big","pid":2147483648}`,
  `{${TIME_FIELD},"event":"START","service":"nine","pid":999999999}`,
  `{${TIME_FIELD},"event":"START","service":"ten","pid":9999999999}`,
  `{${TIME_FIELD},"event":"START","service":"half","pid":1.5}`,
  `{${TIME_FIELD},"event":"START","service":"exp","pid":1e2}`,
  `{${TIME_FIELD},"event":"START","service":"negzero","pid":-0}`,
  `{${TIME_FIELD},"event":"EXIT","service":"d","pid":1,"status":-1,"signal":null,"duration_ms":0.1}`,
  `{${TIME_FIELD},"event":"EXIT","service":"d","pid":1,"status":null,"signal":15,"duration_ms":-0}`,
  `{${TIME_FIELD},"event":"EXIT","service":"d","duration_ms":123456789012345.123456}`,
  `{${TIME_FIELD},"event":"EXIT","service":"d","duration_ms":1.0000005}`,
  `{${TIME_FIELD},"event":"EXIT","service":"d","duration_ms":1e400}`,
  `{${TIME_FIELD},"event":"EXIT","service":"d","duration_ms":"5"}`,
  `{${TIME_FIELD},"event":"FAIL","service":"f","reason":"address","source":{"ip":"::FFFF:10.0.0.1","port":0}}`,
  `{${TIME_FIELD},"event":"FAIL","service":"f","reason":"address","source":{"ip":"::ffff:10.0.0.1.5"}}`,
  `{${TIME_FIELD},"event":"FAIL","service":"f","reason":"address","source":{"ip":null}}`,
  `{${TIME_FIELD},"event":"FAIL","service":"f","source":{"ip":"192.0.2.1","port":65536}}`,
  `{${TIME_FIELD},"event":"FAIL","service":"f","source":{"ip":"192.0.2.1","port":-1}}`,
  `{${TIME_FIELD},"event":"FAIL","service":"f","source":null}`,
  `{${TIME_FIELD},"event":"FAIL","service":"f","source":{}}`,
  `{${TIME_FIELD},"event":"FAIL","service":"f","source":"192.0.2.1"}`,
  `{${TIME_FIELD},"event":"FAIL","service":"f","source":["192.0.2.1"]}`,
  `{${TIME_FIELD},"event":"NOID","service":"n","reason":"timeout","source":{"ip":"192.0.2.9"}}`,
  `{${TIME_FIELD},"event":"USERID","service":"u","text":"UNIX : joe"}`,
  `{${TIME_FIELD},"event":"MESSAGE","severity":"NOTICE","msg":"Started"}`,
  `{${TIME_FIELD},"event":"MESSAGE","severity":"notice","msg":"lower case"}`,
  `{${TIME_FIELD},"event":"MESSAGE","severity":5,"text":"text wins","msg":"msg loses"}`,
  `{${TIME_FIELD},"event":"TRAFFIC","service":"r","bytes_in":999999999999999,"bytes_out":0}`,
  `{${TIME_FIELD},"event":"TRAFFIC","service":"r","bytes_in":9999999999999999,"bytes_out":0}`,
  `{${TIME_FIELD},"event":"TRAFFIC","service":"r","bytes_in":-1,"bytes_out":0}`,
  `{${TIME_FIELD},"event":"start","service":"lower"}`,
  `{${TIME_FIELD},"event":"BOGUS","service":"bogus"}`,
  `{${TIME_FIELD},"service":"noevent"}`,
  `{"event":"START","service":"notime"}`,
  `{"time":"2028-02-29T10:00:00Z","event":"START","service":"leap"}`,
  `{"time":"2026-02-30T10:00:00Z","event":"START","service":"rollover"}`,
  `{"time":"2026-04-31T10:00:00Z","event":"START","service":"rollover30"}`,
  `{"time":"2026-12-04T24:00:00Z","event":"START","service":"hour24"}`,
  `{"time":"2026-12-04T10:00:60Z","event":"START","service":"second60"}`,
  `{"time":"2026-12-04T10:00:00.5Z","event":"START","service":"half"}`,
  `{"time":"2026-12-04T10:00:00.1234Z","event":"START","service":"fourdigits"}`,
  `{"time":"2026-12-04T10:00:00+01:00","event":"START","service":"offset"}`,
  `{"time":"2026-12-04T10:00:00z","event":"START","service":"lowerz"}`,
  `{"time":"2026-12-04 10:00:00","event":"START","service":"localtime"}`,
  `{"time":1796378400000,"event":"START","service":"epoch"}`,
  `{"time":"1969-12-31T23:59:59Z","event":"START","service":"before1970"}`,
  `{"time":"2100-01-01T00:00:00Z","event":"START","service":"year2100"}`,
  `{"time":"2030-01-01T00:00:00Z","event":"START","service":"future"}`,
  `{"level":"30",${TIME_FIELD},"event":"START","service":"stringlevel"}`,
  `{"level":030,${TIME_FIELD},"event":"START","service":"octal"}`,
  `{${TIME_FIELD},"event":"START","service":"unknownkey","hostname":"x"}`,
  `{${TIME_FIELD},"event":"START","service":"trailing"} x`,
  `{${TIME_FIELD},"event":"START"`,
  '{}',
  '[1,2]',
  '"string"',
  'null',
  '26/12/4@10:00:00: START: classic pid=1 from=192.0.2.1',
];

async function expectSameRows(lines: readonly string[]): Promise<Loaded> {
  return expectSameRowsIn(lines, 'events.jsonl');
}

/** Numbers `lines` the way ingest does and returns, per line, whether SQL parsed it itself. */
function acceptedBySql(lines: readonly string[]): Promise<boolean[]> {
  return shapeFlags(lines, 'events.jsonl', JSONL_FLAGS_SQL);
}

test('JSONL SQL and JS parsers load the same rows', async () => {
  const js = await expectSameRows([...JSONL_SAMPLES, ...EDGE_LINES]);
  expect(js.events.length).toBeGreaterThan(JSONL_SAMPLES.length);
  expect(js.rejects.length).toBeGreaterThan(0);
});

test('JSONL SQL path takes the daemon lines', async () => {
  const accepted = [...JSONL_SAMPLES, `{${TIME_FIELD},"event":"START","service":"odd\u007F\u0085\u2028\uFFFE\u{10FFFF}chars"}`];
  const others = [
    `{${TIME_FIELD},"event":"START","service":"dup","service":"last"}`,
    `{${TIME_FIELD},"event":"START","service":"a\\"quote"}`,
    `{"time":"2026-02-30T10:00:00Z","event":"START","service":"rollover"}`,
    `{${TIME_FIELD},"event":"START","service":"replacement\uFFFDchar"}`,
    '[1,2]',
  ];
  expect(await acceptedBySql([...accepted, ...others])).toEqual([...accepted.map(() => true), ...others.map(() => false)]);
});

test('JSONL batch conditions', () => {
  expect(canParseJsonlInSql(Buffer.from(JSONL_SAMPLES.join('\n') + '\n'))).toBe(true);
  expect(canParseJsonlInSql(Buffer.from('26/12/4@10:00:00: START: a pid=1\n'))).toBe(false);
  expect(canParseJsonlInSql(Buffer.from(`${JSONL_SAMPLES[0]}\n\n${JSONL_SAMPLES[1]}\n`))).toBe(false);
  expect(canParseJsonlInSql(Buffer.from(`${JSONL_SAMPLES[0]}\r\n`))).toBe(false);
  expect(canParseJsonlInSql(Buffer.concat([Buffer.from(`${JSONL_SAMPLES[0]}\n{"a":"`), Buffer.from([0xff]), Buffer.from('"}\n')]))).toBe(false);
});

/** The daemon's JSONL lines, about 150 bytes each, with a blank line and a CRLF line among them. */
function jsonlWithTwoOddLines(count: number): string[] {
  const lines = Array.from({ length: count }, (_, i) => `{${TIME_FIELD},"event":"START","service":"svc${i % 7}","pid":${100 + i},"source":{"ip":"192.0.2.${i % 250}","port":${1024 + i}}}`);
  lines[Math.floor(count / 3)] = '';
  lines[Math.floor((2 * count) / 3)] = `${lines[0]}\r`;
  return lines;
}

test('odd JSONL lines split the batch', () => {
  const data = Buffer.from(jsonlWithTwoOddLines(20_000).join('\n') + '\n');
  const segments = [...segmentsOf(data, canParseJsonlInSql)];
  expect(Buffer.concat(segments.map((segment) => segment.data)).equals(data)).toBe(true);
  const inJs = segments.filter((segment) => !segment.inSql);
  expect(inJs).toHaveLength(2);
  for (const segment of inJs) expect(segment.data.length).toBeLessThan(64 * 1024);
});

test('odd JSONL lines load the same', async () => {
  await expectSameRows(jsonlWithTwoOddLines(20_000));
});

test('JSONL with CRLF and empty lines loads the same', async () => {
  const [first, second] = JSONL_SAMPLES;
  await expectSameRows([first!, '', `${second!}\r`, first!]);
});

// Generated objects with the daemon's keys, in its order or shuffled, with values of the
// expected types near their limits and of other types.
const text = fc.oneof(
  { weight: 12, arbitrary: fc.stringMatching(/^[a-z0-9.:_ -]{0,10}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('::ffff:10.1.2.3', '::FFFF:1.2.3.4.5', 'ü\uFFFD') },
);
const integer = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: -5, max: 66000 }) },
  { weight: 1, arbitrary: fc.constantFrom(2 ** 31 - 1, 2 ** 31, -(2 ** 31), 999999999, -999999999, 2 ** 53, 1e15 - 1, 1e15) },
);
const number = fc.oneof(
  { weight: 4, arbitrary: integer },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0.1, -0, 1.5, -0.25, 123456.654321) },
);
const value = (main: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 40, arbitrary: main }, { weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.oneof(text, number, fc.boolean()) });
const day = fc.date({ min: new Date('1999-12-31T00:00:00Z'), max: new Date('2031-01-01T00:00:00Z'), noInvalidDate: true });
const time = fc.oneof(
  { weight: 12, arbitrary: day.map((date) => date.toISOString()) },
  { weight: 1, arbitrary: day.map((date) => date.toISOString().replace('.000', '').replace(/:\d\d\./, ':59.')) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 28, max: 32 }), fc.integer({ min: 22, max: 25 })).map(([m, d, h]) => `2028-${String(m).padStart(2, '0')}-${d}T${h}:00:00Z`) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), text) },
);
const source = fc.oneof(
  { weight: 8, arbitrary: fc.record({ ip: value(fc.oneof(fc.ipV4(), fc.ipV6(), text)), port: value(integer) }, { requiredKeys: ['ip'] }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant({}) },
);
const fields = fc.record(
  {
    level: fc.constantFrom(20, 30, 40, 50, 60),
    time,
    host: value(fc.constantFrom('gw', 'a.example', 'h"q')),
    event: value(fc.constantFrom('START', 'EXIT', 'FAIL', 'USERID', 'NOID', 'TRAFFIC', 'MESSAGE', 'Start')),
    severity: value(fc.constantFrom('NOTICE', 'ERROR', 'CRITICAL', 'notice')),
    service: value(text),
    pid: value(integer),
    reason: value(fc.constantFrom('address', 'libwrap', 'connections per second')),
    status: value(integer),
    signal: value(integer),
    duration_ms: value(number),
    text: value(text),
    msg: value(text),
    bytes_in: value(integer),
    bytes_out: value(integer),
    source,
  },
  { requiredKeys: ['time', 'event'] },
);
const jsonLine = fc.oneof(
  { weight: 8, arbitrary: fields.map((object) => JSON.stringify(object)) },
  { weight: 1, arbitrary: fc.tuple(fields, fc.nat()).map(([object, seed]) => JSON.stringify(Object.fromEntries(Object.entries(object).sort((a, b) => ((a[0].length * seed) % 7) - ((b[0].length * seed) % 7))))) },
  { weight: 1, arbitrary: fc.json() },
);

// Lines of the daemon's shape only, so that nearly all of them take the SQL path, with
// decimals, ports and counts across their whole ranges.
const decimal = fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.nat(999999)).map(([whole, fraction]) => Number(`${whole}.${fraction}`));
const daemonFields = fc.record(
  {
    level: fc.constantFrom(30, 40),
    time: day.map((date) => date.toISOString()),
    host: fc.stringMatching(/^[a-z.]{1,8}$/),
    event: fc.constantFrom('START', 'EXIT', 'FAIL', 'USERID', 'NOID', 'TRAFFIC', 'MESSAGE'),
    severity: fc.constantFrom('NOTICE', 'ERROR', 'INFO'),
    service: text,
    pid: fc.integer({ min: -999999999, max: 999999999 }),
    reason: fc.constantFrom('address', 'per_source_limit', 'connections per second'),
    status: fc.option(fc.integer({ min: -999999999, max: 999999999 })),
    signal: fc.option(fc.integer({ min: 0, max: 64 })),
    duration_ms: fc.oneof(decimal, fc.integer({ min: 0, max: 1e15 - 1 })),
    text,
    msg: text,
    bytes_in: fc.integer({ min: 0, max: 1e15 - 1 }),
    bytes_out: fc.integer({ min: 0, max: 1e15 - 1 }),
    source: fc.record({ ip: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4().map((ip) => `::ffff:${ip}`))), port: fc.integer({ min: 0, max: 65535 }) }, { requiredKeys: ['ip'] }),
  },
  { requiredKeys: ['level', 'time', 'host', 'event'] },
);

test('daemon-shaped JSONL loads the same', async () => {
  const runs = Math.ceil(fuzzRuns(1000) / 250);
  await fc.assert(
    fc.asyncProperty(fc.array(daemonFields.map((object) => JSON.stringify(object)), { minLength: 50, maxLength: 300 }), async (lines) => {
      await expectSameRows(lines);
    }),
    { numRuns: runs },
  );
}, fuzzTimeout(120_000));

// Each run ingests one file of up to 300 lines twice, so it counts as 250 inputs of the
// budget that XINETD_TS_FUZZ_RUNS sets for every property.
test('generated JSONL loads the same through SQL and JS', async () => {
  const runs = Math.ceil(fuzzRuns(1000) / 250);
  await fc.assert(
    fc.asyncProperty(fc.array(jsonLine, { minLength: 50, maxLength: 300 }), async (lines) => {
      await expectSameRows([JSONL_SAMPLES[0]!, ...lines]);
    }),
    { numRuns: runs },
  );
}, fuzzTimeout(120_000));
