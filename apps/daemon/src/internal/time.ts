import type { Socket } from 'node:net';
import { runSession, sendAndClose } from './session.js';

/** Seconds from 1900-01-01 to 1970-01-01, both UTC (RFC 868). */
export const SECONDS_1900_TO_1970 = 2208988800;

const TWO_TO_THE_32 = 2 ** 32;

/**
 * Returns the 4-byte RFC 868 time: seconds since 1900, big-endian. Like xinetd it keeps
 * only the low 32 bits, so the value wraps to 0 on 2036-02-07 06:28:16 UTC.
 */
export function timeBytes(now: Date): Buffer {
  const unixSeconds = Math.floor(now.getTime() / 1000);
  const seconds = (((unixSeconds + SECONDS_1900_TO_1970) % TWO_TO_THE_32) + TWO_TO_THE_32) % TWO_TO_THE_32;
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(seconds, 0);
  return bytes;
}

/** Serves stream time: sends the 4 bytes and closes without reading anything. */
export function serveTime(socket: Socket): Promise<void> {
  return runSession(socket, () => sendAndClose(socket, timeBytes(new Date())));
}
