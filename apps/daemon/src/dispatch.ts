/**
 * The path of one connection or datagram: the checks in xinetd's order, each returning
 * early with a logged FAIL, then an internal service or an external server.
 */
import { constants } from 'node:os';
import type dgram from 'node:dgram';
import type net from 'node:net';
import { normalizeAddress, type Source } from '#logformat';
import type { AccessControl } from './access/control.js';
import { findBuiltin } from './internal/index.js';
import type { EventLog } from './log/event-log.js';
import type { RunningServer, Service } from './service.js';
import type { HolderEvents } from './child/holder.js';
import { serverEnvironment } from './child/environment.js';
import type { Spawner } from './child/spawner.js';
import { relay } from './redirect/relay.js';
import { applySocketFlags, spawnServer, type SpawnResult } from './spawn.js';
import { errnoCodeOf, isStartShortage, reportSpawnShortage, spawnSucceeded } from './spawn-shortage.js';

export interface DispatchContext {
  log: EventLog;
  /** The daemon's environment at start-up, which servers inherit. */
  environment: NodeJS.ProcessEnv;
  /** `-limit`, or null. */
  processLimit: number | null;
  /** Servers running over all services. */
  runningCount(): number;
  /** Starts wait = no servers cheaply; null when the helper was not compiled. */
  spawner: Spawner | null;
  access: AccessControl;
}

function streamSource(socket: net.Socket): Source {
  const ip = socket.remoteAddress === undefined ? null : normalizeAddress(socket.remoteAddress);
  return { ip, port: socket.remotePort };
}

function track(service: Service, server: RunningServer): void {
  service.running.add(server);
}

function finish(context: DispatchContext, service: Service, server: RunningServer, status: number | null, signal: number | null): void {
  if (!service.running.delete(server)) return;
  context.log.exited(service.config, server.pid, status, signal, Date.now() - server.startedAt);
}

function serveInternal(context: DispatchContext, service: Service, socket: net.Socket, source: Source): void {
  const builtin = findBuiltin(service.config.name, 'stream');
  if (!builtin?.serve) {
    context.log.error(`service ${service.config.id}: no internal stream service named ${service.config.name}`);
    socket.destroy();
    return;
  }
  context.log.started(service.config, 0, source);
  // The listener accepts paused, so that external servers get every byte. An internal
  // service reads in the daemon, and a paused socket stays paused even with 'data' listeners.
  socket.resume();
  if (!builtin.forks) {
    void builtin.serve(socket);
    return;
  }
  const server: RunningServer = { pid: 0, child: null, source, startedAt: Date.now(), stop: () => socket.destroy() };
  track(service, server);
  void builtin.serve(socket).finally(() => finish(context, service, server, 0, null));
}

function serveExternal(context: DispatchContext, service: Service, socket: net.Socket, source: Source): void {
  const { config } = service;
  if (config.redirect !== null) {
    serveRedirect(context, service, socket, source);
    return;
  }
  if (context.spawner !== null) {
    serveThroughSpawner(context, context.spawner, service, socket, source);
    return;
  }
  serveThroughSpawn(context, service, socket, source);
}

/** Starts the server with Node's own spawn(), the path without the compiled helper. */
function serveThroughSpawn(context: DispatchContext, service: Service, socket: net.Socket, source: Source): void {
  const { config } = service;
  let started: SpawnResult;
  try {
    started = spawnServer(config, socket, context.environment, source.ip);
  } catch (error) {
    socket.destroy();
    context.log.error(`service ${config.id}: unable to start ${config.server}: ${(error as Error).message}`);
    context.log.failed(config, 'fork', source);
    return;
  }
  const { child, pid, ready } = started;
  if (pid === undefined) {
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (isStartShortage(error.code)) reportSpawnShortage(context.log, service, error.code);
      else context.log.error(`service ${config.id}: unable to start ${config.server}: ${error.code ?? error.message}; check the "server" path and its permissions`);
      context.log.failed(config, 'fork', source);
    });
    return;
  }
  child.on('error', () => {
    // Only a failed kill() lands here once the server runs; its exit is still reported.
  });
  const server: RunningServer = { pid, child, source, startedAt: Date.now(), stop: null };
  track(service, server);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, name) => resolve([code, name])));

  void ready.then(async (problem) => {
    if (problem === null) {
      spawnSucceeded(context.log, service);
      context.log.started(config, pid, source);
    } else {
      reportStartFailure(context, service, source, problem);
    }
    const [code, signalName] = await exited;
    if (problem !== null) {
      service.running.delete(server);
      return;
    }
    const signal = signalName === null ? null : (constants.signals[signalName] ?? null);
    finish(context, service, server, signal === null ? code : null, signal);
  });
}

