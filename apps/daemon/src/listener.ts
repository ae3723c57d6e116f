/**
 * One listening socket per service: a TCP server for `stream`, a UDP socket for `dgram`.
 * Without `bind` the socket is IPv6 dual-stack, as xinetd 2.3.15.1 and later do, falling
 * back to IPv4 on a host without IPv6.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { ServiceConfig } from '#config';
import type { AcceptTrouble } from './accept-trouble.js';
import type { HeldListener } from './child/holder.js';

export interface BoundAddress {
  address: string;
  port: number;
}

/** The address a service binds, and the UDP socket type for it. */
interface BindPlan {
  host: string;
  udpType: 'udp4' | 'udp6';
  /** The IPv4 fallback when the dual-stack address cannot be bound. */
  fallback: string | null;
}

function bindPlan(config: ServiceConfig): BindPlan {
  if (config.bind !== null) {
    const isV6 = net.isIPv6(config.bind);
    return { host: config.bind, udpType: isV6 ? 'udp6' : 'udp4', fallback: null };
  }
  if (config.flags.has('IPv4') && !config.flags.has('IPv6')) return { host: '0.0.0.0', udpType: 'udp4', fallback: null };
  return { host: '::', udpType: 'udp6', fallback: '0.0.0.0' };
}

function isNoIpv6(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EAFNOSUPPORT' || error.code === 'EADDRNOTAVAIL';
}

export type ConnectionHandler = (socket: net.Socket) => void;
export type DatagramHandler = (message: Buffer, remote: dgram.RemoteInfo, socket: dgram.Socket) => void;

function listenTcp(server: net.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    // A burst larger than the backlog makes Linux drop handshakes, and those clients then
    // wait for SYN-ACK retransmissions, up to a minute; 1024 absorbs a 2,000-connection flood.
    server.listen({ host, port, ipv6Only: false, backlog: 1024, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function bindUdp(socket: dgram.Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    socket.once('error', onError);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
}

export class StreamListener {
  private server: net.Server;

  constructor(onConnection: ConnectionHandler, trouble: AcceptTrouble | null = null) {
    // Paused, so that no byte is read before the socket is handed to a server process.
    this.server = net.createServer({ pauseOnConnect: true }, (socket) => {
      trouble?.accepted();
      onConnection(socket);
    });
    // After listening, only accept fails here (EMFILE and the like). libuv has already
    // closed the pending connection and keeps listening, so the socket stays open.
    this.server.on('error', (error: NodeJS.ErrnoException) => trouble?.failed(error));
  }

  async open(config: ServiceConfig): Promise<BoundAddress> {
    const plan = bindPlan(config);
    try {
      await listenTcp(this.server, plan.host, config.port);
    } catch (error) {
      if (plan.fallback === null || !isNoIpv6(error as NodeJS.ErrnoException)) throw error;
      await listenTcp(this.server, plan.fallback, config.port);
    }
    const address = this.server.address() as net.AddressInfo;
    return { address: address.address, port: address.port };
  }

  /** The listening socket's descriptor, for handing it to a wait = yes server. */
  descriptor(): number {
    return (this.server as unknown as { _handle: { fd: number } | null })._handle?.fd ?? -1;
  }

  close(): void {
    this.server.close();
  }
}

export class DatagramListener {
  private socket: dgram.Socket | null = null;
  private readonly onMessage: DatagramHandler;

  constructor(onMessage: DatagramHandler) {
    this.onMessage = onMessage;
  }

  async open(config: ServiceConfig): Promise<BoundAddress> {
    const plan = bindPlan(config);
    try {
      return await this.bind(plan.udpType, plan.host, config.port);
    } catch (error) {
      if (plan.fallback === null || !isNoIpv6(error as NodeJS.ErrnoException)) throw error;
      return await this.bind('udp4', plan.fallback, config.port);
    }
  }

  private async bind(type: 'udp4' | 'udp6', host: string, port: number): Promise<BoundAddress> {
    const socket = dgram.createSocket({ type, ipv6Only: false });
    try {
      await bindUdp(socket, host, port);
    } catch (error) {
      socket.close();
      throw error;
    }
    socket.on('message', (message, remote) => this.onMessage(message, remote, socket));
    socket.on('error', () => {
      // A failed send to one client must not close the service.
    });
    this.socket = socket;
    const address = socket.address();
    return { address: address.address, port: address.port };
  }

  /**
   * The UDP socket's descriptor, for handing it to a wait = yes server. dgram keeps its
   * handle behind a symbol; the `_handle` getter would print a deprecation warning.
   */
  descriptor(): number {
    if (this.socket === null) return -1;
    const state = Object.getOwnPropertySymbols(this.socket).find((symbol) => symbol.description === 'state symbol');
    const handle = state === undefined ? undefined : (this.socket as unknown as Record<symbol, { handle?: { fd?: number } }>)[state]?.handle;
    return handle?.fd ?? -1;
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
  }
}

export type Listener = StreamListener | DatagramListener | HeldListener;
