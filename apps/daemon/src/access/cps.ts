/**
 * `cps = connections wait`: more than `connections` in one second closes the service's
 * listener for `wait` seconds, so that clients get "connection refused", then reopens it
 * on the same address and port. The servers already running keep counting against
 * `instances`; xinetd instead resets that count when it reopens.
 */
import { RateLimiter } from '#acl';
import type { ServiceConfig } from '#config';
import type { Service } from '../service.js';
import type { AccessHost } from './control.js';

interface Window {
  settings: ServiceConfig['cps'];
  limiter: RateLimiter;
}

export class CpsGuard {
  private readonly host: AccessHost;
  private readonly windows = new WeakMap<Service, Window>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(host: AccessHost) {
    this.host = host;
  }

  /** Records one request; true when it exceeds the service's rate. */
  tripped(service: Service): boolean {
    const settings = service.config.cps;
    if (settings === null) return false;
    let window = this.windows.get(service);
    if (window?.settings !== settings) {
      window = { settings, limiter: new RateLimiter(settings.connections) };
      this.windows.set(service, window);
    }
    return window.limiter.hit(Date.now());
  }

  /** Closes the listener and schedules its reopening. */
  suspend(service: Service): void {
    const { config, listener } = service;
    if (!listener || config.cps === null) return;
    const wait = config.cps.waitSeconds;
    this.host.log.error(`Deactivating service ${config.id} due to excessive incoming connections.  Restarting in ${wait} seconds.`);
    listener.close();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.resume(service);
    }, wait * 1000);
    this.timers.add(timer);
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async resume(service: Service): Promise<void> {
    if (!this.host.isActive(service) || !service.listener || !service.bound) return;
    try {
      await service.listener.open({ ...service.config, port: service.bound.port });
      this.host.log.error(`Activating service ${service.config.id}`);
    } catch (error) {
      this.host.log.error(`Error activating service ${service.config.id}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
}