/** Like the spawn path, but the server is the spawner's child: it is signalled by pid, and its exit comes from the spawner. */
function serveThroughSpawner(context: DispatchContext, spawner: Spawner, service: Service, socket: net.Socket, source: Source): void {
  const { config } = service;
  applySocketFlags(config, socket);
  let settle = () => undefined as void;
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  // A stop that comes before the spawner has reported the pid is applied once it has.
  let pendingSignal: NodeJS.Signals | null = null;
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (server.pid === 0) pendingSignal = signal;
    else killQuietly(server.pid, signal);
  };
  const server: RunningServer = { pid: 0, child: null, source, startedAt: Date.now(), stop, done };
  // Counted from now, so that instances and -limit hold while the spawner forks.
  track(service, server);
  const env = serverEnvironment(config, context.environment, source.ip);
  const onExit = (report: { status: number | null; signal: number | null }) => {
    finish(context, service, server, report.status, report.signal);
    settle();
  };
  const onStart = (pid: number) => {
    server.pid = pid;
    spawnSucceeded(context.log, service);
    context.log.started(config, pid, source);
    if (pendingSignal !== null) killQuietly(pid, pendingSignal);
  };
  void spawner.launch(config, socket, env, onStart, onExit).then((reply) => {
    if (!('error' in reply)) return;
    service.running.delete(server);
    settle();
    reportStartFailure(context, service, source, reply.error, reply.code);
  });
}

/** Logs why a server did not start: once per burst when the system ran short, else every time. */
function reportStartFailure(context: DispatchContext, service: Service, source: Source, problem: string, code?: string): void {
  const { config } = service;
  if (isStartShortage(code)) reportSpawnShortage(context.log, service, code);
  else context.log.error(`service ${config.id}: unable to start ${config.server}: ${problem}; check the service's user, limits and "server" path`);
  context.log.failed(config, 'fork', source);
}

/**
 * The events of a `wait = yes` service's helper: the checks run on each pending request
 * (a datagram's sender is known, a stream client's is not), then START and EXIT.
 */
export function heldEvents(context: DispatchContext, service: Service): HolderEvents {
  const servers = new Map<number, { server: RunningServer; settle: () => void }>();
  return {
    request(source) {
      return new Promise((resolve) => {
        let allowed = false;
        const admitted = context.access.admit({ service, source, socket: null, counted: true }, () => {
          allowed = true;
        });
        void admitted.finally(() => resolve(allowed));
      });
    },
    started(pid, source) {
      let settle = () => undefined as void;
      const done = new Promise<void>((resolve) => {
        settle = resolve;
      });
      const server: RunningServer = { pid, child: null, source, startedAt: Date.now(), stop: (signal) => killQuietly(pid, signal), done };
      servers.set(pid, { server, settle });
      track(service, server);
      spawnSucceeded(context.log, service);
      context.log.started(service.config, pid, source);
    },
    exited(pid, status, signal) {
      const entry = servers.get(pid);
      servers.delete(pid);
      if (!entry) return;
      finish(context, service, entry.server, status, signal);
      entry.settle();
    },
    problem(text) {
      // The helper retries a failed fork after a pause; one line per burst is enough.
      const code = errnoCodeOf(text);
      if (text.startsWith('fork:') && isStartShortage(code)) reportSpawnShortage(context.log, service, code);
      else context.log.error(`service ${service.config.id}: ${text}`);
    },
    recovered(text) {
      context.log.info(`service ${service.config.id}: ${text}`);
    },
  };
}

function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (pid <= 0) return;
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone; its EXIT is on its way from the helper.
  }
}

/** A redirect service relays in the daemon: START with pid 0, then TRAFFIC and EXIT when both sides close. */
function serveRedirect(context: DispatchContext, service: Service, socket: net.Socket, source: Source): void {
  const { config } = service;
  const target = config.redirect!;
  const session = relay(socket, target, config.flags.has('KEEPALIVE'));
  const server: RunningServer = { pid: 0, child: null, source, startedAt: Date.now(), stop: session.stop };
  track(service, server);
  context.log.started(config, 0, source);
  void session.done.then((result) => {
    if (result.connectError) {
      const reason = result.connectError.code ?? result.connectError.message;
      context.log.error(`service ${config.id}: can't connect to remote host ${target.host} port ${target.port}: ${reason}`);
    }
    context.log.traffic(config, result.bytesIn, result.bytesOut);
    finish(context, service, server, 0, null);
  });
}

/** Handles one accepted TCP connection of a `wait = no` stream service. */
export function dispatchConnection(context: DispatchContext, service: Service, socket: net.Socket): void {
  socket.on('error', () => {
    // A reset from the client before the hand-over needs no more than the close below.
  });
  const source = streamSource(socket);
  const internal = service.config.types.has('INTERNAL');
  const counted = !internal || findBuiltin(service.config.name, 'stream')?.forks === true;
  void context.access.admit({ service, source, socket, counted }, () => {
    if (internal) serveInternal(context, service, socket, source);
    else serveExternal(context, service, socket, source);
  });
}

/** Handles one datagram of an internal dgram service, which xinetd serves without forking. */
export function dispatchDatagram(
  context: DispatchContext,
  service: Service,
  message: Buffer,
  remote: dgram.RemoteInfo,
  socket: dgram.Socket,
): void {
  const source: Source = { ip: normalizeAddress(remote.address), port: remote.port };
  void context.access.admit({ service, source, socket: null, counted: false }, () => {
    const builtin = findBuiltin(service.config.name, 'dgram');
    context.log.started(service.config, 0, source);
    const reply = builtin?.reply?.(message, new Date()) ?? null;
    if (reply !== null) socket.send(reply, remote.port, remote.address);
  });
}
