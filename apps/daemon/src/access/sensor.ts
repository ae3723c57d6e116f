/**
 * SENSOR services and the global deny list they fill. The list lives as long as the
 * daemon, so a reload keeps it, as xinetd does.
 */
import { DenyList } from '#acl';
import type { ServiceConfig } from '#config';
import type { Source } from '#logformat';
import type { EventLog } from '../log/event-log.js';

export class SensorList {
  private readonly log: EventLog;
  private readonly list: DenyList;
  private readonly minuteMs: number;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(log: EventLog, minuteMs: number) {
    this.log = log;
    this.minuteMs = minuteMs;
    this.list = new DenyList(minuteMs);
  }

  /** Lists the source of a request to a sensor service, when its deny_time is not NEVER. */
  hit(config: ServiceConfig, source: Source): void {
    if (config.denyTime === null || source.ip === null) return;
    const result = this.list.add(source.ip, config.denyTime, Date.now());
    if (result === 'full') {
      this.log.error('Maximum global_no_access count reached.');
    } else if (result === 'added') {
      const minutes = config.denyTime === 'FOREVER' ? -1 : config.denyTime;
      this.log.message({ severity: 'CRITICAL', text: `${process.pid} {process_sensor} Adding ${source.ip} to the global_no_access list for ${minutes} minutes` });
      this.startSweeping();
    }
  }

  denies(ip: string): boolean {
    return this.list.has(ip, Date.now());
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /**
   * Frees expired entries once a minute and logs it, as xinetd does. An entry stops
   * denying at its own time whatever the sweep does, since `denies` compares times.
   */
  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), this.minuteMs);
    this.sweeper.unref();
  }

  private sweep(): void {
    if (this.list.expire(Date.now()) > 0) this.log.info('At least 1 DENY_TIME has expired, global_no_access list updated');
    if (this.list.size > 0) return;
    this.log.info('global_no_access list is empty.');
    this.close();
  }
}
