/**
 * A `wait = yes` service. Node cannot wait for a pending connection or datagram without
 * taking it (libuv accepts and reads as soon as the socket is readable), and the server
 * must find it still queued. So the daemon binds the socket with Node, hands its
 * descriptor to the compiled helper on fd 0 in the same tick (before libuv ever polls
 * it), and closes its own copy. The helper polls without reading, peeks the sender of a
 * datagram, asks the daemon over fd 3, and forks the server with the socket on fds 0–2.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import type { ServiceConfig } from '#config';
import { normalizeAddress, type Source } from '#logformat';
import { DatagramListener, StreamListener, type BoundAddress } from '../listener.js';
import { serverEnvironment } from './environment.js';
import { HELPER_PATH, helperOptions } from './helper.js';

export interface HolderEvents {
  /** Decides whether the pending request may start a server; logs its own FAIL. */
  request(source: Source): Promise<boolean>;
  started(pid: number, source: Source): void;
  exited(pid: number, status: number | null, signal: number | null): void;
  /** A step failed in the helper or its server; `text` names the step and the OS error. */
  problem(text: string): void;
  /** The helper started again after a failed start was reported. */
  recovered(text: string): void;
}

/** How long a service whose helper could not start waits before it binds and tries again. */
const RETRY_MS = 5000;

function parseSource(address: string, port: string): Source {
  return address === '-' ? { ip: null } : { ip: normalizeAddress(address), port: Number(port) };
}

/** Everything the helper was started with; a reload that changes none of it keeps the helper. */
function commandLineOf(config: ServiceConfig): string {
  return JSON.stringify([config.server, config.argv, helperOptions(config), config.env, config.passenv]);
}

/** Builds the helper's arguments for `config`: its set-up options, the mode, then the server. */
function helperArguments(config: ServiceConfig): string[] {
  const [argv0, ...args] = config.argv;
  const mode = config.socketType === 'stream' ? 'stream' : 'dgram';
  return [...helperOptions(config), '-W', mode, '--', config.server!, argv0!, ...args];
}

/** NUL-terminated fields in hex, so that the line to the helper needs no escaping. */
function hexFields(fields: string[]): string {
  return Buffer.from(fields.map((field) => `${field}\0`).join('')).toString('hex');
}

export class HeldListener {
  private readonly events: HolderEvents;
  private readonly environment: NodeJS.ProcessEnv;
  private holder: ChildProcess | null = null;
  private control: Duplex | null = null;
  private lastSource: Source = { ip: null };
  private pending: ServiceConfig | null = null;
  private commandLine = '';
  private closed = false;
  /** Count of the helper's requests still waiting for their reply byte. The exec message must not come in between. */
  private unanswered = 0;
  /** Set while the helper fails to start; only the first failure is logged. */
  private failing = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(environment: NodeJS.ProcessEnv, events: HolderEvents) {
    this.environment = environment;
    this.events = events;
  }

  async open(config: ServiceConfig): Promise<BoundAddress> {
    this.closed = false;
    const socket = config.socketType === 'stream' ? new StreamListener((connection) => connection.destroy()) : new DatagramListener(() => undefined);
    const bound = await socket.open(config);
    // Still the tick in which the socket was bound: libuv has not polled it yet.
    try {
      this.start(config, socket.descriptor());
    } finally {
      socket.close();
    }
    return bound;
  }

  /** Applies a new configuration: the helper execs itself with it once its running server has exited. */
  reconfigure(config: ServiceConfig): void {
    if (commandLineOf(config) === this.commandLine) return;
    this.pending = config;
    this.sendPending();
  }

  /** Sends the pending configuration, unless a request still waits for its reply byte. Writing that reply sends it then. */
  private sendPending(): void {
    const config = this.pending;
    if (config === null || this.unanswered > 0 || !this.control?.writable) return;
    this.pending = null;
    this.commandLine = commandLineOf(config);
    const env = Object.entries(serverEnvironment(config, this.environment, null))
      .filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => `${name}=${value}`);
    this.control.write(`exec ${hexFields([HELPER_PATH, ...helperArguments(config)])} ${hexFields(env)}\n`);
  }

  close(): void {
    this.closed = true;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.control?.end();
  }

  private start(config: ServiceConfig, fd: number): void {
    if (fd < 0) throw new Error('the socket has no descriptor to hand over');
    this.commandLine = commandLineOf(config);
    this.unanswered = 0;
    const holder = spawn(HELPER_PATH, helperArguments(config), {
      stdio: [fd, 'ignore', 'ignore', 'pipe'],
      detached: true,
      cwd: '/',
      env: serverEnvironment(config, this.environment, null),
    });
    // libuv leaves the pid undefined when fork failed (EAGAIN under a process limit).
    if (holder.pid === undefined) {
      holder.once('error', (error: NodeJS.ErrnoException) => this.startFailed(config, error));
      return;
    }
    holder.on('error', (error) => this.events.problem(`the helper ${HELPER_PATH} failed: ${error.message}`));
    if (this.failing) this.events.recovered(`the helper started again; the service listens`);
    this.failing = false;
    this.holder = holder;
    this.control = holder.stdio[3] as Duplex;
    this.control.on('error', () => undefined);
    // readline re-emits its input's errors; the helper's exit is handled below.
    createInterface({ input: this.control })
      .on('line', (line) => this.onLine(line))
      .on('error', () => undefined);
    holder.once('exit', (code, signal) => this.onHolderExit(code, signal));
  }

  private onLine(line: string): void {
    const [word, ...rest] = line.split(' ');
    if (word === 'request') {
      this.lastSource = parseSource(rest[0] ?? '-', rest[1] ?? '0');
      // The helper waits for this one byte before it looks at the socket again.
      const control = this.control;
      // A reload or a deactivation may have ended the channel while the checks ran.
      this.unanswered += 1;
      void this.events.request(this.lastSource).then((allowed) => {
        if (control !== this.control) return;
        this.unanswered -= 1;
        if (control?.writable) control.write(allowed ? 'y' : 'n');
        this.sendPending();
      });
    } else if (word === 'started') {
      this.events.started(Number(rest[0]), this.lastSource);
    } else if (word === 'exited') {
      const value = Number(rest[2]);
      this.events.exited(Number(rest[0]), rest[1] === 'status' ? value : null, rest[1] === 'signal' ? value : null);
    } else if (word === 'error') {
      this.events.problem(rest.join(' '));
    }
  }

  /** open() has closed the daemon's copy of the socket, so the retry binds it again. */
  private startFailed(config: ServiceConfig, error: NodeJS.ErrnoException): void {
    if (!this.failing) {
      this.events.problem(`unable to start ${HELPER_PATH}: ${error.code ?? error.message}; the service does not listen until it starts, tried again every ${RETRY_MS / 1000} s`);
    }
    this.failing = true;
    if (this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      const next = this.pending ?? config;
      this.pending = null;
      if (!this.closed) this.open(next).catch((bindError: NodeJS.ErrnoException) => this.events.problem(`unable to bind again: ${bindError.code ?? bindError.message}`));
    }, RETRY_MS);
  }

  private onHolderExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.holder = null;
    this.control = null;
    if (this.closed) return;
    const next = this.pending;
    this.pending = null;
    if (next === null) {
      this.events.problem(`the helper that holds the socket exited (${signal ?? `status ${code}`}); the service stops until the next reload`);
      return;
    }
    this.open(next).catch((error: NodeJS.ErrnoException) => this.events.problem(`unable to bind again after the reload: ${error.code ?? error.message}`));
  }
}
