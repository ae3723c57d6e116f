import type { Socket } from 'node:net';
import { runSession, sendAndClose } from './session.js';

/** xinetd receives an echo datagram into a 2048-byte buffer and drops the rest. */
export const ECHO_DATAGRAM_MAX_BYTES = 2048;

/**
 * Serves stream echo: sends back every byte until the client's FIN, then closes. Reading
 * pauses while the socket buffers more than its high-water mark, so a client that sends
 * without reading cannot make the daemon buffer without bound.
 */
export function serveEcho(socket: Socket): Promise<void> {
  return runSession(socket, () => {
    // The daemon's server may not allow half-open sockets, and then Node would end the
    // write side on the client's FIN by itself. Closing is this session's decision.
    socket.allowHalfOpen = true;

    socket.on('data', (chunk: Buffer) => {
      if (socket.write(chunk)) return;
      socket.pause();
      socket.once('drain', () => socket.resume());
    });
    socket.on('end', () => sendAndClose(socket));
  });
}

/** Returns the echo reply: the datagram itself, cut to 2048 bytes. An empty one gets an empty reply. */
export function echoDatagram(request: Buffer): Buffer {
  return request.subarray(0, ECHO_DATAGRAM_MAX_BYTES);
}
