/**
 * Finds files whose new events repeat events already loaded from a log of the other kind:
 * the daemon can write each event both to its file log (or syslog) and to its JSONL, and
 * loading both counts every event twice. A sample of each file's new events is compared,
 * so the check stays cheap on large databases.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AddedRows } from './event-counts.js';

/** The number of events of each new file that are compared with the rest. */
const SAMPLE_EVENTS = 1000;

/**
 * The fewest sampled events that a warning is based on. A first try of the daemon writes
 * about a dozen, and events of another daemon match kind, service, pid and second at once
 * only by chance, so a handful is enough.
 */
const MIN_SAMPLE = 5;

/** A file, by id, whose sampled events mostly repeat those of another file. */
export interface RepeatedEvents {
  fileId: number;
  sampled: number;
  repeated: number;
  otherId: number;
  otherPath: string;
}

// An event repeats another when the kind, service and pid are the same (and for a daemon
// message, its text) and one of the two lines is JSONL. The time must fall in the same
// second, because the file log has no fractions.
const SAMPLE_SQL = `
WITH sample AS (
  SELECT line_number, kind, service, pid, text, date_trunc('second', time) AS second, form = 'jsonl' AS is_jsonl
  FROM events
  WHERE file_id = $file_id AND line_number > $after_line AND time IS NOT NULL
  ORDER BY line_number LIMIT ${SAMPLE_EVENTS}
),
matches AS (
  SELECT s.line_number, min(e.file_id) AS other_file
  FROM sample s JOIN events e
    ON e.kind = s.kind AND e.service IS NOT DISTINCT FROM s.service AND e.pid IS NOT DISTINCT FROM s.pid
    AND (s.kind <> 'MESSAGE' OR e.text IS NOT DISTINCT FROM s.text)
    AND e.time >= s.second AND e.time < s.second + INTERVAL 1 SECOND
  WHERE e.file_id <> $file_id AND (e.form = 'jsonl') <> s.is_jsonl
    AND e.time >= (SELECT min(second) FROM sample) AND e.time < (SELECT max(second) FROM sample) + INTERVAL 1 SECOND
  GROUP BY s.line_number
)
SELECT (SELECT count(*) FROM sample), count(*), mode(other_file), (SELECT path FROM files WHERE id = mode(other_file))
FROM matches`;

/**
 * Returns the new files whose sampled events repeat another log's events at least half
 * the time. When two new files repeat each other, only the first is returned.
 */
export async function findRepeatedEvents(connection: DuckDBConnection, added: readonly AddedRows[]): Promise<RepeatedEvents[]> {
  const found: RepeatedEvents[] = [];
  for (const { fileId, afterLine } of added) {
    const reader = await connection.runAndReadAll(SAMPLE_SQL, { file_id: fileId, after_line: afterLine });
    const [sampled, repeated, otherId, otherPath] = reader.getRows()[0] ?? [];
    const result = { fileId, sampled: Number(sampled ?? 0), repeated: Number(repeated ?? 0), otherId: Number(otherId), otherPath: String(otherPath) };
    const pairSeen = found.some((earlier) => earlier.fileId === result.otherId && earlier.otherId === fileId);
    if (result.sampled >= MIN_SAMPLE && result.repeated * 2 >= result.sampled && !pairSeen) found.push(result);
  }
  return found;
}

/** Formats the warning for one file, named as on the command line. */
export function formatRepeated(path: string, repeated: RepeatedEvents): string {
  return (
    `logq: warning: ${path}: ${repeated.repeated} of its first ${repeated.sampled} new events repeat events loaded from ${repeated.otherPath}, ` +
    'so the database counts them twice. The daemon writes each event to its file log and to its JSONL: ' +
    'load only one of the two logs of each daemon (start again with a new --db)\n'
  );
}
