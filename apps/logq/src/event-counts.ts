/**
 * The event_counts table: the events counted per host, kind, service, source and reason,
 * with their first and last time, failed exits and durations. `top` and `services` read
 * it instead of grouping every event. Each ingest adds the counts of the rows it appended,
 * in the same transaction, so the table always equals the same GROUP BY over events.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export const CREATE_EVENT_COUNTS = `CREATE TABLE event_counts (
    host VARCHAR,
    kind event_kind NOT NULL,
    service VARCHAR,
    source_ip VARCHAR,
    reason VARCHAR,
    events BIGINT NOT NULL,
    first_time TIMESTAMPTZ,
    last_time TIMESTAMPTZ,
    failed_exits BIGINT NOT NULL,
    duration_count BIGINT NOT NULL,
    duration_sum DOUBLE,
    duration_max DOUBLE
  )`;

/** The grouping that defines the table, over any set of events rows. */
const COUNT_EVENTS = `SELECT host, kind, service, source_ip, reason, count(*) AS events, min(time) AS first_time, max(time) AS last_time,
    count(*) FILTER (WHERE kind = 'EXIT' AND (status <> 0 OR signal IS NOT NULL)) AS failed_exits,
    count(duration_ms) AS duration_count, sum(duration_ms) AS duration_sum, max(duration_ms) AS duration_max
  FROM events`;

const KEYS = ['host', 'kind', 'service', 'source_ip', 'reason'];

/** The rows one ingest appended to one file: those after line `afterLine`. */
export interface AddedRows {
  fileId: number;
  afterLine: number;
}

/** Fills event_counts from every event, for a database made before the table existed. */
export async function fillEventCounts(connection: DuckDBConnection): Promise<void> {
  await connection.run(`INSERT INTO event_counts ${COUNT_EVENTS} GROUP BY ALL`);
}

/** Keeps one range per file, from its lowest line: a later read of a file starts where the last one stopped. */
function byFile(added: readonly AddedRows[]): AddedRows[] {
  const lowest = new Map<number, number>();
  for (const { fileId, afterLine } of added) lowest.set(fileId, Math.min(afterLine, lowest.get(fileId) ?? afterLine));
  return [...lowest].map(([fileId, afterLine]) => ({ fileId, afterLine }));
}

/** Returns the counts of one file's rows after a line. Both are integers that logq assigned. */
function countFileRows({ fileId, afterLine }: AddedRows): string {
  if (!Number.isSafeInteger(fileId) || !Number.isSafeInteger(afterLine)) throw new Error(`invalid file range ${fileId}, ${afterLine}`);
  return `${COUNT_EVENTS} WHERE file_id = ${fileId} AND line_number > ${afterLine} GROUP BY ALL`;
}

/**
 * Returns the MERGE that adds the counts of the given files' new rows. One scan per file,
 * with constant bounds, lets DuckDB skip the row groups of other files.
 */
function mergeSql(files: readonly AddedRows[]): string {
  return `MERGE INTO event_counts c
  USING (SELECT ${KEYS.join(', ')}, sum(events)::BIGINT AS events, min(first_time) AS first_time, max(last_time) AS last_time,
           sum(failed_exits)::BIGINT AS failed_exits, sum(duration_count)::BIGINT AS duration_count,
           sum(duration_sum) AS duration_sum, max(duration_max) AS duration_max
         FROM (${files.map(countFileRows).join(' UNION ALL ')}) GROUP BY ALL) a
  ON ${KEYS.map((key) => `c.${key} IS NOT DISTINCT FROM a.${key}`).join(' AND ')}
  WHEN MATCHED THEN UPDATE SET events = c.events + a.events,
    first_time = least(c.first_time, a.first_time), last_time = greatest(c.last_time, a.last_time),
    failed_exits = c.failed_exits + a.failed_exits, duration_count = c.duration_count + a.duration_count,
    duration_sum = coalesce(c.duration_sum + a.duration_sum, c.duration_sum, a.duration_sum),
    duration_max = greatest(c.duration_max, a.duration_max)
  WHEN NOT MATCHED THEN INSERT BY NAME`;
}

/** Adds the counts of the rows this ingest appended, within its transaction. */
export async function addEventCounts(connection: DuckDBConnection, added: readonly AddedRows[]): Promise<void> {
  const files = byFile(added);
  if (files.length > 0) await connection.run(mergeSql(files));
}
