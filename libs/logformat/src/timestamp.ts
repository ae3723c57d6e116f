/**
 * The time stamps of xinetd's logs. The file log writes local time as `YY/M/D@HH:MM:SS`
 * (two-digit year, month and day not padded); syslog writes `Mon DD HH:MM:SS` with no year.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Formats a local time the way xinetd's file log does: `26/12/4@19:57:24`. */
export function formatFileStamp(date: Date): string {
  const year = pad2(date.getFullYear() % 100);
  const time = `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
  return `${year}/${date.getMonth() + 1}/${date.getDate()}@${time}`;
}

export const FILE_STAMP_PATTERN = '(\\d{2})/(\\d{1,2})/(\\d{1,2})@(\\d{2}):(\\d{2}):(\\d{2})';

/**
 * Expands a two-digit year. xinetd first shipped in 1999, so 70–99 are the 1900s and
 * everything else the 2000s.
 */
export function expandYear(twoDigits: number): number {
  return twoDigits >= 70 ? 1900 + twoDigits : 2000 + twoDigits;
}

/**
 * Builds a local Date from its parts, or returns null when a part is out of range
 * (a `13` month or a `30/2` day would otherwise roll over silently).
 */
export function localDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): Date | null {
  // A leap second (:60) is checked as :59 and then moved on by one second, so that
  // 23:59:60 is accepted like any other minute's :60 instead of failing the day check.
  const leap = second === 60 ? 1 : 0;
  const date = new Date(year, month - 1, day, hour, minute, second - leap);
  const valid =
    date.getFullYear() === year &&
    date.getMonth() === month - 1 &&
    date.getDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 61;
  if (!valid) return null;
  return leap === 0 ? date : new Date(date.getTime() + 1000);
}

/** Parses the parts matched by FILE_STAMP_PATTERN into a local Date. */
export function parseFileStamp(parts: readonly string[]): Date | null {
  const [yy, mo, dd, hh, mi, ss] = parts.map(Number) as [number, number, number, number, number, number];
  return localDate(expandYear(yy), mo, dd, hh, mi, ss);
}

export const SYSLOG_STAMP_PATTERN = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})';

/**
 * Parses an RFC 3164 stamp (`Dec  4 19:51:25`), which has no year. The year is the one
 * that puts the stamp closest before `reference` (the file's modification time, say), so a
 * December line read in January belongs to the year before.
 */
export function parseSyslogStamp(parts: readonly string[], reference: Date): Date | null {
  const [monthName, dd, hh, mi, ss] = parts as [string, string, string, string, string];
  const month = MONTHS.indexOf(monthName) + 1;
  const candidates = [reference.getFullYear() + 1, reference.getFullYear(), reference.getFullYear() - 1];
  const slack = 24 * 3600 * 1000;
  for (const year of candidates) {
    const date = localDate(year, month, Number(dd), Number(hh), Number(mi), Number(ss));
    if (date && date.getTime() <= reference.getTime() + slack) return date;
  }
  return null;
}
