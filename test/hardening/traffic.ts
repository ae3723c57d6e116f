/**
 * Client-side traffic for the long-running suites: UDP requests, connections that wait in
 * a wait = yes service's backlog, connections held open until the server closes, and
 * loops bounded in count and time.
 */
import dgram from 'node:dgram';
import net from 'node:net';

/** Sends one datagram and resolves with the first reply, or null after `timeoutMs`. */
export function askUdp(port: number, payload: string, timeoutMs = 3000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => finish(null), timeoutMs);
    function finish(reply: string | null): void {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    }
    socket.on('message', (message) => finish(message.toString('utf8')));
    socket.on('error', () => finish(null));
    socket.send(payload, port, '127.0.0.1');
  });
}

/** Connects and resolves with what the server wrote once it closes; the connection may wait in the backlog. */
export function replyOnClose(port: number, options: { localAddress?: string; timeoutMs?: number } = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: options.localAddress });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close from port ${port} within ${timeoutMs} ms; received ${JSON.stringify(data)}`));
    }, timeoutMs);
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on('error', () => undefined);
  });
}

/** Opens a connection and resolves once it is up; the caller closes it. */
export function openConnection(port: number, localAddress?: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}

export function pause(milliseconds: number): Promise<void> {
  return new Promise((done) => setTimeout(done, milliseconds));
}

/** Runs `body` until `deadline` or `maxRounds`, pausing `gapMs` between rounds; returns the rounds run. */
export async function boundedLoop(deadline: number, maxRounds: number, gapMs: number, body: (round: number) => Promise<void>): Promise<number> {
  let round = 0;
  while (round < maxRounds && Date.now() < deadline) {
    await body(round);
    round += 1;
    await pause(gapMs);
  }
  return round;
}
