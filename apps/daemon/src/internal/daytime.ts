import type { Socket } from 'node:net';
import { localTime } from './localtime.js';
import { runSession, sendAndClose } from './session.js';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function monthName(month: number): string {
  const name = MONTHS[month - 1];
  if (name === undefined) throw new Error(`internal error in daytime: month ${month} is not 1 to 12`);
  return name;
}

/**
 * Formats the daytime reply as xinetd does, which is not RFC 867's usual form: local time
 * as `DD MON YYYY HH:MM:SS ZONE` and CRLF, such as `04 DEC 2026 19:47:27 CET\r\n`. ZONE is
 * what strftime's %Z prints, and is empty when TZ is invalid, as with glibc.
 */
export function formatDaytime(now: Date, env?: Readonly<Record<string, string | undefined>>): string {
  const t = localTime(now, env);
  const time = `${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`;
  return `${pad2(t.day)} ${monthName(t.month)} ${t.year} ${time} ${t.abbreviation}\r\n`;
}

/** Returns the daytime reply as bytes. Latin-1 gives back the zone file's abbreviation bytes unchanged. */
export function daytimeBytes(now: Date): Buffer {
  return Buffer.from(formatDaytime(now), 'latin1');
}

/** Serves stream daytime: sends the line and closes without reading anything. */
export function serveDaytime(socket: Socket): Promise<void> {
  return runSession(socket, () => sendAndClose(socket, daytimeBytes(new Date())));
}
