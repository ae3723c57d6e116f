import { expect, test } from 'vitest';
import { parseDuration, parseIsoTime, parseTimeArgument } from './duration.js';

const MINUTE = 60 * 1000;

test('parseDuration reads unit sequences', () => {
  const cases: [string, number][] = [
    ['1d', 24 * 60 * MINUTE],
    ['2h30m', 150 * MINUTE],
    ['90m', 90 * MINUTE],
    ['1w', 7 * 24 * 60 * MINUTE],
    ['45s', 45 * 1000],
    ['1w2d3h4m5s', ((9 * 24 + 3) * 60 + 4) * MINUTE + 5000],
    ['0m', 0],
  ];
  for (const [text, expected] of cases) expect({ text, ms: parseDuration(text) }).toEqual({ text, ms: expected });
});

test('parseDuration rejects other text', () => {
  for (const text of ['', '1', 'd', '1x', '1 d', '-1d', '1.5h', '1D', '2026-12-04']) {
    expect({ text, ms: parseDuration(text) }).toEqual({ text, ms: null });
  }
});

test('parseIsoTime reads local and zoned times', () => {
  const cases: [string, Date][] = [
    ['2026-12-04', new Date(2026, 11, 4)],
    ['2026-12-04T19:05', new Date(2026, 11, 4, 19, 5)],
    ['2026-12-04 19:05:07', new Date(2026, 11, 4, 19, 5, 7)],
    ['2026-12-04T19:05:07.250', new Date(2026, 11, 4, 19, 5, 7, 250)],
    ['2026-12-04T19:05:07Z', new Date(Date.UTC(2026, 11, 4, 19, 5, 7))],
    ['2026-12-04T19:05:07+01:00', new Date(Date.UTC(2026, 11, 4, 18, 5, 7))],
    ['2026-12-04T19:05-0230', new Date(Date.UTC(2026, 11, 4, 21, 35))],
    ['2024-02-29', new Date(2024, 1, 29)],
  ];
  for (const [text, expected] of cases) expect({ text, time: parseIsoTime(text) }).toEqual({ text, time: expected });
});

test('parseIsoTime rejects impossible dates', () => {
  for (const text of ['2026-02-29', '2026-13-01', '2026-12-32', '2026-12-04T24:00', '2026-12-04T19:60', '26-12-04', '2026-12-4', 'now']) {
    expect({ text, time: parseIsoTime(text) }).toEqual({ text, time: null });
  }
});

test('parseTimeArgument subtracts durations from now', () => {
  const now = new Date(2026, 11, 4, 20, 0, 0);
  expect(parseTimeArgument('90m', now)).toEqual(new Date(2026, 11, 4, 18, 30, 0));
  expect(parseTimeArgument('2026-12-01', now)).toEqual(new Date(2026, 11, 1));
  expect(parseTimeArgument('soon', now)).toBeNull();
});
