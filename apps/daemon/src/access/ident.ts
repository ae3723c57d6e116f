/**
 * The RFC 1413 client. It connects from the connection's local address to the client's
 * identd, sends the two ports of the connection, and reads one CRLF-terminated line.
 */
import net from 'node:net';
import { parseIdentReply } from '#acl';

/** The longest reply line read, as in xinetd. */
const MAX_LINE = 1024;

export type IdentResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'no server' | 'timeout' | 'system error' | 'error while receiving response' | 'bad response' };

export interface IdentTarget {
  clientIp: string;
  clientPort: number;
  localIp: string;
  localPort: number;
}

/** Asks the client's identd; resolves, never rejects. */
export function queryIdent(target: IdentTarget, identPort: number, timeoutMs: number): Promise<IdentResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.clientIp, port: identPort, localAddress: target.localIp });
    let buffer = '';
    let settled = false;
    const finish = (result: IdentResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout' }), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('connect', () => socket.write(`${target.clientPort},${target.localPort}\r\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\r\n');
      if (end < 0 && buffer.length <= MAX_LINE) return;
      if (end < 0 || end > MAX_LINE) return finish({ ok: false, reason: 'bad response' });
      const reply = parseIdentReply(buffer.slice(0, end), target.clientPort, target.localPort);
      finish(reply.ok ? reply : { ok: false, reason: 'bad response' });
    });
    socket.on('end', () => finish({ ok: false, reason: buffer === '' ? 'error while receiving response' : 'bad response' }));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish({ ok: false, reason: error.code === 'ECONNREFUSED' ? 'no server' : 'system error' });
    });
  });
}
