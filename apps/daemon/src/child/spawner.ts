/**
 * Starts `wait = no` servers through the helper's spawner mode. Node forks its whole
 * process for every child_process.spawn(), which cost about a millisecond of CPU per
 * connection in bench/daemon.mjs. Sending the accepted socket over the IPC channel to a
 * small long-lived process that forks itself costs about half of that. The spawner reports each server's
 * pid and, once it reaps it, its exit status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import type { ServiceConfig } from '#config';
import { errnoCodeOf } from '../spawn-shortage.js';
import { HELPER_PATH, helperOptions } from './helper.js';

/** `code` is the errno name when the OS refused a step, such as EAGAIN from fork. */
export type LaunchReply = { pid: number } | { error: string; code?: string | undefined };

export interface ExitReport {
  status: number | null;
  signal: number | null;
}

interface SpawnerMessage {
  id?: string;
  pid?: number;
  error?: string;
  exit?: number;
  status?: number;
  signal?: number;
}

/** NUL-terminated fields, hex-encoded so that the JSON line needs no escaping. */
function encodeRequest(id: string, config: ServiceConfig, env: NodeJS.ProcessEnv): string {
  const options = helperOptions(config);
  const [argv0, ...args] = config.argv;
  const environment = Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${value}`);
  const fields = [id, String(options.length), ...options, config.server!, argv0!, String(args.length), ...args, String(environment.length), ...environment];
  return Buffer.from(`${fields.join('\0')}\0`).toString('hex');
}

export class Spawner {
  private process: ChildProcess | null = null;
  private nextId = 1;
  private readonly replies = new Map<string, (reply: LaunchReply) => void>();
  private readonly exits = new Map<number, (report: ExitReport) => void>();
  private readonly onProblem: (text: string) => void;

  constructor(onProblem: (text: string) => void) {
    this.onProblem = onProblem;
  }

  /**
   * Hands `socket` to a new server. `onStart` runs as soon as the spawner reports the pid,
   * and `onExit` once it has reaped the server. Both run from the message handler itself,
   * in the order the spawner sent them, so a server that exits at once cannot have its
   * exit handled before its start.
   */
  launch(
    config: ServiceConfig,
    socket: net.Socket,
    env: NodeJS.ProcessEnv,
    onStart: (pid: number) => void,
    onExit: (report: ExitReport) => void,
  ): Promise<LaunchReply> {
    // A socket closed during the access checks has no descriptor left to pass.
    if (socket.destroyed) return Promise.resolve({ error: 'the client closed the connection before the server started' });
    const child = this.running();
    // libuv leaves the pid undefined when fork or exec failed; 'error' follows with the reason.
    if (child.pid === undefined) return this.startFailed(child, socket);
    const id = String(this.nextId++);
    return new Promise((resolve) => {
      this.replies.set(id, (reply) => {
        if ('pid' in reply) {
          this.exits.set(reply.pid, onExit);
          onStart(reply.pid);
        }
        resolve(reply);
      });
      // The socket is closed in the daemon once the spawner acknowledges it.
      child.send({ x: encodeRequest(id, config, env) }, socket, (error) => {
        if (!error) return;
        this.replies.delete(id);
        socket.destroy();
        resolve({ error: `unable to pass the connection to the spawner: ${error.message}` });
      });
    });
  }

  /** Closes the connection and reports why the spawner did not start; the next launch tries again. */
  private startFailed(child: ChildProcess, socket: net.Socket): Promise<LaunchReply> {
    socket.destroy();
    if (this.process === child) this.process = null;
    return new Promise((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ error: `unable to start the spawner ${HELPER_PATH}: ${error.code ?? error.message}`, code: error.code }));
    });
  }

  stop(): void {
    this.process?.disconnect();
    this.process = null;
  }

  private running(): ChildProcess {
    if (this.process) return this.process;
    const child = spawn(HELPER_PATH, ['-S'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], cwd: '/' });
    child.on('message', (message: SpawnerMessage) => this.onMessage(message));
    // A spawner that never started is reported by the launch that tried it.
    child.on('error', (error) => {
      if (child.pid !== undefined) this.onProblem(`the spawner ${HELPER_PATH} failed: ${error.message}`);
    });
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    // The daemon must not wait for the spawner to exit, nor keep running for its sake.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    this.process = child;
    return child;
  }

  private onMessage(message: SpawnerMessage): void {
    if (message.id !== undefined) {
      const resolve = this.replies.get(message.id);
      this.replies.delete(message.id);
      const error = message.error ?? 'no reason given';
      resolve?.(message.pid !== undefined ? { pid: message.pid } : { error, code: errnoCodeOf(error) });
    } else if (message.exit !== undefined) {
      const onExit = this.exits.get(message.exit);
      this.exits.delete(message.exit);
      onExit?.({ status: message.status ?? null, signal: message.signal ?? null });
    }
  }

  /** Servers of a spawner that died are no longer reaped by it; report them as ended. */
  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.process === child) this.process = null;
    if (this.replies.size + this.exits.size === 0) return;
    this.onProblem(`the spawner exited (${signal ?? `status ${code}`}); ${this.exits.size} running servers are no longer tracked`);
    for (const resolve of this.replies.values()) resolve({ error: 'the spawner exited' });
    for (const onExit of this.exits.values()) onExit({ status: null, signal: null });
    this.replies.clear();
    this.exits.clear();
  }
}
