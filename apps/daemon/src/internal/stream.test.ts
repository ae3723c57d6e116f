import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHARGEN_PERIOD_LINES, chargenPeriod, chargenRing, resetChargenRing } from './chargen.js';
import { findBuiltin, type StreamBuiltin } from './index.js';

/** One stream builtin behind a loopback server, with the server side of each connection. */
interface Harness {
  port: number;
  /** Server-side sockets in accept order. */
  sockets: net.Socket[];
  /** serve() results in accept order: 'resolved' or 'rejected: …'. */
  outcomes: Promise<string>[];
  close(): Promise<void>;
}

const harnesses: Harness[] = [];
const clients: net.Socket[] = [];

function builtin(name: string): StreamBuiltin {
  const found = findBuiltin(name, 'stream');
  if (found === null) throw new Error(`no stream builtin ${name}`);
  return found;
}

async function serve(name: string): Promise<Harness> {
  const service = builtin(name);
  const sockets: net.Socket[] = [];
  const outcomes: Promise<string>[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    outcomes.push(
      service.serve(socket).then(
        () => 'resolved',
        (error: unknown) => `rejected: ${String(error)}`,
      ),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as net.AddressInfo;
  const harness: Harness = {
    port: address.port,
    sockets,
    outcomes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
  harnesses.push(harness);
  return harness;
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  clients.push(socket);
  await once(socket, 'connect');
  return socket;
}

/** Reads until the server closes, or rejects after `timeoutMs`. */
function readToEnd(socket: net.Socket, timeoutMs = 4000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`no EOF within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Reads exactly `count` bytes, leaving the socket open. */
function readBytes(socket: net.Socket, count: number, timeoutMs = 4000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const timer = setTimeout(() => reject(new Error(`only ${length} of ${count} bytes within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length < count) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      resolve(Buffer.concat(chunks).subarray(0, count));
    };
    socket.on('data', onData);
  });
}

/** Polls `condition` every 10 ms for at most `timeoutMs`. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Returns the first `count` bytes of the chargen stream that starts at ring `position`. */
function expectedChargen(position: number, count: number): Buffer {
  const period = chargenPeriod(position);
  const copies = Math.ceil(count / period.length);
  return Buffer.concat(Array.from({ length: copies }, () => period)).subarray(0, count);
}

beforeEach(() => {
  resetChargenRing();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const harness of harnesses.splice(0)) await harness.close();
});

describe('stream echo', () => {
  it('returns every byte, then closes', async () => {
    const harness = await serve('echo');
    const client = await connect(harness.port);
    const payload = randomBytes(1024 * 1024);
    const received = readToEnd(client);
    client.end(payload);

    expect((await received).equals(payload)).toBe(true);
    expect(await harness.outcomes[0]).toBe('resolved');
    expect(harness.sockets[0]?.destroyed).toBe(true);
  });

  it('stops reading while the client does not read', async () => {
    const harness = await serve('echo');
    const client = await connect(harness.port);
    client.pause();
    const payload = randomBytes(8 * 1024 * 1024);
    client.write(payload);
    await waitFor(() => harness.sockets[0]?.isPaused() === true, 'the server to pause reading');

    const server = harness.sockets[0];
    expect(server?.writableLength).toBeLessThanOrEqual(2 * (server?.writableHighWaterMark ?? 0) + 65536);

    const received = readToEnd(client, 10000);
    client.resume();
    client.end();
    expect((await received).equals(payload)).toBe(true);
  });

  it('ends quietly when the client resets', async () => {
    const harness = await serve('echo');
    const client = await connect(harness.port);
    client.write('hello');
    await waitFor(() => harness.sockets.length === 1, 'the connection');
    client.resetAndDestroy();

    expect(await harness.outcomes[0]).toBe('resolved');
    expect(harness.sockets[0]?.destroyed).toBe(true);
  });
});

