/** Compares the event_counts table of a database file with the grouping of its events. */
import { query } from './run.js';

// Sums of whole milliseconds, as in the tests' logs, are exact in any order, so duration_sum compares exactly.
const GROUPED = `SELECT host, kind, service, source_ip, reason, count(*) AS events, min(time) AS first_time, max(time) AS last_time,
    count(*) FILTER (WHERE kind = 'EXIT' AND (status <> 0 OR signal IS NOT NULL)) AS failed_exits,
    count(duration_ms) AS duration_count, sum(duration_ms) AS duration_sum, max(duration_ms) AS duration_max
  FROM events GROUP BY ALL`;

/** Returns the rows found on one side only: empty when event_counts equals the grouping, multiplicities included. */
export async function countsMismatch(db: string): Promise<Record<string, unknown>[]> {
  return query(
    db,
    `(SELECT 'table only' AS side, * FROM (SELECT * FROM event_counts EXCEPT ALL ${GROUPED}))
     UNION ALL (SELECT 'events only' AS side, * FROM (${GROUPED} EXCEPT ALL SELECT * FROM event_counts))`,
  );
}
