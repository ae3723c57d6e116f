import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargenPeriod, resetChargenRing } from './chargen.js';
import { findBuiltin, type BuiltinName } from './index.js';

/**
 * Side-by-side runs against Debian's xinetd 2.3.15.3 on loopback: the same requests go
 * to its internal services and to ours behind plain Node servers, and the replies are
 * compared. Needs /usr/sbin/xinetd (`apt-get install -y xinetd`); without it every test
 * here fails instead of being skipped.
 */

const XINETD = '/usr/sbin/xinetd';
const HOST = '127.0.0.1';
const NAMES: readonly BuiltinName[] = ['echo', 'discard', 'daytime', 'time', 'chargen'];
const REPLY_TIMEOUT_MS = 3000;
/** How long a datagram service must stay silent to count as sending nothing. */
const QUIET_MS = 300;
/** How often a datagram that expects a reply is sent again. */
const RESEND_MS = 500;

type SocketType = 'stream' | 'dgram';
type PortMap = Record<SocketType, Partial<Record<BuiltinName, number>>>;

interface Side {
  label: string;
  ports: PortMap;
}

function port(side: Side, socketType: SocketType, name: BuiltinName): number {
  const value = side.ports[socketType][name];
  if (value === undefined) throw new Error(`${side.label} has no ${name}/${socketType} service`);
  return value;
}

// ---------------------------------------------------------------------------
// Free ports and timeouts

async function freePort(socketType: SocketType): Promise<number> {
  if (socketType === 'stream') {
    const server = net.createServer().listen(0, HOST);
    await once(server, 'listening');
    const { port: value } = server.address() as net.AddressInfo;
    server.close();
    await once(server, 'close');
    return value;
  }
  const socket = dgram.createSocket('udp4');
  socket.bind(0, HOST);
  await once(socket, 'listening');
  const value = socket.address().port;
  socket.close();
  return value;
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, description: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${description}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------
// Clients

const openClients = new Set<net.Socket | dgram.Socket>();

/**
 * Connects, sends `payload` and half-closes when given, and reads until the server closes
 * or until `limit` bytes have arrived, whichever comes first.
 */
async function tcpRequest(portNumber: number, payload: Buffer | null, limit = Infinity): Promise<Buffer> {
  const socket = net.connect({ port: portNumber, host: HOST, allowHalfOpen: true });
  openClients.add(socket);
  const received = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= limit) resolve(Buffer.concat(chunks).subarray(0, limit));
    });
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
  if (payload !== null) socket.end(payload);
  try {
    return await withTimeout(received, REPLY_TIMEOUT_MS, `reply from TCP port ${portNumber}`);
  } finally {
    socket.destroy();
    openClients.delete(socket);
  }
}

/** Sends a datagram (again every RESEND_MS while a reply is expected) and returns the first reply, or null when none came within QUIET_MS. */
async function udpRequest(portNumber: number, payload: Buffer, expectReply: boolean): Promise<Buffer | null> {
  const socket = dgram.createSocket('udp4');
  openClients.add(socket);
  try {
    socket.bind(0, HOST);
    await once(socket, 'listening');
    const reply = once(socket, 'message').then(([message]) => message as Buffer);
    socket.send(payload, portNumber, HOST);
    if (!expectReply) return await Promise.race([reply, delay(QUIET_MS).then(() => null)]);
    // UDP may drop a datagram on a busy machine, so send again, as a real client would.
    const resend = setInterval(() => socket.send(payload, portNumber, HOST), RESEND_MS);
    try {
      return await withTimeout(reply, REPLY_TIMEOUT_MS, `reply from UDP port ${portNumber}`);
    } finally {
      clearInterval(resend);
    }
  } finally {
    socket.close();
    openClients.delete(socket);
  }
}

// ---------------------------------------------------------------------------
// Our side: the builtins behind plain Node servers

interface NodeSide extends Side {
  close(): Promise<void>;
}

