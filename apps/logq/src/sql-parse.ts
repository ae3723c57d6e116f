/**
 * The SQL path of ingest (LOGQ_PARSER=sql): DuckDB splits and parses a chunk of log lines
 * in SQL, in parallel, instead of one JavaScript call per line. It covers the common forms (classic
 * file-log service lines, RFC 3164 syslog service lines tagged `host xinetd[pid]:`, and
 * the daemon's JSONL) exactly as the parser in libs/logformat reads them. Any line it
 * does not accept (other prefixes, daemon messages, bad values) goes back to that parser,
 * which stays the one definition: a test loads the same lines both ways and compares.
 */

const KINDS = "('START', 'EXIT', 'FAIL', 'USERID', 'NOID', 'TRAFFIC')";
const REASONS = "('address', 'time', 'fork', 'service_limit', 'per_source_limit', 'process_limit', 'libwrap', 'load', 'connections per second', 'UNKNOWN')";
const MONTHS = "['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']";

const FILE_LINE = String.raw`^(\d{2})/(\d{1,2})/(\d{1,2})@(\d{2}):(\d{2}):(\d{2}): (START|EXIT|FAIL|USERID|NOID|TRAFFIC): (.*)$`;
const SYSLOG_LINE = String.raw`^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([^\s\[]+) (xinetd[^\s\[:]*)\[(\d+)\]: (START|EXIT|FAIL|USERID|NOID|TRAFFIC): (.*)$`;

// The body patterns of parseServiceBody, each padded to six groups: the whole body, then fields.
const BODY: Record<string, string> = {
  START: String.raw`^((\S+)(?: pid=(\d+))?(?: from=(.+))?)()()$`,
  EXIT: String.raw`^((\S+)(?: (status|signal)=(-?\d+))?(?: pid=(\d+))?(?: duration=(\d+)\(sec\))?)$`,
  FAIL: String.raw`^((\S+) (connections per second|\S+)(?: from=(.+))?)()()$`,
  USERID: String.raw`^((\S+) (.*))()()()$`,
  NOID: String.raw`^((\S+) (<no address>|\S+) (.+))()()$`,
  TRAFFIC: String.raw`^((\S+) in=(\d+)\(bytes\) out=(\d+)\(bytes\))()()$`,
};

const ISO_UTC = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z`;
const MAPPED = String.raw`(?i)::ffff:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}`;

const NAMES = "['all', 'a', 'b', 'c', 'd', 'e']";

function bodyCase(): string {
  const branches = Object.entries(BODY).map(([kind, pattern]) => `WHEN '${kind}' THEN regexp_extract(body, '${pattern}', ${NAMES})`);
  return `CASE kind ${branches.join(' ')} END`;
}

function address(text: string): string {
  return `CASE WHEN ${text} IN ('', '<no address>', '<invalid address>') THEN NULL WHEN regexp_full_match(${text}, '${MAPPED}') THEN substr(${text}, 8) ELSE ${text} END`;
}

/** JSONL keeps every address as written, except that IPv4-mapped ones lose `::ffff:`. */
function mappedToIpv4(text: string): string {
  return `CASE WHEN regexp_full_match(${text}, '${MAPPED}') THEN substr(${text}, 8) ELSE ${text} END`;
}

/** Tests that a digits capture, read as JavaScript's Number() reads it, fits the INTEGER column. */
function fitsInteger(text: string): string {
  return `(${text} = '' OR try_cast(${text} AS INTEGER) IS NOT NULL)`;
}

function integerOrNull(text: string): string {
  return `try_cast(nullif(${text}, '') AS INTEGER)`;
}

/** Local wall-clock parts to an instant, in the zone logq runs in (a bound parameter). */
function localTime(year: string, rest: string): string {
  return `timezone($zone, try_strptime(${year} || '-' || ${rest}, '%Y-%m-%d %H:%M:%S'))`;
}

/** The classic lines: the stamp and the kind/body split, before the body is parsed. */
const CLASSIC = `
SELECT n, line, 'file' AS form, NULL::VARCHAR AS host, NULL::INTEGER AS writer_pid, f.kind AS kind, f.body AS body,
  ${localTime("CAST(CASE WHEN try_cast(f.yy AS INTEGER) >= 70 THEN 1900 ELSE 2000 END + try_cast(f.yy AS INTEGER) AS VARCHAR)", "f.mo || '-' || f.dd || ' ' || f.hh || ':' || f.mi || ':' || f.ss")} AS time
FROM (SELECT n, line, regexp_extract(line, '${FILE_LINE}', ['yy', 'mo', 'dd', 'hh', 'mi', 'ss', 'kind', 'body']) AS f
      FROM staged WHERE line[1] BETWEEN '0' AND '9')
WHERE f.kind <> ''
UNION ALL
SELECT n, line, 'syslog', s.host, try_cast(s.wpid AS INTEGER), s.kind, s.body,
  timezone($zone, CASE WHEN t + INTERVAL 1 YEAR <= $latest::TIMESTAMP THEN t + INTERVAL 1 YEAR
    WHEN t <= $latest::TIMESTAMP THEN t ELSE t - INTERVAL 1 YEAR END)
