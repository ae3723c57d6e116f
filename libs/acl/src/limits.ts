/**
 * The limits that xinetd checks before it starts a server: the time of day, the load
 * average, and the rate of connections.
 */

/** A span of the day in minutes after midnight, both ends inclusive. */
export interface TimeSpan {
  readonly start: number;
  readonly end: number;
}

/** True when the local minute of `now` falls in one of `spans`; null spans mean always. */
export function withinAccessTimes(spans: readonly TimeSpan[] | null, now: Date): boolean {
  if (spans === null) return true;
  const minute = now.getHours() * 60 + now.getMinutes();
  return spans.some((span) => minute >= span.start && minute <= span.end);
}

/** Reads the 1-minute load average from /proc/loadavg text, or null when it does not parse. */
export function parseLoadAverage(text: string): number | null {
  const first = text.trim().split(/\s+/)[0] ?? '';
  if (!/^\d+(?:\.\d+)?$/.test(first)) return null;
  return Number(first);
}

/**
 * A sliding-window connection rate limit: more than `connections` in the last second trips
 * it. xinetd instead counts in a window as long as the rate number in seconds and divides.
 * A real one-second window trips on the burst that the setting names.
 */
export class RateLimiter {
  private readonly connections: number;
  private readonly windowMs: number;
  /** Arrival times in the window, oldest first; never longer than `connections` + 1. */
  private readonly arrivals: number[] = [];

  constructor(connections: number, windowMs = 1000) {
    this.connections = connections;
    this.windowMs = windowMs;
  }

  /** Records one arrival at `nowMs`; returns true when it exceeds the rate. */
  hit(nowMs: number): boolean {
    while (this.arrivals.length > 0 && nowMs - this.arrivals[0]! >= this.windowMs) this.arrivals.shift();
    this.arrivals.push(nowMs);
    if (this.arrivals.length > this.connections) {
      this.arrivals.length = 0;
      return true;
    }
    return false;
  }
}