async function startNodeSide(names: readonly BuiltinName[]): Promise<NodeSide> {
  const ports: PortMap = { stream: {}, dgram: {} };
  const servers: net.Server[] = [];
  const dgramSockets: dgram.Socket[] = [];
  const accepted = new Set<net.Socket>();

  for (const name of names) {
    const stream = findBuiltin(name, 'stream');
    const datagram = findBuiltin(name, 'dgram');
    if (stream === null || datagram === null) throw new Error(`no builtin ${name}`);

    const server = net.createServer((socket) => {
      accepted.add(socket);
      void stream.serve(socket).then(() => accepted.delete(socket));
    });
    server.listen(0, HOST);
    await once(server, 'listening');
    servers.push(server);
    ports.stream[name] = (server.address() as net.AddressInfo).port;

    const socket = dgram.createSocket('udp4');
    socket.on('message', (request, remote) => {
      const reply = datagram.reply(request, new Date());
      if (reply !== null) socket.send(reply, remote.port, remote.address);
    });
    socket.bind(0, HOST);
    await once(socket, 'listening');
    dgramSockets.push(socket);
    ports.dgram[name] = socket.address().port;
  }

  const close = async (): Promise<void> => {
    for (const socket of accepted) socket.destroy();
    for (const socket of dgramSockets) socket.close();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  };
  return { label: 'xinetd-ts', ports, close };
}

// ---------------------------------------------------------------------------
// Debian's xinetd

interface XinetdSide extends Side {
  stop(): Promise<void>;
}

function serviceBlock(name: BuiltinName, socketType: SocketType, portNumber: number): string {
  return [
    `service ${name}`,
    '{',
    `\tid = ${name}-${socketType}`,
    '\ttype = INTERNAL UNLISTED',
    `\tsocket_type = ${socketType}`,
    `\tprotocol = ${socketType === 'stream' ? 'tcp' : 'udp'}`,
    `\tport = ${portNumber}`,
    `\tbind = ${HOST}`,
    `\twait = ${socketType === 'stream' ? 'no' : 'yes'}`,
    '\tflags = NOLIBWRAP',
    '}',
    '',
  ].join('\n');
}

/** Returns the pids of every process below `root`, read from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // The process exited while we looked.
    }
    // The command name in parentheses may contain spaces, so fields count from the last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0 && found.length < 10000) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return once(child, 'exit').then(() => undefined);
}

/** Stops xinetd, then kills any forked server of it that is still running, each by pid. */
async function stopXinetd(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const servers = descendants(pid);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    try {
      await withTimeout(exitOf(child), 5000, 'xinetd to exit on SIGTERM');
    } catch {
      child.kill('SIGKILL');
      await withTimeout(exitOf(child), 5000, 'xinetd to exit on SIGKILL');
    }
  }
  // xinetd's forked internal servers ignore SIGTERM and end only when their client does.
  for (const server of servers) {
    if (isAlive(server)) process.kill(server, 'SIGKILL');
  }
}

/** Connects to daytime until it replies, which xinetd does only after it has set up every service. */
async function waitForXinetd(side: Side, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10000;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`xinetd exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`);
    }
    try {
      const reply = await tcpRequest(port(side, 'stream', 'daytime'), null);
      if (reply.length > 0) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`xinetd did not reply within 10 s (${attempt} attempts):\n${log()}`);
    await delay(50);
  }
}