FROM (
  SELECT n, line, s, try_strptime(CAST($year AS VARCHAR) || '-' || list_position(${MONTHS}, s.mon) || '-' || s.dd || ' ' || s.hh || ':' || s.mi || ':' || s.ss,
    '%Y-%m-%d %H:%M:%S') AS t
  FROM (SELECT n, line, regexp_extract(line, '${SYSLOG_LINE}', ['mon', 'dd', 'hh', 'mi', 'ss', 'host', 'prog', 'wpid', 'kind', 'body']) AS s
        FROM staged WHERE line[1] BETWEEN 'A' AND 'S')
  -- Feb 29 exists only in some of the candidate years: the JS parser decides those lines.
  WHERE s.kind <> '' AND NOT prefix(s.host, 'xinetd') AND NOT (s.mon = 'Feb' AND s.dd = '29')
)`;

/** Service lines with their body fields, and whether every value is one the JS parser keeps as is. */
const SERVICE_ROWS = `
SELECT n, line, form, host, writer_pid, kind, time, g,
  g.all <> '' AND time IS NOT NULL AND fits_writer
  AND CASE kind
    WHEN 'START' THEN ${fitsInteger('g.b')}
    WHEN 'EXIT' THEN ${fitsInteger('g.c')} AND ${fitsInteger('g.d')}
    WHEN 'FAIL' THEN g.b IN ${REASONS}
    WHEN 'TRAFFIC' THEN try_cast(g.b AS BIGINT) <= 9007199254740991 AND try_cast(g.c AS BIGINT) <= 9007199254740991
    ELSE true END AS ok
FROM (SELECT *, ${bodyCase()} AS g, (writer_pid IS NOT NULL OR form = 'file') AS fits_writer FROM classic)`;

const SERVICE_EVENTS = `
SELECT n, line, form, host, writer_pid, kind, time, ok,
  g.a AS service,
  CASE kind WHEN 'START' THEN ${integerOrNull('g.b')} WHEN 'EXIT' THEN ${integerOrNull('g.d')} END AS pid,
  ${address("CASE kind WHEN 'START' THEN g.c WHEN 'FAIL' THEN g.c WHEN 'NOID' THEN g.b ELSE '' END")} AS source_ip,
  NULL::INTEGER AS source_port,
  CASE kind WHEN 'FAIL' THEN g.b WHEN 'NOID' THEN g.c END AS reason,
  CASE WHEN kind = 'EXIT' AND g.b = 'status' THEN ${integerOrNull('g.c')} END AS status,
  CASE WHEN kind = 'EXIT' AND g.b = 'signal' THEN ${integerOrNull('g.c')} END AS signal,
  CASE WHEN kind = 'EXIT' AND g.e <> '' THEN try_cast(g.e AS DOUBLE) * 1000 END AS duration_ms,
  CASE WHEN kind = 'USERID' THEN g.b END AS text,
  CASE WHEN kind = 'TRAFFIC' THEN try_cast(g.b AS BIGINT) END AS bytes_in,
  CASE WHEN kind = 'TRAFFIC' THEN try_cast(g.c AS BIGINT) END AS bytes_out
