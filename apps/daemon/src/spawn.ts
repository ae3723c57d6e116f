/**
 * Start-up of an external server by the daemon itself, used only when the child helper was
 * not compiled (child/spawner.ts is the usual path). The server gets the accepted socket on
 * fds 0, 1 and 2, a new session, `/` as working directory, and the environment of
 * child/environment.ts. When the daemon runs as root, it also gets the service's user and
 * group. Services that need the helper's set-up are not started without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import type { ServiceConfig } from '#config';
import { serverEnvironment } from './child/environment.js';
import { switchesUser } from './child/helper.js';

export interface Credentials {
  uid?: number;
  gid?: number;
}

/**
 * Returns the uid and gid a server runs as. Only root can switch, so an unprivileged daemon
 * runs its servers as itself, and reports that once per service when it loads the config.
 */
export function credentialsFor(config: ServiceConfig): Credentials {
  if (!switchesUser(config)) return {};
  return { uid: config.uid!, gid: config.gid ?? config.uid! };
}

/** True when the daemon cannot run `config`'s server as its configured user. */
export function cannotSwitchUser(config: ServiceConfig): boolean {
  return config.uid !== null && process.getuid?.() !== 0 && config.uid !== process.getuid?.();
}

export interface SpawnResult {
  child: ChildProcess;
  /** Undefined when the server could not be started. The child's 'error' event carries the reason. */
  pid: number | undefined;
  /** Resolves with null once the server program runs, or with the step and OS error that stopped it. */
  ready: Promise<string | null>;
}

/** Sets the socket options the service's flags ask for; they carry over into the server. */
export function applySocketFlags(config: ServiceConfig, socket: net.Socket): void {
  if (config.flags.has('NODELAY')) socket.setNoDelay(true);
  if (config.flags.has('KEEPALIVE')) socket.setKeepAlive(true);
}

/**
 * Starts the server with `socket` as its stdin, stdout and stderr, and closes the daemon's
 * copy of the socket at once. libuv makes fds 0–2 blocking in the child, and that flag is
 * shared with the daemon's descriptor, so the daemon must never read or write it again.
 */
export function spawnServer(
  config: ServiceConfig,
  socket: net.Socket,
  environment: NodeJS.ProcessEnv,
  remoteHost: string | null,
): SpawnResult {
  const [argv0, ...args] = config.argv;
  const env = serverEnvironment(config, environment, remoteHost);
  applySocketFlags(config, socket);
  const child = spawn(config.server!, args, {
    argv0,
    stdio: [socket, socket, socket],
    detached: true,
    cwd: '/',
    env,
    ...credentialsFor(config),
  });
  socket.destroy();
  // libuv reports a failed exec through the 'error' event and an undefined pid.
  return { child, pid: child.pid, ready: Promise.resolve(null) };
}
