/** Short forms of durations for explanations: `10m`, `1d`, `2h30m`. */
const UNITS: readonly [string, number][] = [
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
];

/** Formats milliseconds with the units of `--find-time`, largest first; below a second, `0s`. */
export function formatDurationShort(milliseconds: number): string {
  let rest = Math.floor(milliseconds / 1000) * 1000;
  let text = '';
  for (const [unit, size] of UNITS) {
    const amount = Math.floor(rest / size);
    if (amount > 0) text += `${amount}${unit}`;
    rest -= amount * size;
  }
  return text || '0s';
}
