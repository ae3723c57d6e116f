import type { Socket } from 'node:net';
import { runSession, sendAndClose } from './session.js';

/** Serves stream discard: reads and drops everything until the client's FIN, then closes. */
export function serveDiscard(socket: Socket): Promise<void> {
  return runSession(socket, () => {
    socket.allowHalfOpen = true;
    socket.on('end', () => sendAndClose(socket));
    socket.resume();
  });
}
