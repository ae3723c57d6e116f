/**
 * Every access check for one request, in xinetd's order: the banner, then the cheap checks
 * (cps, max_load, access_times, instances, per_source, -limit), then the sensor deny list
 * and only_from/no_access, then hosts.allow/hosts.deny, then banner_success and the identd
 * query. The cheap checks run synchronously and reserve the request's slot at once, so
 * that requests racing through the slower checks can never exceed `instances` or
 * `per_source`.
 */
import type net from 'node:net';
import { checkAddress, needsName, parseClient, withinAccessTimes, type AddressRule, type ClientNames } from '#acl';
import type { FailReason, Source } from '#logformat';
import type { EventLog } from '../log/event-log.js';
import type { RunningServer, Service } from '../service.js';
import { sendBanner } from './banner.js';
import { CpsGuard } from './cps.js';
import { HostsFiles, wrapperName } from './hosts-files.js';
import { queryIdent, type IdentTarget } from './ident.js';
import { LoadGauge } from './load.js';
import { NameResolver } from './resolver.js';
import { SensorList } from './sensor.js';
import { accessSettings, type AccessSettings } from './settings.js';

export interface AccessRequest {
  service: Service;
  source: Source;
  /** The connection, or null for a datagram. */
  socket: net.Socket | null;
  /** The request will run a server that counts against instances and per_source. */
  counted: boolean;
}

/** The dispatcher's state and log that the checks use. */
export interface AccessHost {
  log: EventLog;
  processLimit: number | null;
  runningCount(): number;
  /** False once the service was dropped by a reload or the daemon stops. */
  isActive(service: Service): boolean;
}

/** How long a datagram source's address FAIL is not repeated, as xinetd's DGRAM_IGNORE_TIME. */
const DGRAM_IGNORE_MS = 60_000;

/** Identd queries for rejected clients that may run at once. */
const MAX_FAILURE_LOOKUPS = 15;

function identTarget(source: Source, socket: net.Socket): IdentTarget | null {
  const { localAddress, localPort, remotePort } = socket;
  if (source.ip === null || localAddress === undefined || localPort === undefined || remotePort === undefined) return null;
  return { clientIp: source.ip, clientPort: remotePort, localIp: localAddress, localPort };
}

function hasNameRules(service: Service): boolean {
  const any = (rules: readonly AddressRule[] | null) => rules?.some(needsName) ?? false;
  return any(service.rules.onlyFrom) || any(service.rules.noAccess);
}

export class AccessControl {
  readonly settings: AccessSettings;
  private readonly host: AccessHost;
  private readonly wrappers: HostsFiles;
  private readonly resolver: NameResolver;
  private readonly load: LoadGauge;
  readonly sensors: SensorList;
  private readonly cps: CpsGuard;
  private failureLookups = 0;
  /** When each address and port last had a datagram rejected by address, in ms. */
  private readonly datagramFailures = new Map<string, number>();

  constructor(host: AccessHost, env: NodeJS.ProcessEnv) {
    this.host = host;
    this.settings = accessSettings(env);
    this.wrappers = new HostsFiles(this.settings.hostsDir, host.log);
    this.resolver = new NameResolver(this.settings.hostsFile, this.settings.nameTimeoutMs);
    this.load = new LoadGauge(this.settings.loadavgFile, host.log);
    this.sensors = new SensorList(host.log, this.settings.minuteMs);
    this.cps = new CpsGuard(host);
  }

  /**
   * Runs the checks and calls `proceed` when the request may be served; a rejected
   * request is logged, gets banner_fail, and is closed here.
   */
  async admit(request: AccessRequest, proceed: () => void): Promise<void> {
    const { service, socket } = request;
    if (socket && service.config.banner) await sendBanner(socket, service.config.banner, service.config.id, this.host.log);
    const early = this.cheapChecks(request);
    if (early !== null) {
      const rejected = this.reject(request, early);
      if (early === 'connections per second') this.cps.suspend(service);
      return rejected;
    }
    const slot = this.reserve(request);
    let reason: FailReason | 'NOID' | 'gone' | null;
    try {
      reason = await this.slowChecks(request);
    } finally {
      if (slot) service.running.delete(slot);
    }
    if (reason === 'gone') return;
    if (reason === 'NOID') {
      socket?.destroy();
      return;
    }
    if (reason !== null) return this.reject(request, reason);
    proceed();
  }

  /** Stops the timers, so that the daemon can exit. */
  close(): void {
    this.sensors.close();
    this.cps.close();
  }

  private cheapChecks(request: AccessRequest): FailReason | null {
    const { service, source, counted } = request;
    const { config } = service;
    if (this.cps.tripped(service)) return 'connections per second';
    if (config.maxLoad !== null && this.load.exceeds(config.maxLoad, source)) return 'load';
    if (!withinAccessTimes(config.accessTimes, new Date())) return 'time';
    if (counted && config.instances !== null && service.running.size >= config.instances) return 'service_limit';
    if (counted && config.perSource !== null && source.ip !== null && this.fromSource(service, source.ip) >= config.perSource) return 'per_source_limit';
    if (counted && this.host.processLimit !== null && this.host.runningCount() >= this.host.processLimit) return 'process_limit';
    if (config.flags.has('SENSOR')) {
      this.sensors.hit(config, source);
      return 'address';
    }
    if (source.ip !== null && this.sensors.denies(source.ip)) return 'address';
    return null;
  }

