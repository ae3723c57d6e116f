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
import { spawnServer } from './spawn.js';

export interface DispatchContext {
  log: EventLog;
  /** The daemon's environment at start-up, which servers inherit. */
  environment: NodeJS.ProcessEnv;
  /** `-limit`, or null. */
  processLimit: number | null;
  /** Servers running over all services. */
  runningCount(): number;
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
  let started;
  try {
    started = spawnServer(config, socket, context.environment, source.ip);
  } catch (error) {
    socket.destroy();
    context.log.error(`service ${config.id}: unable to start ${config.server}: ${(error as Error).message}`);
    context.log.failed(config, 'fork', source);
    return;
  }
  const { child, pid } = started;
  if (pid === undefined) {
    child.once('error', (error: NodeJS.ErrnoException) => {
      context.log.error(`service ${config.id}: unable to start ${config.server}: ${error.code ?? error.message}; check the "server" path and its permissions`);
      context.log.failed(config, 'fork', source);
    });
    return;
  }
  child.on('error', () => {
    // Only a failed kill() lands here once the server runs; its exit is still reported.
  });
  const server: RunningServer = { pid, child, source, startedAt: Date.now(), stop: null };
  track(service, server);
  context.log.started(config, pid, source);
  child.once('exit', (code, signalName) => {
    const signal = signalName === null ? null : (constants.signals[signalName] ?? null);
    finish(context, service, server, signal === null ? code : null, signal);
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
