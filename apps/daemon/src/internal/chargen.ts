import type { Socket } from 'node:net';
import { runSession } from './session.js';

/**
 * The character generator (RFC 864) as xinetd 2.3.15 sends it. The ring contains the 93
 * characters `!` (0x21) to `}` (0x7D): no space and no `~`, unlike RFC 864's 95.
 * Line k is 72 ring characters from position k, then CRLF. The start position advances
 * by one per line and goes back to 0 after position 94, so the output repeats every
 * 95 lines and lines 93 and 94 equal lines 0 and 1.
 */

export const CHARGEN_LINE_LENGTH = 72;

/** Bytes in a full line: the characters and CRLF. */
export const CHARGEN_LINE_BYTES = CHARGEN_LINE_LENGTH + 2;

/** Start positions 0 to 94: xinetd's ring buffer is 93 + 72 bytes long. */
export const CHARGEN_PERIOD_LINES = 95;

/** xinetd replies to every chargen datagram with exactly this many bytes. */
export const CHARGEN_DATAGRAM_BYTES = 1024;

const RING_FIRST = 0x21;
const RING_SIZE = 93;

/**
 * The ring position of the daemon. Datagram replies advance it. A stream session starts
 * from it but never writes it back, because xinetd serves stream chargen in a forked
 * child that advances only its own copy.
 */
export const chargenRing = { position: 0 };

/** Sets the ring position back to 0, as in a freshly started xinetd. */
export function resetChargenRing(): void {
  chargenRing.position = 0;
}

/**
 * Writes the line for ring `position` into `target` at `offset`, cut to `length`
 * characters before the CRLF, as xinetd does for the last line of a datagram.
 */
function writeLine(target: Buffer, offset: number, position: number, length: number): void {
  for (let i = 0; i < length; i++) {
    target[offset + i] = RING_FIRST + ((position + i) % RING_SIZE);
  }
  target[offset + length] = 0x0d;
  target[offset + length + 1] = 0x0a;
}

function nextPosition(position: number): number {
  return (position + 1) % CHARGEN_PERIOD_LINES;
}

/** Returns the 74-byte line, CRLF included, that starts at ring `position` (0 to 94). */
export function chargenLine(position: number): Buffer {
  const line = Buffer.alloc(CHARGEN_LINE_BYTES);
  writeLine(line, 0, position % CHARGEN_PERIOD_LINES, CHARGEN_LINE_LENGTH);
  return line;
}

/**
 * Fills `size` bytes with lines from `start` the way xinetd's datagram reply does: full
 * lines while they fit, then one shorter line with its CRLF, and nothing once fewer than
 * three bytes are left. Returns the bytes and the position after the last line.
 */
export function chargenFill(start: number, size: number): { bytes: Buffer; next: number } {
  const bytes = Buffer.alloc(size);
  let offset = 0;
  let position = start % CHARGEN_PERIOD_LINES;
  while (size - offset > 2) {
    const length = Math.min(CHARGEN_LINE_LENGTH, size - offset - 2);
    writeLine(bytes, offset, position, length);
    offset += length + 2;
    position = nextPosition(position);
  }
  return { bytes: bytes.subarray(0, offset), next: position };
}

/**
 * Returns the reply to one chargen datagram (13 full lines and a 60-character line, 1024
 * bytes) and advances the daemon's ring by the 14 lines sent. The request is ignored.
 */
export function chargenDatagram(): Buffer {
  const { bytes, next } = chargenFill(chargenRing.position, CHARGEN_DATAGRAM_BYTES);
  chargenRing.position = next;
  return bytes;
}

/** Every line of one period, twice, so that any rotation of the period is one subarray. */
const PERIOD_TWICE = chargenFill(0, 2 * CHARGEN_PERIOD_LINES * CHARGEN_LINE_BYTES).bytes;

/**
 * Returns the 95 lines from `start` on. Writing this buffer over and over gives the
 * endless stream, because a whole period brings the position back to `start`.
 */
export function chargenPeriod(start: number): Buffer {
  const offset = (start % CHARGEN_PERIOD_LINES) * CHARGEN_LINE_BYTES;
  return PERIOD_TWICE.subarray(offset, offset + CHARGEN_PERIOD_LINES * CHARGEN_LINE_BYTES);
}

/**
 * A cap on writes per turn of the event loop, so that a fast reader cannot starve the
 * daemon's other work: write() keeps returning true while the kernel takes every write.
 */
const MAX_WRITES_PER_TURN = 64;

/**
 * Serves stream chargen: ignores whatever the client sends, keeps sending after the
 * client's FIN (xinetd shuts down only its read side), and writes lines until a write
 * fails. It waits for 'drain' whenever the socket buffers more than its high-water mark.
 */
export function serveChargen(socket: Socket): Promise<void> {
  return runSession(socket, () => {
    const period = chargenPeriod(chargenRing.position);
    socket.allowHalfOpen = true;
    socket.resume();

    const pump = (): void => {
      for (let i = 0; i < MAX_WRITES_PER_TURN; i++) {
        if (socket.destroyed) return;
        if (!socket.write(period)) {
          socket.once('drain', pump);
          return;
        }
      }
      setImmediate(pump);
    };
    pump();
  });
}
