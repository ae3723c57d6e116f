/**
 * Start-up of an external server for one connection, as xinetd's child does it. The server
 * gets the accepted socket on fds 0, 1 and 2, a new session, `/` as working directory, and
 * the daemon's start-up environment plus REMOTE_HOST. When the daemon runs as root, it also
 * gets the service's user and group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import type { ServiceConfig } from '#config';

export interface Credentials {
  uid?: number;
  gid?: number;
}

/**
 * Returns the uid and gid a server runs as. Only root can switch, so an unprivileged daemon
 * runs its servers as itself, and reports that once per service when it loads the config.
 */
export function credentialsFor(config: ServiceConfig): Credentials {
  if (process.getuid?.() !== 0 || config.uid === null) return {};
  return { uid: config.uid, gid: config.gid ?? config.uid };
}

/** True when the daemon cannot run `config`'s server as its configured user. */
export function cannotSwitchUser(config: ServiceConfig): boolean {
  return config.uid !== null && process.getuid?.() !== 0 && config.uid !== process.getuid?.();
}

export interface SpawnResult {
  child: ChildProcess;
  /** Undefined when the server could not be started. The child's 'error' event carries the reason. */
  pid: number | undefined;
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
  const env = remoteHost === null ? { ...environment } : { ...environment, REMOTE_HOST: remoteHost };
  const child = spawn(config.server!, args, {
    argv0,
    stdio: [socket, socket, socket],
    detached: true,
    cwd: '/',
    env,
    ...credentialsFor(config),
  });
  socket.destroy();
  return { child, pid: child.pid };
}
