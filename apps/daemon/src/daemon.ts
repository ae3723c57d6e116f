/**
 * The running daemon: loads the configuration, opens one listener per service, and on
 * reload merges the new configuration into the running one, keeping every listener whose
 * service did not change.
 */
import { formatDiagnostic, loadConfig, type Diagnostic, type LoadedConfig, type ServiceConfig } from '#config';
import { AcceptTrouble } from './accept-trouble.js';
import { AccessControl } from './access/control.js';
import { dispatchConnection, dispatchDatagram, heldEvents, type DispatchContext } from './dispatch.js';
import { HeldListener } from './child/holder.js';
import { Spawner } from './child/spawner.js';
import { DatagramListener, StreamListener, type BoundAddress } from './listener.js';
import type { EventLog } from './log/event-log.js';
import { Service, listenerKey, type RunningServer } from './service.js';
import { cannotSwitchUser } from './spawn.js';
import { writeStateDump } from './state-dump.js';
import { findBuiltin } from './internal/index.js';
import { HELPER_MISSING, helperAvailable, needsHelper } from './child/helper.js';

export const VERSION = '0.1.0';

/** How long servers get to exit after SIGTERM before they are killed. */
const KILL_GRACE_MS = 2500;

export interface DaemonSettings {
  configFile: string;
  baseDir: string;
  processLimit: number | null;
  environment: NodeJS.ProcessEnv;
  /** The inetd.conf that `-inetd_compat` reads after the xinetd files, or null. */
  inetdConf?: string | null;
}

function logDiagnostic(log: EventLog, diagnostic: Diagnostic): void {
  // The log line already carries the severity word, so the diagnostic does not repeat it.
  const text = formatDiagnostic(diagnostic).replace(`: ${diagnostic.severity}: `, ': ');
  if (diagnostic.severity === 'error') log.error(text);
  else if (diagnostic.severity === 'warning') log.warning(text);
  else log.info(text);
}

/** Returns why the daemon cannot run this service yet, or null when it can. */
export function unsupportedReason(config: ServiceConfig): string | null {
  if (config.socketType !== 'stream' && config.socketType !== 'dgram') return `socket_type ${config.socketType} is not supported yet`;
  if (config.types.has('RPC') || config.types.has('TCPMUX') || config.types.has('TCPMUXPLUS')) {
    return 'RPC and TCPMUX services are not supported yet';
  }
  const internal = config.types.has('INTERNAL');
  if (internal) {
    // An internal dgram service replies to each datagram itself, which is what wait = yes means for it.
    if (config.wait && config.socketType === 'stream') return 'wait = yes is not supported yet for internal stream services';
    if (!config.flags.has('SENSOR') && !findBuiltin(config.name, config.socketType)) return `there is no internal ${config.socketType} service named ${config.name}`;
    return null;
  }
  if (config.redirect !== null) return redirectProblem(config);
  if (needsHelper(config) && !helperAvailable()) return HELPER_MISSING;
  return null;
}

function redirectProblem(config: ServiceConfig): string | null {
  if (config.socketType !== 'stream' || config.protocol !== 'tcp') return 'redirect works only for tcp stream services';
  if (config.wait) return 'a redirect service must have wait = no';
  return null;
}

function describeBound(service: Service): string {
  const bound = service.bound!;
  const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  return `${host}:${bound.port}/${service.config.protocol}`;
}

export class Daemon {
  private readonly settings: DaemonSettings;
  private readonly log: EventLog;
  private readonly context: DispatchContext;
  private readonly services = new Map<string, Service>();
  private stopping = false;

  constructor(settings: DaemonSettings, log: EventLog) {
    this.settings = settings;
    this.log = log;
    const runningCount = () => this.runningCount();
    // One AccessControl for the daemon's life, so that the sensor deny list survives reloads.
    const isActive = (service: Service) => !this.stopping && [...this.services.values()].includes(service);
    const access = new AccessControl({ log, processLimit: settings.processLimit, runningCount, isActive }, settings.environment);
    const spawner = helperAvailable() ? new Spawner((text) => log.error(text)) : null;
    this.context = { log, environment: settings.environment, processLimit: settings.processLimit, runningCount, access, spawner };
  }