describe('stream discard', () => {
  it('sends nothing and closes after EOF', async () => {
    const harness = await serve('discard');
    const client = await connect(harness.port);
    const received = readToEnd(client);
    client.end(randomBytes(256 * 1024));

    expect((await received).length).toBe(0);
    expect(await harness.outcomes[0]).toBe('resolved');
  });
});

describe('stream daytime and time', () => {
  it('daytime sends one line and closes', async () => {
    const harness = await serve('daytime');
    const client = await connect(harness.port);

    const text = (await readToEnd(client)).toString('latin1');
    expect(text).toMatch(/^\d{2} (JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC) \d{4} \d{2}:\d{2}:\d{2} \S*\r\n$/);
    expect(await harness.outcomes[0]).toBe('resolved');
  });

  it('time sends 4 bytes and closes', async () => {
    const harness = await serve('time');
    const client = await connect(harness.port);

    const bytes = await readToEnd(client);
    expect(bytes.length).toBe(4);
    expect(Math.abs(bytes.readUInt32BE(0) - (Math.floor(Date.now() / 1000) + 2208988800))).toBeLessThanOrEqual(2);
    expect(await harness.outcomes[0]).toBe('resolved');
  });

  it('daytime closes although the client keeps its side open', async () => {
    const harness = await serve('daytime');
    const client = await connect(harness.port);
    client.write('ignored');

    await readToEnd(client);
    expect(await harness.outcomes[0]).toBe('resolved');
  });
});

describe('stream chargen', () => {
  it('first connection starts at line 0', async () => {
    const harness = await serve('chargen');
    const client = await connect(harness.port);

    const bytes = await readBytes(client, 3 * 7030 + 100);
    expect(bytes.equals(expectedChargen(0, bytes.length))).toBe(true);
  });

  it('starts at the ring position without moving it', async () => {
    chargenRing.position = 28;
    const harness = await serve('chargen');
    const client = await connect(harness.port);

    const bytes = await readBytes(client, 20000);
    expect(bytes.equals(expectedChargen(28, bytes.length))).toBe(true);
    expect(chargenRing.position).toBe(28);
  });

  it('keeps sending after the client half-closes', async () => {
    const harness = await serve('chargen');
    const client = await connect(harness.port);
    client.end('ignored input');

    const bytes = await readBytes(client, 50000);
    expect(bytes.equals(expectedChargen(0, bytes.length))).toBe(true);
  });

  it('buffers at most a few periods while the client does not read', async () => {
    const harness = await serve('chargen');
    const client = await connect(harness.port);
    client.pause();
    await waitFor(() => harness.sockets.length === 1, 'the connection');
    const server = harness.sockets[0];
    await waitFor(() => (server?.writableLength ?? 0) > 0, 'the kernel buffers to fill');

    // Once the kernel buffers are full, Node keeps what write() accepted beyond them.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const periodBytes = CHARGEN_PERIOD_LINES * 74;
    expect(server?.writableLength).toBeLessThanOrEqual((server?.writableHighWaterMark ?? 0) + periodBytes);
  });

  it('ends when the client closes', async () => {
    const harness = await serve('chargen');
    const client = await connect(harness.port);
    await readBytes(client, 1000);
    client.destroy();

    expect(await harness.outcomes[0]).toBe('resolved');
    expect(harness.sockets[0]?.destroyed).toBe(true);
  });

  it('ends when the client resets', async () => {
    const harness = await serve('chargen');
    const client = await connect(harness.port);
    await readBytes(client, 1000);
    client.resetAndDestroy();

    expect(await harness.outcomes[0]).toBe('resolved');
  });
});

describe('serve on a closed socket', () => {
  it.each(['echo', 'discard', 'daytime', 'time', 'chargen'])('%s resolves at once', async (name) => {
    const harness = await serve(name);
    const client = await connect(harness.port);
    await waitFor(() => harness.sockets.length === 1, 'the connection');
    const socket = harness.sockets[0];
    if (socket === undefined) throw new Error('no server socket');
    client.destroy();
    await harness.outcomes[0];

    await expect(builtin(name).serve(socket)).resolves.toBeUndefined();
  });
});
