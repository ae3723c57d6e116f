/**
 * RFC 1413 replies. The reply comes from a host the client controls, so its text is cut to
 * a fixed length and stripped of control characters before anything logs it.
 */

/** Maximum characters of an identd reply that reach a log line. */
export const MAX_IDENT_TEXT = 256;

export type IdentReply =
  | { ok: true; text: string }
  | { ok: false; reason: 'bad response'; line: string };

/** Replaces control characters (C0, DEL, C1) with `?` and cuts the text to MAX_IDENT_TEXT. */
export function sanitizeIdentText(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > MAX_IDENT_TEXT ? clean.slice(0, MAX_IDENT_TEXT) : clean;
}

/**
 * Parses `remote , local : USERID : OS : user`, checking both ports; the text logged is
 * what follows `USERID :`, spaces around the separators tolerated.
 */
export function parseIdentReply(line: string, remotePort: number, localPort: number): IdentReply {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*:\s*USERID\s*:\s*(.*?)\s*$/.exec(line);
  if (!m || Number(m[1]) !== remotePort || Number(m[2]) !== localPort || m[3] === '') {
    return { ok: false, reason: 'bad response', line: sanitizeIdentText(line) };
  }
  return { ok: true, text: sanitizeIdentText(m[3]!.replace(/\s*:\s*/, ' : ')) };
}
