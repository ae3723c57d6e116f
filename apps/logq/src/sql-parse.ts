/**
 * The SQL path of ingest: DuckDB reads a batch of log lines with its CSV reader and parses
 * the common ones itself, on every core, instead of one JavaScript call per line. It
 * covers the START, EXIT, FAIL and TRAFFIC lines of the classic file log and of RFC 3164
 * syslog (`Mon DD HH:MM:SS host xinetd[pid]: ...`), exactly as the parser in
 * libs/logformat reads them. Every other line (other prefixes, daemon messages, USERID and
 * NOID, unusual characters or values, JSONL) goes back to that parser, which stays the one
 * definition: tests load the same lines both ways and compare.
 *
 * A line is first matched whole against a pattern without capture groups, which RE2 runs
 * as a DFA, and only then cut into fields with string functions. Capture groups made RE2
 * use a slower engine, and DuckDB ran them again for each field taken from them.
 */
import { FAIL_REASONS } from '#logformat';
import { MAX_LINE_BYTES } from './reader.js';

// The shapes accepted, matched whole. Service names and hosts are printable ASCII without
// spaces, numbers fit their columns by length, and addresses use IP characters only, so
// that every accepted line splits into the same fields as the JS parser's regexes give.
const WORD = '[!-~]+';
const HOST = String.raw`[!-Z^-~]+`;
const PROGRAM = String.raw`xinetd[!-9;-Z\\-~]*`;
const INT = String.raw`-?\d{1,9}`;
const UINT = String.raw`\d{1,9}`;
const COUNT = String.raw`\d{1,15}`;
// Addresses that net.isIP accepts, written without an IPv4 part or a zone, or an IPv4
// address behind ::ffff:. Other text after from= goes to the JS parser, which rejects the
// line when the address is not one.
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = String.raw`${OCTET}(?:\.${OCTET}){3}`;
const GROUP = '[0-9A-Fa-f]{1,4}';
const IPV6 = [
  `(?:${GROUP}:){7}${GROUP}`,
  `(?:${GROUP}:){1,7}:`,
  ...[1, 2, 3, 4, 5, 6].map((tail) => `(?:${GROUP}:){1,${7 - tail}}(?::${GROUP}){1,${tail}}`),
  `:(?::${GROUP}){1,7}`,
  '::',
].join('|');
export const ADDRESS = `(?:${IPV4}|::[fF]{4}:${IPV4}|${IPV6})`;
const FAIL_REASON = `(?:${FAIL_REASONS.join('|')})`;
const CLOCK = String.raw`(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d`;
const BODY_SHAPE =
  `(?:START: ${WORD}(?: pid=${UINT})?(?: from=${ADDRESS})?` +
  String.raw`|EXIT: ${WORD}(?: (?:status|signal)=${INT})?(?: pid=${UINT})?(?: duration=${UINT}\(sec\))?` +
  `|FAIL: ${WORD} ${FAIL_REASON}(?: from=${ADDRESS})?` +
  String.raw`|TRAFFIC: ${WORD} in=${COUNT}\(bytes\) out=${COUNT}\(bytes\))`;
