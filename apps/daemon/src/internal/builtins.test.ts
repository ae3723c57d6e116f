import { beforeEach, describe, expect, it } from 'vitest';
import {
  CHARGEN_DATAGRAM_BYTES,
  CHARGEN_LINE_BYTES,
  chargenDatagram,
  chargenLine,
  chargenPeriod,
  chargenRing,
  resetChargenRing,
} from './chargen.js';
import { formatDaytime } from './daytime.js';
import { ECHO_DATAGRAM_MAX_BYTES, echoDatagram } from './echo.js';
import { findBuiltin, type DgramBuiltin } from './index.js';
import { timeBytes } from './time.js';

const LINE_0 = '!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n';
const LINE_1 = '"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghi\r\n';

function dgram(name: string): DgramBuiltin {
  const builtin = findBuiltin(name, 'dgram');
  if (builtin === null) throw new Error(`no dgram builtin ${name}`);
  return builtin;
}

beforeEach(() => {
  resetChargenRing();
});

describe('chargen lines', () => {
  it('line 0 is 72 characters from "!"', () => {
    expect(chargenLine(0).toString('latin1')).toBe(LINE_0);
  });

  it('line 1 starts one character later', () => {
    expect(chargenLine(1).toString('latin1')).toBe(LINE_1);
  });

  it('lines 93 and 94 repeat lines 0 and 1', () => {
    expect(chargenLine(93).toString('latin1')).toBe(LINE_0);
    expect(chargenLine(94).toString('latin1')).toBe(LINE_1);
  });

  it('line 92 wraps from "}" back to "!"', () => {
    const line = chargenLine(92).toString('latin1');
    expect(line.slice(0, 2)).toBe('}!');
    expect(line.length).toBe(CHARGEN_LINE_BYTES);
  });

  it('uses only "!" to "}", never space or "~"', () => {
    for (let position = 0; position < 95; position++) {
      const text = chargenLine(position).toString('latin1').slice(0, 72);
      expect(text).toMatch(/^[!-}]{72}$/);
    }
  });

  it('period from 28 is lines 28 to 94, then 0 to 27', () => {
    const expected = [];
    for (let i = 0; i < 95; i++) expected.push(chargenLine((28 + i) % 95));
    expect(chargenPeriod(28).equals(Buffer.concat(expected))).toBe(true);
  });
});

describe('chargen datagram', () => {
  it('is 13 full lines and a 60-character line', () => {
    const reply = chargenDatagram();
    const full = [];
    for (let i = 0; i < 13; i++) full.push(chargenLine(i));
    const last = Buffer.concat([chargenLine(13).subarray(0, 60), Buffer.from('\r\n')]);

    expect(reply.length).toBe(CHARGEN_DATAGRAM_BYTES);
    expect(reply.equals(Buffer.concat([...full, last]))).toBe(true);
  });

  it('advances the ring by 14 lines', () => {
    chargenDatagram();
    expect(chargenRing.position).toBe(14);
    const second = chargenDatagram();
    expect(second.subarray(0, CHARGEN_LINE_BYTES).equals(chargenLine(14))).toBe(true);
    expect(chargenRing.position).toBe(28);
  });

  it('ring wraps after 95 lines', () => {
    for (let i = 0; i < 7; i++) chargenDatagram();
    expect(chargenRing.position).toBe(98 % 95);
  });

  it('ignores the request', () => {
    const reply = dgram('chargen').reply(Buffer.from('anything'), new Date());
    expect(reply?.subarray(0, CHARGEN_LINE_BYTES).toString('latin1')).toBe(LINE_0);
  });
});

