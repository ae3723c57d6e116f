/**
 * Keeps a classic log line one line: values from configurations, file names and OS
 * messages may hold newlines or terminal escapes, and fail2ban and grep read line by line.
 */

/**
 * C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the Unicode
 * spaces other than U+0020 (and U+FEFF). Parsers and fail2ban filters split fields with
 * `\s`, which matches those spaces, so a service id holding one would shift every field after it.
 */
const BREAKING = /[\u0000-\u001f\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/g;

/** Longer lines are cut, so that one huge value cannot bloat every line that names it. */
export const MAX_LINE_LENGTH = 4096;

function escape(character: string): string {
  const code = character.charCodeAt(0);
  return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
}

/** Escapes control characters as \xNN and cuts the line at MAX_LINE_LENGTH, saying how much was left out. */
export function oneLine(text: string): string {
  const escaped = text.replace(BREAKING, escape);
  if (escaped.length <= MAX_LINE_LENGTH) return escaped;
  return `${escaped.slice(0, MAX_LINE_LENGTH)}... [${escaped.length - MAX_LINE_LENGTH} more characters]`;
}
