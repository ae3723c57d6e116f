/**
 * `redirect = host port`: relays one TCP connection to the target in the daemon, with
 * Node's stream back pressure (a slow reader pauses the other side) and half-close (a
 * client that shuts down its sending side still gets the whole reply).
 */
import net from 'node:net';

export interface RelayTarget {
  host: string;
  port: number;
}

export interface RelayResult {
  /** Bytes from the client to the target. */
  bytesIn: number;
  /** Bytes from the target to the client. */
  bytesOut: number;
  /** Why the target could not be reached, or null. */
  connectError: NodeJS.ErrnoException | null;
}

export interface Relay {
  done: Promise<RelayResult>;
  stop(): void;
}

function whenClosed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

/** Starts relaying `client` (accepted paused) to `target`. */
export function relay(client: net.Socket, target: RelayTarget, keepAlive: boolean): Relay {
  const result: RelayResult = { bytesIn: 0, bytesOut: 0, connectError: null };
  // The listener's server closes a socket's sending side when the peer does; relaying
  // half-close needs each side to stay writable until the other side ends.
  client.allowHalfOpen = true;
  const upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
  client.setNoDelay(true);
  if (keepAlive) upstream.setKeepAlive(true);
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (!connected) result.connectError = error;
    client.destroy();
  });
  client.on('error', () => upstream.destroy());
  client.on('data', (chunk: Buffer) => {
    result.bytesIn += chunk.length;
  });
  upstream.on('data', (chunk: Buffer) => {
    result.bytesOut += chunk.length;
  });
  client.pipe(upstream);
  upstream.pipe(client);
  const stop = () => {
    client.destroy();
    upstream.destroy();
  };
  const done = Promise.all([whenClosed(client), whenClosed(upstream)]).then(() => result);
  return { done, stop };
}
