/**
 * The budget of the property-based fuzz tests. Each property runs a bounded number of
 * inputs by default, so that the whole fuzz set stays short in CI;
 * XINETD_TS_FUZZ_RUNS=N runs every property N times instead, and XINETD_TS_FUZZ_SEED=S
 * replays the run that a failure printed.
 */
import fc from 'fast-check';

function integerVariable(name: string, minimum: number): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum) throw new Error(`${name}=${text} is not an integer of at least ${minimum}`);
  return value;
}

function positiveInteger(name: string): number | undefined {
  return integerVariable(name, 1);
}

/** Inputs per property: `defaultRuns`, or XINETD_TS_FUZZ_RUNS when set. */
export function fuzzRuns(defaultRuns: number): number {
  return positiveInteger('XINETD_TS_FUZZ_RUNS') ?? defaultRuns;
}

/** Returns a vitest timeout that leaves a long run (XINETD_TS_FUZZ_RUNS) room to finish. */
export function fuzzTimeout(defaultMs = 60_000): number {
  return positiveInteger('XINETD_TS_FUZZ_RUNS') === undefined ? defaultMs : 24 * 3600 * 1000;
}

/**
 * Runs `property` for its budget and prints how many inputs it tried, how long it took
 * and the seed. On failure it throws fast-check's report, which contains the seed, the path
 * and the shrunk counterexample.
 */
export function runFuzz<T>(label: string, property: fc.IProperty<T>, defaultRuns: number): void {
  const seed = integerVariable('XINETD_TS_FUZZ_SEED', Number.MIN_SAFE_INTEGER);
  const started = performance.now();
  const details = fc.check(property, { numRuns: fuzzRuns(defaultRuns), ...(seed === undefined ? {} : { seed }) });
  const elapsed = Math.round(performance.now() - started);
  console.log(`fuzz: ${label}: ${details.numRuns} inputs in ${elapsed} ms, seed ${details.seed}`);
  if (details.failed) throw new Error(`fuzz: ${label}: ${fc.defaultReportMessage(details) ?? 'failed'}`);
}