  private fromSource(service: Service, ip: string): number {
    let count = 0;
    for (const server of service.running) if (server.source.ip === ip) count++;
    return count;
  }

  /** Holds the request's place in `running` while the slower checks run. */
  private reserve(request: AccessRequest): RunningServer | null {
    if (!request.counted) return null;
    const slot: RunningServer = { pid: 0, child: null, source: request.source, startedAt: Date.now(), stop: () => request.socket?.destroy() };
    request.service.running.add(slot);
    return slot;
  }

  private async slowChecks(request: AccessRequest): Promise<FailReason | 'NOID' | 'gone' | null> {
    const { service, source, socket } = request;
    const { config } = service;
    const useWrappers = !config.flags.has('NOLIBWRAP');
    const wantNames = source.ip !== null && (hasNameRules(service) || (useWrappers && this.wrappers.needsNames()));
    const names: ClientNames = wantNames ? await this.resolver.names(source.ip!) : null;
    const verdict = checkAddress(source.ip, service.rules.onlyFrom, service.rules.noAccess, names);
    if (!verdict.allowed) {
      this.host.log.debug(`service ${config.id}: ${verdict.decision}${verdict.rule ? ` (${verdict.rule})` : ''} for ${source.ip}`);
      return 'address';
    }
    if (useWrappers && !this.wrappersAllow(service, source, names)) return 'libwrap';
    if (socket?.destroyed) return 'gone';
    if (socket && config.bannerSuccess) await sendBanner(socket, config.bannerSuccess, config.id, this.host.log);
    if (socket && !(await this.identify(service, source, socket))) return 'NOID';
    return socket?.destroyed ? 'gone' : null;
  }

  private wrappersAllow(service: Service, source: Source, names: ClientNames): boolean {
    const address = source.ip === null ? null : parseClient(source.ip);
    const daemon = wrapperName(service.config);
    // An unknown address, which only a wait = yes stream service has, is checked as 0.0.0.0, as xinetd 2.3.15.3 does.
    const verdict = this.wrappers.check(daemon, { address: address ?? parseClient('0.0.0.0')!, names });
    if (verdict.allowed) return true;
    const where = verdict.rule ? ` (${verdict.file}:${verdict.rule.line})` : '';
    this.host.log.info(`libwrap refused connection to ${service.config.id} (libwrap=${daemon}) from ${source.ip ?? '<no address>'}`);
    this.host.log.debug(`service ${service.config.id}: rejected by ${verdict.file}${where}`);
    return false;
  }

  /** Runs the identd query when the service logs USERID or requires it (IDONLY); false means reject. */
  private async identify(service: Service, source: Source, socket: net.Socket): Promise<boolean> {
    const { config } = service;
    const required = config.flags.has('IDONLY');
    if (!config.logOnSuccess.has('USERID') && !required) return true;
    const target = identTarget(source, socket);
    if (target === null) return !required;
    const result = await queryIdent(target, this.settings.identPort, this.settings.identTimeoutMs);
    if (result.ok) {
      this.host.log.userid(config, result.text);
      return true;
    }
    if (required) this.host.log.noid(config, source, result.reason);
    else this.host.log.error(`service ${config.id}: identity server at ${source.ip}: ${result.reason}`);
    return !required;
  }

  private async reject(request: AccessRequest, reason: FailReason): Promise<void> {
    const { service, source, socket } = request;
    if (socket || reason !== 'address' || !this.recentDatagramFailure(source)) this.host.log.failed(service.config, reason, source);
    if (!socket) return;
    if (service.config.bannerFail && !socket.destroyed) {
      await sendBanner(socket, service.config.bannerFail, service.config.id, this.host.log);
    }
    if (service.config.logOnFailure.has('USERID')) await this.identifyRejected(service, source, socket);
    socket.destroy();
  }

  /**
   * True when the same address and port had a datagram rejected in the last 60 s, as xinetd
   * logs such a FAIL once, so that a spoofed stream of datagrams cannot fill the log.
   */
  private recentDatagramFailure(source: Source): boolean {
    const key = `${source.ip} ${source.port}`;
    const now = Date.now();
    const last = this.datagramFailures.get(key);
    if (last !== undefined && now - last < DGRAM_IGNORE_MS) return true;
    if (this.datagramFailures.size >= 4096) this.datagramFailures.clear();
    this.datagramFailures.set(key, now);
    return false;
  }

  /**
   * Logs USERID for a rejected client, keeping the connection open meanwhile so that its
   * identd still knows it. At most MAX_FAILURE_LOOKUPS run at once, as xinetd's `-logprocs`
   * default of 15 intends, so a flood cannot make the daemon open a query per rejection.
   */
  private async identifyRejected(service: Service, source: Source, socket: net.Socket): Promise<void> {
    const target = identTarget(source, socket);
    if (target === null || this.failureLookups >= MAX_FAILURE_LOOKUPS) return;
    this.failureLookups++;
    try {
      const result = await queryIdent(target, this.settings.identPort, this.settings.identTimeoutMs);
      if (result.ok) this.host.log.userid(service.config, result.text);
      else this.host.log.error(`service ${service.config.id}: identity server at ${source.ip}: ${result.reason}`);
    } finally {
      this.failureLookups--;
    }
  }
}
