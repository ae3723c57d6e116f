import { defineConfig } from 'vitest/config';

// A zone with a half-hour offset and no daylight saving: local-time and UTC mix-ups show
// up as wrong hours in the tests instead of passing by chance on a UTC machine. Set here,
// before the test processes start, because Node reads TZ when a process starts.
process.env.TZ = 'Asia/Kolkata';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The tests open real DuckDB files, and one writes and ingests a 1,000,000-line log,
    // so vitest's default of 5 s per test is too short on a slow machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
