/**
 * The SQL path for the daemon's JSONL: DuckDB reads a numbered batch one line per row, matches
 * each line whole against the shape the daemon writes, and reads the fields of the
 * matching lines with one json_transform call. Every other line goes to the JavaScript
 * parser in libs/logformat: other keys or key order, escapes in strings, numbers that may
 * not fit their columns, dates that V8 and DuckDB read differently, and U+FFFD. That parser
 * stays the one definition, and tests load the same lines both ways and compare.
 *
 * The shape is a subset of JSON on which JSON.parse and DuckDB read the same values.
 * JSONL_SHAPE admits each known key at most once and in a fixed order, so duplicate keys
 * (where JSON.parse keeps the last) cannot occur. Strings contain no backslash, so their text
 * is their value, and numbers are plain integers or decimals within their column types.
 */
import { EVENT_KINDS, SEVERITIES } from '#logformat';
import { NUMBERED_LINES } from './sql-parse.js';

// A line with U+FFFD goes to JS, which counts it as a sign of bytes that were not UTF-8.
const STRING = String.raw`"[^"\\\x00-\x1f\x{FFFD}]*"`;
const STRING_OR_NULL = `(?:${STRING}|null)`;
// Nine digits always fit a 32-bit integer, and fifteen stay below 2^53, so that JSON.parse
// reads every such count exactly. JSON.parse keeps the sign of -0 and json_transform drops
// it, so a negative number must not start with 0.
const INT32 = String.raw`(?:0|-?[1-9]\d{0,8}|null)`;
const COUNT = String.raw`(?:0|[1-9]\d{0,14}|null)`;
const DECIMAL = String.raw`(?:(?:0|-?[1-9]\d{0,14})(?:\.\d{1,6})?|null)`;
const PORT = String.raw`(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}|0|null)`;

// V8 rolls a day past the month's end over into the next month (2026-02-30 is March 2)
// and reads hour 24 as the next day, where DuckDB rejects both. February 29 exists only in
// leap years, so it goes to JS too. V8 also drops fraction digits after the third.
const DATE = String.raw`(?:19|20)\d\d-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))`;
const ISO_UTC = String.raw`"${DATE}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,3})?Z"`;

const KIND = `"(?:${[...EVENT_KINDS, 'MESSAGE'].join('|')})"`;
const SOURCE = String.raw`(?:\{"ip":${STRING_OR_NULL}(?:,"port":${PORT})?\}|null)`;

/** Builds the pattern of an optional `,"key":value` member. */
function member(key: string, value: string): string {
  return `(?:,"${key}":${value})?`;
}

// pino writes level, time and the base field host first. The event's own fields follow in
// the order that eventFields and messageFields in libs/logformat give them. This order
// contains each kind's order as a subsequence.
const JSONL_SHAPE =
  String.raw`\{(?:"level":(?:0|[1-9]\d{0,2}),)?"time":${ISO_UTC}${member('host', STRING_OR_NULL)},"event":${KIND}` +
  member('severity', STRING_OR_NULL) +
  member('service', STRING_OR_NULL) +
  member('pid', INT32) +
  member('reason', STRING_OR_NULL) +
  member('status', INT32) +
  member('signal', INT32) +
  member('duration_ms', DECIMAL) +
  member('text', STRING_OR_NULL) +
  member('msg', STRING_OR_NULL) +
  member('bytes_in', COUNT) +
  member('bytes_out', COUNT) +
  member('source', SOURCE) +
  String.raw`\}`;

/** The structure json_transform reads a matching line into. */
const FIELDS = JSON.stringify({
  time: 'VARCHAR',
  host: 'VARCHAR',
  event: 'VARCHAR',
  severity: 'VARCHAR',
  service: 'VARCHAR',
  pid: 'INTEGER',
  reason: 'VARCHAR',
  status: 'INTEGER',
  signal: 'INTEGER',
  duration_ms: 'DOUBLE',
  text: 'VARCHAR',
  msg: 'VARCHAR',
  bytes_in: 'BIGINT',
  bytes_out: 'BIGINT',
  source: { ip: 'VARCHAR', port: 'INTEGER' },
});

/** Selects, per line of a numbered batch in order, whether it has the shape. */
export const JSONL_FLAGS_SQL = `SELECT regexp_full_match(line, '${JSONL_SHAPE}') FROM ${NUMBERED_LINES} ORDER BY n`;

const SEVERITY_LIST = SEVERITIES.map((severity) => `'${severity}'`).join(', ');

/** Drops `::ffff:` (any case) before a dotted quad, as normalizeAddress in libs/logformat does. */
const SOURCE_IP = String.raw`CASE WHEN lower(fields.source.ip[1:7]) = '::ffff:'
    AND regexp_full_match(fields.source.ip[8:], '\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}') THEN fields.source.ip[8:]
  ELSE fields.source.ip END`;

/**
 * Moves the lines of a numbered batch that have the shape into events, numbered after the
 * lines read before. A line without a string `host` takes `$host`, and `text` falls back to
 * `msg`, as in fromJsonRecord.
 */
export const INSERT_JSONL_SQL = `
INSERT INTO events
SELECT $file_id, $base + n, CAST(fields.time AS TIMESTAMPTZ), coalesce(fields.host, $host), fields.event, fields.service, fields.pid,
  ${SOURCE_IP}, fields.source.port, fields.reason, fields.status, fields.signal, fields.duration_ms,
  coalesce(fields.text, fields.msg), CASE WHEN fields.severity IN (${SEVERITY_LIST}) THEN fields.severity END,
  fields.bytes_in, fields.bytes_out, NULL, 'jsonl', line
FROM (
  SELECT n, line, json_transform(line, '${FIELDS}') AS fields
  FROM ${NUMBERED_LINES} WHERE regexp_full_match(line, '${JSONL_SHAPE}')
)`;
