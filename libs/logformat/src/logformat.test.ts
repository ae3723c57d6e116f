import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALL_PARTS,
  SAMPLES,
  eventFields,
  formatFileStamp,
  formatProgramLine,
  formatServiceLine,
  messageFields,
  parseLine,
  type LineParts,
  type LogRecord,
  type ServiceEvent,
} from './index.js';

const schema = JSON.parse(readFileSync(join(__dirname, '..', 'event.schema.json'), 'utf8')) as {
  properties: Record<string, { type?: string | string[]; enum?: string[] }>;
  allOf: { if: { properties: { event: { const: string } } }; then: { required: string[] } }[];
};

/** Rebuilds the event a classic line was written from, with the parts it showed. */
function eventOf(record: LogRecord): { event: ServiceEvent; parts: LineParts } {
  const service = record.service!;
  const source = { ip: record.sourceIp };
  const parts: LineParts = {
    pid: record.pid !== null,
    host: record.sourceIp !== null,
    exit: record.status !== null || record.signal !== null,
    duration: record.durationMs !== null,
  };
  switch (record.kind) {
    case 'START':
      return { event: { event: 'START', service, pid: record.pid ?? 0, source }, parts };
    case 'EXIT':
      return {
        event: { event: 'EXIT', service, pid: record.pid ?? 0, status: record.status, signal: record.signal, durationMs: record.durationMs ?? 0 },
        parts,
      };
    case 'FAIL':
      return { event: { event: 'FAIL', service, reason: record.reason as 'address', source }, parts };
    case 'USERID':
      return { event: { event: 'USERID', service, text: record.text! }, parts };
    case 'NOID':
      return { event: { event: 'NOID', service, source, reason: record.reason! }, parts };
    case 'TRAFFIC':
      return { event: { event: 'TRAFFIC', service, bytesIn: record.bytesIn!, bytesOut: record.bytesOut! }, parts };
    default:
      throw new Error(`not a service line: ${record.kind}`);
  }
}