  runningCount(): number {
    let count = 0;
    for (const service of this.services.values()) count += service.running.size;
    return count;
  }

  /** Lists the services that are listening, for the start-up summary. */
  listening(): { id: string; address: string }[] {
    return [...this.services.values()].map((service) => ({ id: service.config.id, address: describeBound(service) }));
  }

  /** Lists the `log_type FILE` paths in use, for the start-up summary. */
  serviceLogPaths(): string[] {
    const paths = new Set<string>();
    for (const config of this.configs()) {
      const path = this.log.serviceLogPath(config);
      if (path) paths.add(path);
    }
    return [...paths];
  }

  /**
   * Loads the configuration and starts every service that loads. Returns how many
   * services listen, or null when the main configuration file could not be read at all.
   */
  async start(): Promise<number | null> {
    const loaded = this.load();
    if (loaded.files.length === 0) return null;
    for (const config of this.usable(loaded)) await this.startService(config);
    this.log.reopen(this.configs());
    this.log.notice(`xinetd-ts ${VERSION} started`);
    const count = this.services.size;
    this.log.notice(`Started working: ${count} available service${count === 1 ? '' : 's'}`);
    return count;
  }

  /** Re-reads the configuration. A configuration with errors leaves everything as it is. */
  async reload(): Promise<void> {
    if (this.stopping) return;
    this.log.notice('Starting reconfiguration');
    const loaded = this.load();
    const errors = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    if (errors.length > 0 || loaded.files.length === 0) {
      this.refuseReload(errors);
      return;
    }

    const wanted = new Map(this.usable(loaded).map((config) => [listenerKey(config), config]));
    let dropped = 0;
    for (const [key, service] of this.services) {
      const config = wanted.get(key);
      if (config) {
        this.readjust(service, config);
        wanted.delete(key);
      } else {
        this.deactivate(key, service);
        dropped++;
      }
    }

    const kept = this.services.size;
    for (const config of wanted.values()) await this.startService(config);
    this.log.reopen(this.configs());
    this.log.notice(`Reconfigured: new=${this.services.size - kept} old=${kept} dropped=${dropped} (services)`);
  }

  private refuseReload(errors: readonly Diagnostic[]): void {
    const services = [...new Set(errors.map((diagnostic) => diagnostic.service).filter((id) => id !== null))];
    const which = services.length > 0 ? ` (services ${services.join(', ')})` : '';
    this.log.warning(
      `reconfiguration failed: ${errors.length} error${errors.length === 1 ? '' : 's'} in ${this.settings.configFile}${which}; ` +
        'keeping the running configuration until every error is fixed',
    );
    // A SIGHUP from logrotate still has to move the logs to new files.
    this.log.reopen(this.configs());
  }

  /** Gives a kept service its new configuration; its listener and running servers stay. */
  private readjust(service: Service, config: ServiceConfig): void {
    this.log.notice(`readjusting service ${config.id}`);
    service.update(config);
    if (service.listener instanceof HeldListener) service.listener.reconfigure(config);
    this.reportRules(service);
  }

  /**
   * Closes every listener. With `killServers`, servers get SIGTERM, then SIGKILL after a
   * grace period, and the promise resolves when all have exited. Without it (SIGQUIT),
   * external servers keep running.
   */
  async stop(killServers: boolean): Promise<void> {
    this.stopping = true;
    this.context.access.close();
    for (const service of this.services.values()) service.listener?.close();
    if (killServers) await this.terminateAll([...this.services.values()]);
    this.context.spawner?.stop();
    this.log.warning('Exiting...');
    await this.log.settle();
  }

