/**
 * The views over the events table that logq's questions and `logq query` use. They are
 * created on every ingest (CREATE OR REPLACE), and as temporary views whenever a
 * read-only command opens a database, so the tables stay as they were.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** A START and its EXIT are joined only when the EXIT comes within this time. */
export const SESSION_WINDOW = '7 days';

/**
 * One row per START. The EXIT joined to it is the next START/EXIT line of the same host,
 * service and pid, when that line is an EXIT within SESSION_WINDOW. Pid 0 marks a service
 * served inside the daemon, where every connection shares the pid. Its START is joined
 * only when it is the sole open one (the line before it is not a START). Overlapping
 * connections therefore stay unjoined rather than joined wrongly. USERID and FAIL lines that a
 * child wrote under its own pid (syslog and -filelog forms carry it) are joined by that pid.
 */
const SESSIONS_SELECT = `
WITH ordered AS (
  SELECT file_id, line_number, time, host, kind, service, pid, source_ip, source_port,
    lead(kind) OVER w AS next_kind, lead(time) OVER w AS next_time,
    lead(status) OVER w AS next_status, lead(signal) OVER w AS next_signal,
    lead(duration_ms) OVER w AS next_duration_ms, lag(kind) OVER w AS previous_kind
  FROM {SESSION_LINES}
  WHERE kind IN ('START', 'EXIT') AND pid IS NOT NULL AND service IS NOT NULL
  WINDOW w AS (PARTITION BY host, service, pid ORDER BY time, file_id, line_number)
),
starts AS (
  SELECT file_id, line_number, host, service, pid, time AS start_time, source_ip, source_port,
    next_kind = 'EXIT' AND next_time - time <= INTERVAL '${SESSION_WINDOW}'
      AND (pid <> 0 OR previous_kind IS DISTINCT FROM 'START') AS joined,
    next_time, next_status, next_signal, next_duration_ms
  FROM ordered WHERE kind = 'START'
),
-- writer_pid > 0 here also keeps pid 0 STARTs unjoined. Writing s.pid > 0 in the ON clause
-- instead made DuckDB 1.5 plan a nested loop join, which took minutes on 10 million events.
child_lines AS (
  SELECT host, service, writer_pid, time, kind, text, reason FROM {CHILD_LINES}
  WHERE kind IN ('USERID', 'FAIL') AND writer_pid > 0
)
SELECT s.host, s.service, s.pid, s.start_time,
  CASE WHEN s.joined THEN s.next_time END AS exit_time,
  CASE WHEN s.joined THEN s.next_status END AS status,
  CASE WHEN s.joined THEN s.next_signal END AS signal,
  CASE WHEN s.joined THEN coalesce(s.next_duration_ms, epoch_ms(s.next_time) - epoch_ms(s.start_time)) END AS duration_ms,
  s.source_ip, s.source_port,
  string_agg(c.text, '; ' ORDER BY c.time) FILTER (WHERE c.kind = 'USERID') AS userid,
  list(c.reason ORDER BY c.time) FILTER (WHERE c.kind = 'FAIL') AS child_fails,
  s.file_id, s.line_number
FROM starts s
LEFT JOIN child_lines c
  ON c.writer_pid = s.pid AND c.service = s.service AND c.host IS NOT DISTINCT FROM s.host
  AND c.time >= s.start_time AND c.time <= coalesce(CASE WHEN s.joined THEN s.next_time END, s.start_time + INTERVAL '1 minute')
GROUP BY ALL`;

const SESSIONS = `CREATE OR REPLACE {TEMP} VIEW sessions AS ${SESSIONS_SELECT.replace('{SESSION_LINES}', 'events').replace('{CHILD_LINES}', 'events')}`;

/**
 * Returns the rows of the sessions view for the START lines whose host, service and pid
 * are in the relation `keys`, and whose time is at or after the parameter $session_bound
 * (or NULL). Each such row equals the view's, because every line it depends on is read:
 * - the START/EXIT lines of its key from $session_bound on, which contain the line after
 *   it (NULL times sort last), and for pid 0 every line of the key, for the line before;
 * - the child lines of its key from $session_bound on, as a child line joins only at or
 *   after its START.
 * Lines of other keys are left out before the window and the join, and since the events
 * are stored in time order, DuckDB skips the row groups before the bound.
 */
export function sessionsOfKeys(keys: string): string {
  const linesOf = (pidColumn: string, keepPidZero: boolean): string =>
    `(SELECT events.* FROM events SEMI JOIN ${keys} k
       ON k.host IS NOT DISTINCT FROM events.host AND k.service = events.service AND k.pid = events.${pidColumn}
       WHERE events.time >= $session_bound OR events.time IS NULL${keepPidZero ? ' OR events.pid = 0' : ''}) events`;
  return SESSIONS_SELECT.replace('{SESSION_LINES}', linesOf('pid', true)).replace('{CHILD_LINES}', linesOf('writer_pid', false));
}

/** The daemon's own messages, with what they report as a word: start, stop, reload, deactivate, error. */
const MESSAGES = `
CREATE OR REPLACE {TEMP} VIEW messages AS
SELECT file_id, line_number, time, host, severity, writer_pid, text,
  CASE
    WHEN text LIKE 'Starting reconfiguration%' OR text LIKE 'Reconfigured:%' OR text LIKE 'readjusting service%' THEN 'reload'
    WHEN text LIKE 'reconfiguration failed%' THEN 'reload_failed'
    WHEN text LIKE 'Deactivating service%' OR text LIKE 'service % deactivated' THEN 'deactivate'
    WHEN text LIKE 'Activating service%' OR text LIKE 'Reactivating service%' THEN 'activate'
    WHEN text LIKE 'Started working%' OR text LIKE '% started' THEN 'start'
    WHEN text LIKE 'Exiting%' THEN 'stop'
    WHEN text LIKE '%global_no_access%' THEN 'sensor'
    WHEN severity IN ('CRITICAL', 'ERROR') THEN 'error'
    ELSE 'other'
  END AS action,
  nullif(regexp_extract(text, '(?:[Ss]ervice|readjusting service) ([^\\s:(]+)', 1), '') AS subject_service
FROM events WHERE kind = 'MESSAGE'`;


function statements(temporary: boolean): string[] {
  return [SESSIONS, MESSAGES].map((sql) => sql.replace('{TEMP}', temporary ? 'TEMP' : ''));
}

/** Creates or replaces the views in the database, inside the ingest's transaction. */
export async function createViews(connection: DuckDBConnection): Promise<void> {
  for (const sql of statements(false)) await connection.run(sql);
}

/**
 * Creates this version's views as temporary views on a read-only connection. They shadow
 * the database's own, which an older logq may have written with another definition,
 * such as a sessions view that DuckDB ran as a nested loop join.
 */
export async function ensureViews(connection: { run(sql: string): Promise<unknown> }): Promise<void> {
  for (const sql of statements(true)) await connection.run(sql);
}
