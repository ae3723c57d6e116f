/**
 * The global deny list that SENSOR services fill: every service rejects an address on it
 * until its time runs out. Entries are keyed by the numeric address as logged.
 */

/** xinetd's limit on the list; more additions are refused with a message. */
export const MAX_DENY_ENTRIES = 10240;

export type DenyDuration = number | 'FOREVER';

export type AddResult = 'added' | 'already listed' | 'full';

export class DenyList {
  /** Expiry time in ms per address; Infinity for FOREVER. */
  private readonly entries = new Map<string, number>();
  private readonly minuteMs: number;

  /** `minuteMs` is the length of a deny_time minute; tests shorten it. */
  constructor(minuteMs = 60_000) {
    this.minuteMs = minuteMs;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Adds `address` for `minutes`. A repeated hit does not extend the time, as in xinetd,
   * so a sensor hit every minute cannot keep an address listed past its first expiry.
   */
  add(address: string, duration: DenyDuration, nowMs: number): AddResult {
    if (this.entries.has(address)) return 'already listed';
    if (this.entries.size >= MAX_DENY_ENTRIES) return 'full';
    this.entries.set(address, duration === 'FOREVER' ? Infinity : nowMs + duration * this.minuteMs);
    return 'added';
  }

  /** True when `address` is listed and its time has not run out. */
  has(address: string, nowMs: number): boolean {
    const expiry = this.entries.get(address);
    return expiry !== undefined && expiry > nowMs;
  }

  /** Removes the entries whose time ran out; returns how many. */
  expire(nowMs: number): number {
    let removed = 0;
    for (const [address, expiry] of this.entries) {
      if (expiry > nowMs) continue;
      this.entries.delete(address);
      removed++;
    }
    return removed;
  }
}
