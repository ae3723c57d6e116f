/** `max_load`: the 1-minute load average, read from /proc/loadavg on each request that needs it. */
import { readFileSync } from 'node:fs';
import { parseLoadAverage } from '#acl';
import type { Source } from '#logformat';
import type { EventLog } from '../log/event-log.js';

export class LoadGauge {
  private readonly path: string;
  private readonly log: EventLog;
  private reportedUnreadable = false;

  constructor(path: string, log: EventLog) {
    this.path = path;
    this.log = log;
  }

  /** True when the load is at or above `max`; an unreadable load also rejects, since it cannot be shown to be below. */
  exceeds(max: number, source: Source): boolean {
    const load = this.read();
    if (load !== null && load < max) return false;
    this.log.error(`refused connect from ${source.ip ?? '<no address>'} due to excessive load`);
    return true;
  }

  private read(): number | null {
    let load: number | null = null;
    let reason = 'its first field is not a number';
    try {
      load = parseLoadAverage(readFileSync(this.path, 'utf8'));
    } catch (error) {
      reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    }
    if (load === null && !this.reportedUnreadable) {
      this.reportedUnreadable = true;
      this.log.error(`unable to read the load average from ${this.path}: ${reason}; services with max_load reject every connection`);
    }
    if (load !== null) this.reportedUnreadable = false;
    return load;
  }
}