describe('time', () => {
  it('Unix epoch is 2208988800', () => {
    expect(timeBytes(new Date(0)).toString('hex')).toBe('83aa7e80');
  });

  it('is big-endian seconds since 1900', () => {
    const bytes = timeBytes(new Date('2026-12-04T19:47:27.999Z'));
    expect(bytes.length).toBe(4);
    expect(bytes.readUInt32BE(0)).toBe(Date.UTC(2026, 11, 4, 19, 47, 27) / 1000 + 2208988800);
  });

  it('wraps to 0 in February 2036', () => {
    expect(timeBytes(new Date('2036-02-07T06:28:16Z')).readUInt32BE(0)).toBe(0);
    expect(timeBytes(new Date('2036-02-07T06:28:15Z')).readUInt32BE(0)).toBe(2 ** 32 - 1);
  });

  it('dgram reply ignores the request', () => {
    const now = new Date('2026-12-04T19:47:27Z');
    expect(dgram('time').reply(Buffer.from('x'), now)).toEqual(timeBytes(now));
  });
});

describe('daytime', () => {
  const now = new Date('2026-12-04T19:47:27.500Z');

  it('UTC format', () => {
    expect(formatDaytime(now, { TZ: 'UTC' })).toBe('04 DEC 2026 19:47:27 UTC\r\n');
  });

  it('Europe/Berlin prints CET', () => {
    expect(formatDaytime(now, { TZ: 'Europe/Berlin' })).toBe('04 DEC 2026 20:47:27 CET\r\n');
  });

  it('America/New_York in summer prints EDT', () => {
    expect(formatDaytime(new Date('2026-07-04T09:05:00Z'), { TZ: 'America/New_York' })).toBe(
      '04 JUL 2026 05:05:00 EDT\r\n',
    );
  });

  it('invalid TZ leaves the zone empty', () => {
    expect(formatDaytime(now, { TZ: '123' })).toBe('04 DEC 2026 19:47:27 \r\n');
  });

  it('dgram reply is the daytime line', () => {
    const reply = dgram('daytime').reply(Buffer.from('x'), now);
    expect(reply?.toString('latin1')).toBe(formatDaytime(now));
  });
});

describe('echo and discard datagrams', () => {
  it('echo returns the datagram', () => {
    const request = Buffer.from('hello\0world');
    expect(dgram('echo').reply(request, new Date())).toEqual(request);
  });

  it('echo cuts the datagram to 2048 bytes', () => {
    const request = Buffer.alloc(3000, 0x61);
    expect(echoDatagram(request).length).toBe(ECHO_DATAGRAM_MAX_BYTES);
    expect(dgram('echo').reply(request, new Date())?.length).toBe(2048);
  });

  it('echo replies empty to an empty datagram', () => {
    expect(dgram('echo').reply(Buffer.alloc(0), new Date())?.length).toBe(0);
  });

  it('discard sends nothing', () => {
    expect(dgram('discard').reply(Buffer.from('x'), new Date())).toBeNull();
  });
});

describe('findBuiltin', () => {
  const forks = [
    ['echo', true],
    ['discard', true],
    ['daytime', false],
    ['time', false],
    ['chargen', true],
  ] as const;

  it.each(forks)('stream %s forks=%s', (name, expected) => {
    const builtin = findBuiltin(name, 'stream');
    expect(builtin?.name).toBe(name);
    expect(builtin?.socketType).toBe('stream');
    expect(builtin?.forks).toBe(expected);
  });

  it.each(forks)('dgram %s never forks', (name) => {
    const builtin = findBuiltin(name, 'dgram');
    expect(builtin?.name).toBe(name);
    expect(builtin?.socketType).toBe('dgram');
    expect(builtin?.forks).toBe(false);
  });

  it('matches names case-insensitively', () => {
    expect(findBuiltin('ECHO', 'stream')?.name).toBe('echo');
    expect(findBuiltin('DayTime', 'dgram')?.name).toBe('daytime');
  });

  it.each(['tcpmux', 'sensor', 'servers', 'services', 'xadmin', 'echo ', ''])('%j is not internal', (name) => {
    expect(findBuiltin(name, 'stream')).toBeNull();
    expect(findBuiltin(name, 'dgram')).toBeNull();
  });
});
