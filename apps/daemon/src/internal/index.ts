import type { Socket } from 'node:net';
import { chargenDatagram, serveChargen } from './chargen.js';
import { daytimeBytes, serveDaytime } from './daytime.js';
import { serveDiscard } from './discard.js';
import { echoDatagram, serveEcho } from './echo.js';
import { serveTime, timeBytes } from './time.js';

/**
 * xinetd's internal services (`type = INTERNAL`): echo, discard, daytime, time and
 * chargen, for stream and dgram sockets, with the bytes Debian's xinetd 2.3.15.3 sends.
 * The daemon accepts connections and receives datagrams, and these only speak the protocol.
 * tcpmux and the SENSOR flag's service are not in this table.
 */

export { chargenRing, resetChargenRing } from './chargen.js';

export type BuiltinName = 'echo' | 'discard' | 'daytime' | 'time' | 'chargen';

export interface StreamBuiltin {
  readonly name: BuiltinName;
  readonly socketType: 'stream';
  /**
   * Whether xinetd forks a child for each connection: true for echo, discard and
   * chargen. xinetd logs START with the child's pid and EXIT only for forking services,
   * logs `pid=0` for the others, and counts only forking ones against `instances`.
   */
  readonly forks: boolean;
  /**
   * Serves one accepted connection. Resolves once the socket has closed, and the socket
   * is always destroyed by then. Never rejects: a reset or EPIPE ends the session.
   */
  serve(socket: Socket): Promise<void>;
}

export interface DgramBuiltin {
  readonly name: BuiltinName;
  readonly socketType: 'dgram';
  /** Always false: xinetd replies to datagrams from its own process, without a child. */
  readonly forks: false;
  /** Returns the datagram to send back to the sender of `request`, or null to send none (discard). */
  reply(request: Buffer, now: Date): Buffer | null;
}

export type Builtin = StreamBuiltin | DgramBuiltin;

const STREAM_BUILTINS: readonly StreamBuiltin[] = [
  { name: 'echo', socketType: 'stream', forks: true, serve: serveEcho },
  { name: 'discard', socketType: 'stream', forks: true, serve: serveDiscard },
  { name: 'daytime', socketType: 'stream', forks: false, serve: serveDaytime },
  { name: 'time', socketType: 'stream', forks: false, serve: serveTime },
  { name: 'chargen', socketType: 'stream', forks: true, serve: serveChargen },
];

const DGRAM_BUILTINS: readonly DgramBuiltin[] = [
  { name: 'echo', socketType: 'dgram', forks: false, reply: (request) => echoDatagram(request) },
  { name: 'discard', socketType: 'dgram', forks: false, reply: () => null },
  { name: 'daytime', socketType: 'dgram', forks: false, reply: (_request, now) => daytimeBytes(now) },
  { name: 'time', socketType: 'dgram', forks: false, reply: (_request, now) => timeBytes(now) },
  { name: 'chargen', socketType: 'dgram', forks: false, reply: () => chargenDatagram() },
];

/** Lowercases ASCII letters only, as strcasecmp() does in the C locale. */
function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/**
 * Returns the internal service that xinetd runs for a service named `name` (compared
 * case-insensitively, as xinetd does) on `socketType`, or null when there is none. xinetd
 * then disables the service with `No such internal service: <name>/<type> - DISABLING`.
 */
export function findBuiltin(name: string, socketType: 'stream'): StreamBuiltin | null;
export function findBuiltin(name: string, socketType: 'dgram'): DgramBuiltin | null;
export function findBuiltin(name: string, socketType: 'stream' | 'dgram'): Builtin | null;
export function findBuiltin(name: string, socketType: 'stream' | 'dgram'): Builtin | null {
  const builtins: readonly Builtin[] = socketType === 'stream' ? STREAM_BUILTINS : DGRAM_BUILTINS;
  const key = asciiLowerCase(name);
  return builtins.find((builtin) => builtin.name === key) ?? null;
}