// Day ranges follow the month, so that every accepted stamp is a real date and its time is
// never NULL. Feb 29 exists only in some years, so it goes to the JS parser.
const DAY_31 = '(?:[1-9]|[12]\\d|3[01])';
const DAY_30 = '(?:[1-9]|[12]\\d|30)';
const DAY_28 = '(?:[1-9]|1\\d|2[0-8])';
const SYSLOG_DATE = `(?:(?:Jan|Mar|May|Jul|Aug|Oct|Dec) (?: [1-9]|[12]\\d|3[01])|(?:Apr|Jun|Sep|Nov) (?: [1-9]|[12]\\d|30)|Feb (?: [1-9]|1\\d|2[0-8]))`;
const FILE_DATE = `\\d\\d/(?:(?:[13578]|1[02])/${DAY_31}|(?:[469]|11)/${DAY_30}|2/${DAY_28})`;
const SYSLOG_SHAPE = `${SYSLOG_DATE} ${CLOCK} ${HOST} ${PROGRAM}\\[${UINT}\\]: ${BODY_SHAPE}`;
const FILE_SHAPE = `${FILE_DATE}@${CLOCK}: ${BODY_SHAPE}`;
const ISO_UTC = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z`;
const DOTTED_QUAD = String.raw`\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}`;

/** Reads the address of a `from=` token, dropping `::ffff:` (any case) before a dotted quad, as normalizeAddress does. */
function fromAddress(token: string): string {
  return `CASE WHEN prefix(${token}, 'from=::') AND lower(${token}[6:12]) = '::ffff:' AND regexp_full_match(${token}[13:], '${DOTTED_QUAD}')
    THEN ${token}[13:] ELSE ${token}[6:] END`;
}

/** Reads the text after `key` in a token that starts with it, else NULL. */
function valueAfter(token: string, key: string): string {
  return `CASE WHEN prefix(${token}, '${key}') THEN ${token}[${key.length + 1}:] END`;
}

/** A syslog stamp in the reference year, as local wall-clock time. The shape admits real dates only. */
const SYSLOG_WALL_CLOCK = `strptime(CAST($year AS VARCHAR) || ' ' || left(line, 15), '%Y %b %d %H:%M:%S')`;

// Yearless syslog stamps take the year that puts them at or before `$latest` (a day after the reference), in local wall-clock time.
const SYSLOG_TIME = `timezone($zone, CASE WHEN wall + INTERVAL 1 YEAR <= $latest::TIMESTAMP THEN wall + INTERVAL 1 YEAR
  WHEN wall <= $latest::TIMESTAMP THEN wall ELSE wall - INTERVAL 1 YEAR END)`;

// The file log's two-digit year: 70–99 are the 1900s, as expandYear in libs/logformat reads them.
const FILE_TIME = `timezone($zone, strptime(CAST(CASE WHEN CAST(left(line, 2) AS INTEGER) >= 70 THEN 1900 ELSE 2000 END + CAST(left(line, 2) AS INTEGER) AS VARCHAR)
  || line[3:strpos(line, '@') + 8], '%Y/%m/%d@%H:%M:%S'))`;

// One pattern for both forms, as a call per line cost more than the longer pattern. A host
// named xinetd… reads as the program in the JS parser, so such lines go to it: in an
// accepted line, only such a host puts " xinetd" at character 16.
const ACCEPTED = `(regexp_full_match(line, '(?:${SYSLOG_SHAPE})|(?:${FILE_SHAPE})') AND strpos(line, ' xinetd') <> 16)`;

// The form of an accepted line follows from its first character, a digit or a month's.
// With the pattern in the filter only, a 385,000-line batch took 0.92 s of CPU on one
// thread, against 1.17 s when the form was also taken from it (one trial each).
const FORM = `CASE WHEN line < 'A' THEN 'file' ELSE 'syslog' END`;

/**
 * Reads a batch that numberLines (sql-loader.ts) wrote: one row per line, `n` its number
 * in the batch and `line` its text. The CSV reader is set up with no quote or escape
 * character and delimiter 0x01, so each line is one value as written. The caller sends
 * only batches without 0x01. Reading the file in the statement that parses it lets DuckDB
 * share the work between its threads, which a staged table inside the ingest transaction
 * did not. An 8 MiB `buffer_size` in place of the default 32 MiB read a 32 MB batch in
 * 0.44 s instead of 0.56 s (2 cores, one trial each). reader.ts cuts every line to
 * MAX_LINE_BYTES plus a short note, so a line with its number stays under twice that.
 */
export const NUMBERED_LINES = `read_csv($path, columns = {'n': 'BIGINT', 'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '',
  header = false, auto_detect = false, new_line = '\\n', max_line_size = ${2 * MAX_LINE_BYTES}, buffer_size = ${8 * MAX_LINE_BYTES})`;

/** Selects, per line of a numbered batch in order, whether the SQL path parses it. */
export const SHAPE_FLAGS_SQL = `SELECT ${ACCEPTED} FROM ${NUMBERED_LINES} ORDER BY n`;

/** Selects the token `offset` places after the kind (`START:`), in the line's tokens `t` with the kind at index `k`. */
function token(offset: number): string {
  return `t[k + ${offset}]`;
}

/** The last token, when the line has one after the service name. */
const LAST = `CASE WHEN len(t) >= k + 2 THEN t[-1] END`;

/**
 * Moves the service lines SQL read into events, numbered after the lines read before.
 * Each line is split at spaces once, and `k` is the index of its kind token. In the file
 * log one token (the stamp) comes before it. In syslog the stamp, host and tag come
 * before it, in five tokens, or six when a day below 10 is padded with a space.
 */
export const INSERT_SERVICE_SQL = `
INSERT INTO events
SELECT $file_id, $base + n, time, host, rtrim(t[k], ':'), ${token(1)},
  CAST(CASE t[k] WHEN 'START:' THEN ${valueAfter(token(2), 'pid=')} WHEN 'EXIT:' THEN coalesce(${valueAfter(token(2), 'pid=')}, ${valueAfter(token(3), 'pid=')}) END AS INTEGER),
  CASE WHEN t[k] IN ('START:', 'FAIL:') AND prefix(${LAST}, 'from=') THEN ${fromAddress('t[-1]')} END,
  NULL,
  CASE WHEN t[k] = 'FAIL:' THEN CASE WHEN ${token(2)} = 'connections' THEN 'connections per second' ELSE ${token(2)} END END,
  CAST(CASE WHEN t[k] = 'EXIT:' THEN ${valueAfter(token(2), 'status=')} END AS INTEGER),
  CAST(CASE WHEN t[k] = 'EXIT:' THEN ${valueAfter(token(2), 'signal=')} END AS INTEGER),
  CAST(CASE WHEN t[k] = 'EXIT:' AND prefix(${LAST}, 'duration=') THEN t[-1][10:-6] END AS DOUBLE) * 1000,
  NULL, NULL,
  CAST(CASE WHEN t[k] = 'TRAFFIC:' THEN replace(${token(2)}[4:], '(bytes)', '') END AS BIGINT),
  CAST(CASE WHEN t[k] = 'TRAFFIC:' THEN replace(${token(3)}[5:], '(bytes)', '') END AS BIGINT),
  CASE form WHEN 'syslog' THEN CAST(line[strpos(line, '[') + 1:strpos(line, ']: ') - 1] AS INTEGER) END,
  form, line
FROM (
  SELECT n, line, CASE form WHEN 'syslog' THEN ${SYSLOG_TIME} ELSE ${FILE_TIME} END AS time, form, t, k,
    CASE form WHEN 'syslog' THEN t[k - 2] ELSE $host END AS host
  FROM (
    SELECT n, line, shape AS form, CASE WHEN shape = 'syslog' THEN ${SYSLOG_WALL_CLOCK} END AS wall,
      string_split(line, ' ') AS t, CASE WHEN shape = 'file' THEN 2 WHEN line[5] = ' ' THEN 7 ELSE 6 END AS k
    FROM (SELECT n, line, ${FORM} AS shape FROM ${NUMBERED_LINES} WHERE ${ACCEPTED})
  )
)`;

/**
 * Counts the rows of lines `$from` to `$to` dated after `$future`, with the first such
 * line. Run after the insert and before the JS parser adds the batch's other lines.
 */
export const FUTURE_SQL = `
SELECT count(*), min(line_number) FROM events
WHERE file_id = $file_id AND line_number BETWEEN $from AND $to AND time > $future`;

/** The lines of a numbered batch that the insert left for the JS parser, in file order. */
export const LEFTOVER_SQL = `
SELECT b.n, b.line FROM ${NUMBERED_LINES} b
ANTI JOIN (SELECT line_number - $base AS n FROM events WHERE file_id = $file_id AND line_number BETWEEN $base + 1 AND $base + $count) e ON b.n = e.n
ORDER BY b.n`;

/** Removes a batch's rows when the reader's lines did not add up, before the JS parser loads the batch. */
export const DELETE_BATCH_SQL = 'DELETE FROM events WHERE file_id = $file_id AND line_number BETWEEN $base + 1 AND $base + $count';
