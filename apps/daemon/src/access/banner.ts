/**
 * The banner files: read per connection, as xinetd opens them per connection, and written
 * before the connection goes on, so that a server started afterwards writes after them.
 */
import { readFile } from 'node:fs/promises';
import type net from 'node:net';
import type { EventLog } from '../log/event-log.js';

function write(socket: net.Socket, data: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || data.length === 0) {
      resolve();
      return;
    }
    socket.write(data, () => resolve());
  });
}

/** Sends the file at `path`; a missing file is logged as xinetd logs it and the connection goes on. */
export async function sendBanner(socket: net.Socket, path: string, serviceId: string, log: EventLog): Promise<void> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch {
    log.error(`service = ${serviceId}, open of banner ${path} failed`);
    return;
  }
  await write(socket, data);
}
