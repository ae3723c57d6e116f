import type { Socket } from 'node:net';

/**
 * Runs one stream session and resolves once the socket has closed. A socket error (the
 * peer's reset, EPIPE) ends the session like the failed read or write that ends xinetd's
 * child, so the promise never rejects. `start` runs only on a socket that is still open.
 */
export function runSession(socket: Socket, start: () => void): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) {
      resolve();
      return;
    }
    socket.once('close', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', () => socket.destroy());
    if (socket.destroyed) return;
    start();
  });
}

/**
 * Sends `bytes` (possibly none), then closes the connection once they are handed to the
 * kernel. The socket is destroyed rather than half-closed, as xinetd's close() does, so
 * a client that never closes its side cannot keep the session open.
 */
export function sendAndClose(socket: Socket, bytes?: Buffer): void {
  const close = (): void => {
    socket.destroy();
  };
  if (bytes === undefined) socket.end(close);
  else socket.end(bytes, close);
}