FROM service_rows`;

/** The JSON fields read, extracted in one parse; `v[i]` is the field at PATHS[i - 1]. */
const JSON_PATHS = ['event', 'time', 'host', 'service', 'pid', 'source', 'source.ip', 'source.port', 'reason', 'status', 'signal', 'duration_ms', 'text', 'msg', 'severity', 'bytes_in', 'bytes_out'];

function field(name: string): string {
  return `v[${JSON_PATHS.indexOf(name) + 1}]`;
}

function typeOf(name: string): string {
  return `json_type(${field(name)})`;
}

function textOf(name: string): string {
  return `(${field(name)}->>'$')`;
}

/** Reads a JSON integer as the JS parser keeps it, giving null when absent or not a number. */
function jsonInteger(name: string): string {
  return `CASE WHEN ${typeOf(name)} IN ('UBIGINT', 'BIGINT') THEN try_cast(${textOf(name)} AS INTEGER) END`;
}

/** Tests that a JSON field is absent, not a number (both read as null), or an integer that fits. */
function jsonIntegerFits(name: string, min = -2147483648, max = 2147483647): string {
  return `(coalesce(${typeOf(name)}, 'NULL') NOT IN ('UBIGINT', 'BIGINT', 'DOUBLE')
    OR (${typeOf(name)} IN ('UBIGINT', 'BIGINT') AND try_cast(${textOf(name)} AS BIGINT) BETWEEN ${min} AND ${max}))`;
}

/** Tests that a JSON byte count is absent, not a number, or a whole number below 2^53. */
function jsonCountFits(name: string): string {
  return `(coalesce(${typeOf(name)}, 'NULL') NOT IN ('UBIGINT', 'BIGINT', 'DOUBLE')
    OR (${typeOf(name)} = 'UBIGINT' AND try_cast(${textOf(name)} AS BIGINT) <= 9007199254740991))`;
}

function jsonString(name: string): string {
  return `CASE WHEN ${typeOf(name)} = 'VARCHAR' THEN ${textOf(name)} END`;
}

const JSON_EVENTS = `
SELECT n, line, 'jsonl' AS form, ${jsonString('host')} AS host, NULL::INTEGER AS writer_pid, ${textOf('event')} AS kind,
  CASE WHEN regexp_full_match(${textOf('time')}, '${ISO_UTC}') THEN try_cast(${textOf('time')} AS TIMESTAMPTZ) END AS time,
  ${typeOf('event')} = 'VARCHAR' AND ${textOf('event')} IN ${KINDS.replace(')', ", 'MESSAGE')")}
    AND ${typeOf('time')} = 'VARCHAR' AND regexp_full_match(${textOf('time')}, '${ISO_UTC}')
    AND ${jsonIntegerFits('pid')} AND ${jsonIntegerFits('status')} AND ${jsonIntegerFits('signal')}
    AND (${typeOf('source')} IS DISTINCT FROM 'OBJECT' OR ${jsonIntegerFits('source.port', 0, 65535)})
    AND ${jsonCountFits('bytes_in')} AND ${jsonCountFits('bytes_out')}
    AND coalesce(${typeOf('duration_ms')}, 'NULL') <> 'DOUBLE' AS ok,
  ${jsonString('service')} AS service,
  ${jsonInteger('pid')} AS pid,
  CASE WHEN ${typeOf('source')} = 'OBJECT' THEN ${mappedToIpv4(jsonString('source.ip'))} END AS source_ip,
  CASE WHEN ${typeOf('source')} = 'OBJECT' THEN ${jsonInteger('source.port')} END AS source_port,
  ${jsonString('reason')} AS reason,
  ${jsonInteger('status')} AS status,
  ${jsonInteger('signal')} AS signal,
  CASE WHEN ${typeOf('duration_ms')} IN ('UBIGINT', 'BIGINT') THEN try_cast(${textOf('duration_ms')} AS DOUBLE) END AS duration_ms,
  coalesce(${jsonString('text')}, ${jsonString('msg')}) AS text,
  CASE WHEN ${typeOf('bytes_in')} = 'UBIGINT' THEN try_cast(${textOf('bytes_in')} AS BIGINT) END AS bytes_in,
  CASE WHEN ${typeOf('bytes_out')} = 'UBIGINT' THEN try_cast(${textOf('bytes_out')} AS BIGINT) END AS bytes_out,
  CASE WHEN ${typeOf('severity')} = 'VARCHAR' AND ${textOf('severity')} IN ('CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFO', 'DEBUG')
    THEN ${textOf('severity')} END AS severity
FROM (SELECT n, line, json_extract(line, [${JSON_PATHS.map((path) => `'$.${path}'`).join(', ')}]) AS v
      FROM staged WHERE prefix(line, '{') AND json_valid(line))`;

/** Splits the staged file into numbered lines; the element after the last newline is dropped. */
export const STAGE_SQL = `
CREATE OR REPLACE TEMP TABLE staged AS
SELECT unnest(l) AS line, unnest(range(1, len(l) + 1)) AS n
FROM (SELECT string_split(content, chr(10)) AS l FROM read_text($path))`;

/** Parses `staged` into `parsed`: every staged line once, with ok = whether SQL read it. */
export const PARSE_SQL = `
CREATE OR REPLACE TEMP TABLE parsed AS
WITH classic AS (${CLASSIC}),
service_rows AS (${SERVICE_ROWS}),
service_events AS (${SERVICE_EVENTS}),
json_events AS (${JSON_EVENTS}),
events_found AS (
  SELECT n, line, form, host, writer_pid, kind, time, ok, service, pid, source_ip, source_port, reason, status, signal,
    duration_ms, text, NULL AS severity, bytes_in, bytes_out FROM service_events
  UNION ALL
  SELECT n, line, form, host, writer_pid, kind, time, ok, service, pid, source_ip, source_port, reason, status, signal,
    duration_ms, text, severity, bytes_in, bytes_out FROM json_events
)
SELECT s.n, s.line, coalesce(e.ok, false) AS ok, e.* EXCLUDE (n, line, ok)
FROM staged s LEFT JOIN events_found e ON e.n = s.n
WHERE s.n <= $lines`;

/** Moves the lines SQL read into events, numbered after the lines read before. */
export const INSERT_SQL = `
INSERT INTO events
SELECT $file_id, $base + n, time, coalesce(host, $host), kind, service, pid, source_ip, source_port, reason, status,
  signal, duration_ms, text, severity, bytes_in, bytes_out, writer_pid, form, line
FROM parsed WHERE ok`;

export const LEFTOVER_SQL = 'SELECT n, line FROM parsed WHERE NOT ok ORDER BY n';