describe('samples', () => {
  it.each(SAMPLES.map((sample) => [sample.line, sample]))('parses %s', (_line, sample) => {
    const result = parseLine(sample.line, { reference: new Date(2026, 11, 31) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.form).toBe(sample.form);
    expect(result.record).toMatchObject(sample.expected);
    expect(result.record.time).toBeInstanceOf(Date);
  });

  const roundTrip = SAMPLES.filter((sample) => sample.form === 'file' && !sample.line.includes('::ffff:') && !sample.line.includes('<no address>'));

  it.each(roundTrip.map((sample) => [sample.line]))('formats %s back byte for byte', (line) => {
    const result = parseLine(line);
    if (!result.ok) throw new Error(result.reason);
    const { event, parts } = eventOf(result.record);
    const fromSeen = line.includes(' from=');
    expect(formatServiceLine(result.record.time!, event, { ...parts, host: fromSeen })).toBe(line);
  });
});

describe('classic format', () => {
  it('writes the file stamp unpadded except the year', () => {
    expect(formatFileStamp(new Date(2026, 11, 4, 9, 5, 2))).toBe('26/12/4@09:05:02');
    expect(formatFileStamp(new Date(2006, 4, 14, 20, 12, 53))).toBe('06/5/14@20:12:53');
  });

  it('leaves out parts whose flag is off', () => {
    const time = new Date(2026, 11, 4, 19, 51, 45);
    const start: ServiceEvent = { event: 'START', service: 'quiet', pid: 7, source: { ip: '127.0.0.1' } };
    expect(formatServiceLine(time, start, { pid: false, host: false, exit: false, duration: false })).toBe('26/12/4@19:51:45: START: quiet');
    const exit: ServiceEvent = { event: 'EXIT', service: 'x', pid: 7, status: 3, signal: null, durationMs: 2999 };
    expect(formatServiceLine(time, exit, { ...ALL_PARTS, pid: false })).toBe('26/12/4@19:51:45: EXIT: x status=3 duration=2(sec)');
  });

  it('writes <no address> for an unknown client', () => {
    const fail: ServiceEvent = { event: 'FAIL', service: 'w', reason: 'address', source: { ip: null } };
    expect(formatServiceLine(new Date(2026, 0, 1), fail)).toBe('26/1/1@00:00:00: FAIL: w address from=<no address>');
  });

  it('writes the -filelog form', () => {
    const line = formatProgramLine(new Date(2026, 11, 4, 19, 47, 10), 'xinetd', 9724, { severity: 'NOTICE', text: 'Started working: 2 available services' });
    expect(line).toBe('26/12/4@19:47:10 xinetd[9724]: NOTICE: Started working: 2 available services');
  });
});

describe('parser', () => {
  it.each([
    ['26/12/4@19:47:27: HELLO: x', 'not a START'],
    ['26/13/4@19:47:27: START: x pid=1', 'invalid date'],
    ['26/12/4@19:47:27: FAIL: x nonsense from=1.2.3.4', 'not a START'],
    ['garbage', 'no xinetd time stamp'],
    ['{"event":"START"', 'invalid JSON'],
    ['{"event":"BOOT","time":"2026-01-01T00:00:00Z"}', 'no known "event"'],
    ['{"event":"START","time":"yesterday"}', 'invalid "time"'],
  ])('rejects %s', (line, reason) => {
    const result = parseLine(line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('marks another program\'s syslog line as foreign', () => {
    const result = parseLine('Dec  4 19:51:25 gw sshd[77]: Accepted publickey for root');
    expect(result).toMatchObject({ ok: false, foreign: true });
  });

  it('places a December syslog line read in January in the year before', () => {
    const result = parseLine('Dec 31 23:59:59 gw xinetd[1]: START: echo pid=2 from=127.0.0.1', { reference: new Date(2027, 0, 1, 0, 5) });
    if (!result.ok) throw new Error(result.reason);
    expect(result.record.time!.getFullYear()).toBe(2026);
  });

  it('keeps a syslog line of today in this year', () => {
    const result = parseLine('Jan  1 00:01:00 gw xinetd[1]: START: echo pid=2 from=127.0.0.1', { reference: new Date(2027, 0, 1, 0, 5) });
    if (!result.ok) throw new Error(result.reason);
    expect(result.record.time!.getFullYear()).toBe(2027);
  });
});

describe('JSONL', () => {
  const events: ServiceEvent[] = [
    { event: 'START', service: 's', pid: 1, source: { ip: '127.0.0.1', port: 5 } },
    { event: 'EXIT', service: 's', pid: 1, status: null, signal: 9, durationMs: 12 },
    { event: 'FAIL', service: 's', reason: 'connections per second', source: { ip: null } },
    { event: 'USERID', service: 's', text: 'UNIX : joe' },
    { event: 'NOID', service: 's', source: { ip: '::1' }, reason: 'timeout' },
    { event: 'TRAFFIC', service: 's', bytesIn: 3, bytesOut: 4 },
  ];

  it.each(events.map((event) => [event.event, event]))('%s fields satisfy the schema', (_kind, event) => {
    const fields = eventFields(event);
    const rule = schema.allOf.find((entry) => entry.if.properties.event.const === event.event)!;
    for (const name of rule.then.required) expect(fields).toHaveProperty(name);
    for (const name of Object.keys(fields)) expect(schema.properties).toHaveProperty(name);
  });

  it('message fields satisfy the schema', () => {
    const fields = messageFields({ severity: 'ERROR', text: 'x' });
    for (const name of Object.keys(fields)) expect(schema.properties).toHaveProperty(name);
    expect(schema.properties.severity!.enum).toContain(fields.severity);
  });

  it.each(events.map((event) => [event.event, event]))('%s reads back from a JSONL line', (_kind, event) => {
    const line = JSON.stringify({ level: 30, time: '2026-12-04T19:57:24.000Z', host: 'gw', ...eventFields(event) });
    const result = parseLine(line);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.record.kind).toBe(event.event);
  });
});

describe('syslog prefixes', () => {
  it.each([
    ['<30>1 2026-12-04T18:51:25.5Z gw xinetd 9724 - - START: a pid=1', '2026-12-04T18:51:25.500Z'],
    ['2026-12-04T19:51:25+01:00 gw xinetd[42]: START: a pid=1', '2026-12-04T18:51:25.000Z'],
    ['2026 May  3 23:13:12 UTC gw xinetd[341]: START: a pid=1', '2026-05-03T23:13:12.000Z'],
  ])('reads the time of %s', (line, iso) => {
    const result = parseLine(line);
    if (!result.ok) throw new Error(result.reason);
    expect(result.record.time!.toISOString()).toBe(iso);
  });

  it('reads a line without host or pid', () => {
    const result = parseLine('2018-11-06T11:19:04Z xinetd EXIT: rsync status=0');
    if (!result.ok) throw new Error(result.reason);
    expect(result.record.host).toBeNull();
    expect(result.record.service).toBe('rsync');
  });

  it('marks an RFC 5424 line of another program as foreign', () => {
    const result = parseLine('<30>1 2026-12-04T18:51:25Z gw sshd 77 - - Accepted publickey');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.foreign).toBe(true);
  });
});