async function startXinetd(names: readonly BuiltinName[], env: NodeJS.ProcessEnv): Promise<XinetdSide> {
  if (!existsSync(XINETD)) {
    throw new Error(`Debian's xinetd is not installed at ${XINETD}; install it with: apt-get install -y xinetd`);
  }
  const directory = mkdtempSync(join(tmpdir(), 'xinetd-ts-conformance-'));
  const ports: PortMap = { stream: {}, dgram: {} };
  const blocks: string[] = [];
  for (const name of names) {
    for (const socketType of ['stream', 'dgram'] as const) {
      const value = await freePort(socketType);
      ports[socketType][name] = value;
      blocks.push(serviceBlock(name, socketType, value));
    }
  }
  const config = join(directory, 'xinetd.conf');
  writeFileSync(config, blocks.join('\n'));

  const logFile = join(directory, 'xinetd.log');
  const args = ['-dontfork', '-f', config, '-pidfile', join(directory, 'xinetd.pid'), '-filelog', logFile];
  const child = spawn(XINETD, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const log = (): string => `${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}${stderr}`;

  const stop = async (): Promise<void> => {
    try {
      await stopXinetd(child);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  };
  const side: XinetdSide = { label: 'xinetd', ports, stop };
  try {
    await waitForXinetd(side, child, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return side;
}

// ---------------------------------------------------------------------------
// Comparing replies

const DAYTIME = /^(\d{2}) (JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (\S*)\r\n$/;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Splits a daytime reply into its wall-clock time (as if it were UTC, in ms) and its zone. */
function parseDaytime(reply: Buffer): { wallClock: number; zone: string } {
  const text = reply.toString('latin1');
  const match = DAYTIME.exec(text);
  if (match === null) throw new Error(`not a daytime reply: ${JSON.stringify(text)}`);
  const [, day, month, year, hour, minute, second, zone] = match;
  const wallClock = Date.UTC(
    Number(year),
    MONTHS.indexOf(month ?? ''),
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  return { wallClock, zone: zone ?? '' };
}

function expectSameDaytime(theirs: Buffer | null, ours: Buffer | null): void {
  if (theirs === null || ours === null) throw new Error('a daytime reply is missing');
  const a = parseDaytime(theirs);
  const b = parseDaytime(ours);
  expect(b.zone).toBe(a.zone);
  expect(Math.abs(b.wallClock - a.wallClock)).toBeLessThanOrEqual(2000);
}

function expectSameTime(theirs: Buffer | null, ours: Buffer | null): void {
  expect(theirs?.length).toBe(4);
  expect(ours?.length).toBe(4);
  const difference = (ours?.readUInt32BE(0) ?? 0) - (theirs?.readUInt32BE(0) ?? 0);
  expect(Math.abs(difference)).toBeLessThanOrEqual(2);
}

/** Returns the first `count` bytes of the chargen stream that starts at ring `position`. */
function expectedChargen(position: number, count: number): Buffer {
  const period = chargenPeriod(position);
  return Buffer.concat(Array.from({ length: Math.ceil(count / period.length) }, () => period)).subarray(0, count);
}

function closeClients(): void {
  for (const client of openClients) {
    if (client instanceof net.Socket) client.destroy();
    else client.close();
  }
  openClients.clear();
}

// ---------------------------------------------------------------------------
// The runs

/**
 * Starts xinetd and our servers before the tests of the enclosing describe and stops
 * them after. With `tz`, both sides run with that TZ. A failure to start fails each test
 * with its message, where a throwing beforeAll would only mark them skipped.
 */
function useSides(names: readonly BuiltinName[], tz?: string): () => [XinetdSide, NodeSide] {
  let xinetd: XinetdSide | undefined;
  let ours: NodeSide | undefined;
  let startError: unknown;
  const savedTz = process.env['TZ'];

  beforeAll(async () => {
    try {
      // Our builtins read TZ for each reply, as localtime() does in xinetd.
      if (tz !== undefined) process.env['TZ'] = tz;
      resetChargenRing();
      ours = await startNodeSide(names);
      xinetd = await startXinetd(names, process.env);
    } catch (error) {
      startError = error;
    }
  }, 30000);

  afterAll(async () => {
    if (savedTz === undefined) delete process.env['TZ'];
    else process.env['TZ'] = savedTz;
    closeClients();
    await ours?.close();
    await xinetd?.stop();
  }, 30000);

  return () => {
    if (startError !== undefined) throw startError;
    if (xinetd === undefined || ours === undefined) throw new Error('the servers did not start');
    return [xinetd, ours];
  };
}

describe('conformance with Debian xinetd', () => {
  const sides = useSides(NAMES);

  it('chargen ring is shared as in xinetd', async () => {
    const [theirs, mine] = sides();
    const streamBytes = 16 * 1024;

    // The first connection after start begins at line 0.
    const first = [];
    for (const side of [theirs, mine]) first.push(await tcpRequest(port(side, 'stream', 'chargen'), null, streamBytes));
    expect(first[0]?.equals(expectedChargen(0, streamBytes))).toBe(true);
    expect(first[1]?.equals(first[0] ?? Buffer.alloc(0))).toBe(true);

    // Two datagrams move the ring to line 28. The stream connection before them did not move it.
    for (let i = 0; i < 2; i++) {
      const replies = [];
      for (const side of [theirs, mine]) replies.push(await udpRequest(port(side, 'dgram', 'chargen'), Buffer.from('x'), true));
      expect(replies[0]?.length).toBe(1024);
      expect(replies[1]?.equals(replies[0] ?? Buffer.alloc(0))).toBe(true);
    }

    const later = [];
    for (const side of [theirs, mine]) later.push(await tcpRequest(port(side, 'stream', 'chargen'), null, streamBytes));
    expect(later[0]?.equals(expectedChargen(28, streamBytes))).toBe(true);
    expect(later[1]?.equals(later[0] ?? Buffer.alloc(0))).toBe(true);
  }, 20000);

  it('stream chargen keeps sending after the client FIN', async () => {
    const replies = [];
    for (const side of sides()) replies.push(await tcpRequest(port(side, 'stream', 'chargen'), Buffer.alloc(0), 16384));
    expect(replies[0]?.length).toBe(16384);
    expect(replies[1]?.equals(replies[0] ?? Buffer.alloc(0))).toBe(true);
  }, 20000);

  it('stream echo returns the same bytes', async () => {
    const payload = randomBytes(256 * 1024);
    for (const side of sides()) {
      const reply = await tcpRequest(port(side, 'stream', 'echo'), payload);
      expect(reply.equals(payload), side.label).toBe(true);
    }
  }, 20000);

  it('stream echo of nothing closes at once', async () => {
    for (const side of sides()) {
      expect((await tcpRequest(port(side, 'stream', 'echo'), Buffer.alloc(0))).length, side.label).toBe(0);
    }
  }, 20000);

  it('stream discard sends nothing and closes', async () => {
    const payload = randomBytes(64 * 1024);
    for (const side of sides()) {
      expect((await tcpRequest(port(side, 'stream', 'discard'), payload)).length, side.label).toBe(0);
    }
  }, 20000);

  it('stream daytime agrees', async () => {
    const [theirs, mine] = sides();
    const a = await tcpRequest(port(theirs, 'stream', 'daytime'), null);
    const b = await tcpRequest(port(mine, 'stream', 'daytime'), null);
    expectSameDaytime(a, b);
  }, 20000);

  it('stream time agrees', async () => {
    const [theirs, mine] = sides();
    const a = await tcpRequest(port(theirs, 'stream', 'time'), null);
    const b = await tcpRequest(port(mine, 'stream', 'time'), null);
    expectSameTime(a, b);
  }, 20000);

  it.each([
    ['short', Buffer.from('hello, world\n')],
    ['empty', Buffer.alloc(0)],
    ['2048-byte', randomBytes(2048)],
    ['3000-byte', randomBytes(3000)],
  ])('dgram echo of a %s datagram agrees', async (_label, payload) => {
    const replies = [];
    for (const side of sides()) replies.push(await udpRequest(port(side, 'dgram', 'echo'), payload, true));
    expect(replies[0]?.equals(payload.subarray(0, 2048))).toBe(true);
    expect(replies[1]?.equals(replies[0] ?? Buffer.alloc(0))).toBe(true);
  }, 20000);

  it('dgram discard sends nothing', async () => {
    for (const side of sides()) {
      expect(await udpRequest(port(side, 'dgram', 'discard'), Buffer.from('x'), false), side.label).toBeNull();
    }
  }, 20000);

  it('dgram daytime agrees', async () => {
    const [theirs, mine] = sides();
    const a = await udpRequest(port(theirs, 'dgram', 'daytime'), Buffer.from('x'), true);
    const b = await udpRequest(port(mine, 'dgram', 'daytime'), Buffer.from('x'), true);
    expectSameDaytime(a, b);
  }, 20000);

  it('dgram time agrees', async () => {
    const [theirs, mine] = sides();
    const a = await udpRequest(port(theirs, 'dgram', 'time'), Buffer.from('x'), true);
    const b = await udpRequest(port(mine, 'dgram', 'time'), Buffer.from('x'), true);
    expectSameTime(a, b);
  }, 20000);
});

describe.each(['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'CET-1CEST,M3.5.0,M10.5.0/3'])(
  'daytime conformance with TZ=%s',
  (tz) => {
    const sides = useSides(['daytime'], tz);

    it('stream and dgram agree', async () => {
      const [theirs, mine] = sides();
      const theirStream = await tcpRequest(port(theirs, 'stream', 'daytime'), null);
      const ourStream = await tcpRequest(port(mine, 'stream', 'daytime'), null);
      expectSameDaytime(theirStream, ourStream);

      const theirDatagram = await udpRequest(port(theirs, 'dgram', 'daytime'), Buffer.from('x'), true);
      const ourDatagram = await udpRequest(port(mine, 'dgram', 'daytime'), Buffer.from('x'), true);
      expectSameDaytime(theirDatagram, ourDatagram);
    }, 20000);
  },
);