  /** Appends the state dump to `path`, and logs where, as xinetd does. */
  dumpState(path: string): void {
    try {
      writeStateDump(path, {
        version: VERSION,
        now: new Date(),
        services: [...this.services.values()],
        processLimit: this.settings.processLimit,
        runningCount: this.runningCount(),
      });
      this.log.info(`generated state dump in file ${path}`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      this.log.error(`unable to write the state dump to ${path}: ${code}; choose another file with -dumpfile`);
    }
  }

  private configs(): ServiceConfig[] {
    return [...this.services.values()].map((service) => service.config);
  }

  private load(): LoadedConfig {
    const { baseDir, inetdConf } = this.settings;
    const loaded = loadConfig(this.settings.configFile, { baseDir, ...(inetdConf ? { inetdConf } : {}) });
    for (const diagnostic of loaded.diagnostics) logDiagnostic(this.log, diagnostic);
    return loaded;
  }

  private usable(loaded: LoadedConfig): ServiceConfig[] {
    const usable: ServiceConfig[] = [];
    for (const config of loaded.services) {
      const reason = unsupportedReason(config);
      if (reason) this.log.error(`service ${config.id} (${config.position.file}:${config.position.line}): ${reason}; the service is not started`);
      else usable.push(config);
    }
    return usable;
  }

  private reportRules(service: Service): void {
    for (const problem of service.rules.problems) this.log.error(problem);
    if (cannotSwitchUser(service.config)) {
      this.log.notice(`service ${service.config.id}: not running as root, so its servers run as uid ${process.getuid?.()}, not as user ${service.config.user}`);
    }
  }

  private async startService(config: ServiceConfig): Promise<void> {
    const key = listenerKey(config);
    if (this.services.has(key)) {
      this.log.error(`service ${config.id} (${config.position.file}:${config.position.line}): the same service is already listening; the duplicate is not started`);
      return;
    }
    const service = new Service(config);
    this.reportRules(service);
    const listener = this.makeListener(service);
    try {
      service.bound = await listener.open(config);
    } catch (error) {
      this.reportBindFailure(config, error as NodeJS.ErrnoException);
      return;
    }
    service.listener = listener;
    this.services.set(key, service);
    this.log.info(`service ${config.id} listening on ${describeBound(service)}`);
  }

  private makeListener(service: Service): StreamListener | DatagramListener | HeldListener {
    const { config } = service;
    if (config.wait && !config.types.has('INTERNAL')) return new HeldListener(this.settings.environment, heldEvents(this.context, service));
    if (config.socketType === 'stream') {
      const trouble = new AcceptTrouble(config.id, this.context.log);
      return new StreamListener((socket) => dispatchConnection(this.context, service, socket), trouble);
    }
    return new DatagramListener((message, remote, socket) => dispatchDatagram(this.context, service, message, remote, socket));
  }

  private reportBindFailure(config: ServiceConfig, error: NodeJS.ErrnoException): void {
    const where = `${config.bind ?? '*'}:${config.port}/${config.protocol}`;
    const hint =
      error.code === 'EADDRINUSE'
        ? 'stop the program that uses this port, or change "port"'
        : error.code === 'EACCES'
          ? 'ports below 1024 need root; run as root or choose a higher "port"'
          : 'check "bind" and "port"';
    this.log.error(
      `service ${config.id}: unable to bind ${where}: ${error.code ?? error.message}; ${hint} (${config.position.file}:${config.position.line}); the service is not started`,
    );
  }

  private deactivate(key: string, service: Service): void {
    service.listener?.close();
    this.services.delete(key);
    void this.terminateAll([service]);
    this.log.notice(`service ${service.config.id} deactivated`);
  }

  private async terminateAll(services: Service[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const service of services) {
      for (const server of service.running) waits.push(this.terminate(service, server));
    }
    await Promise.all(waits);
  }

  /** An in-process session ends at once; a wait = yes server is signalled by pid, as a child is. */
  private terminateOther(service: Service, server: RunningServer): Promise<void> {
    if (server.done === undefined) {
      server.stop?.();
      return Promise.resolve();
    }
    const timer = setTimeout(() => {
      this.log.warning(`Sending signal 9 to ${service.config.id} server ${server.pid}`);
      server.stop?.('SIGKILL');
    }, KILL_GRACE_MS);
    this.log.warning(`Sending signal 15 to ${service.config.id} server ${server.pid}`);
    server.stop?.('SIGTERM');
    return server.done.finally(() => clearTimeout(timer));
  }

  private terminate(service: Service, server: RunningServer): Promise<void> {
    if (!server.child) return this.terminateOther(service, server);
    const child = server.child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.log.warning(`Sending signal 9 to ${service.config.id} server ${server.pid}`);
        child.kill('SIGKILL');
      }, KILL_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.log.warning(`Sending signal 15 to ${service.config.id} server ${server.pid}`);
      child.kill('SIGTERM');
    });
  }
}

export type { BoundAddress };
