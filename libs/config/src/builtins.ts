/** The services xinetd-ts implements itself, chosen for an INTERNAL service by its name and socket type. */

import type { SocketType } from './types.js';

const BOTH: readonly SocketType[] = ['stream', 'dgram'];

export const BUILTIN_SERVICES: ReadonlyMap<string, readonly SocketType[]> = new Map([
  ['echo', BOTH],
  ['discard', BOTH],
  ['daytime', BOTH],
  ['time', BOTH],
  ['chargen', BOTH],
]);

/** Built-in services of xinetd that xinetd-ts does not implement yet. */
export const PLANNED_BUILTINS: readonly string[] = ['tcpmux', 'sensor'];

/** Names compare case-insensitively, as xinetd compares them. */
export function hasBuiltin(name: string, socketType: SocketType): boolean {
  return BUILTIN_SERVICES.get(name.toLowerCase())?.includes(socketType) ?? false;
}
