/**
 * The SQL side of `suggest`: the counted failures go into a temporary table once, then
 * DuckDB computes per-source totals and, for the candidates only, the busiest sliding
 * window of findTime. No raw row reaches JavaScript.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { listValue } from '../duckdb.js';
import { buildFilter, type EventFilter } from '../report/filter.js';
import { SENSOR_REASON, type Thresholds } from './thresholds.js';

export interface SourceStats {
  /** The logged address with any `::ffff:` prefix removed. */
  source: string;
  failures: number;
  firstSeen: Date;
  lastSeen: Date;
}

/** The busiest window and the services of one source or block. */
export interface WindowStats {
  /** Maximum number of failures within any findTime window that ends at a failure. */
  peak: number;
  services: string[];
}

/** The source address with an IPv4-mapped `::ffff:` prefix removed, as xinetd matches it. */
const WITHOUT_MAPPED_PREFIX = "CASE WHEN starts_with(source_ip, '::ffff:') THEN source_ip[8:] ELSE source_ip END";

/**
 * Lets DuckDB fill temporary tables in any row order, which costs about a third less. No
 * query here depends on insertion order: every result that is shown is sorted.
 */
export async function allowAnyRowOrder(connection: DuckDBConnection): Promise<void> {
  await connection.run('SET preserve_insertion_order = false');
}

/**
 * Fills the temporary table `counted_failures` (source, time, service) with the FAIL
 * events that count. `relation` is `events`, or a table of FAIL events with the same
 * columns that the report has already filtered by time and service. With the reason
 * `sensor`, xinetd's SENSOR messages count too: "Adding ADDR to the global_no_access list".
 */
export async function prepareFailures(connection: DuckDBConnection, filter: EventFilter, thresholds: Thresholds, relation = 'events'): Promise<void> {
  await allowAnyRowOrder(connection);
  const conditions = ['source_ip IS NOT NULL', 'time IS NOT NULL', 'list_contains($reasons, reason)'];
  const { where, params } = relation === 'events' ? buildFilter(filter, ["kind = 'FAIL'", ...conditions]) : buildFilter({}, conditions);
  params.reasons = listValue([...thresholds.reasons]);
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE counted_failures AS
     SELECT ${WITHOUT_MAPPED_PREFIX} AS source, time, service FROM ${relation} WHERE ${where}`,
    params,
  );
  // A sensor message names no service, so --service leaves sensor hits out.
  if (!thresholds.reasons.includes(SENSOR_REASON) || filter.service !== undefined) return;
  const sensor = buildFilter({ since: filter.since, until: filter.until }, [
    "kind = 'MESSAGE'",
    'time IS NOT NULL',
    "contains(text, ' to the global_no_access list')",
  ]);
  await connection.run(
    `INSERT INTO counted_failures
     SELECT ${WITHOUT_MAPPED_PREFIX} AS source, time, '${SENSOR_REASON}' FROM (
       SELECT regexp_extract(text, 'Adding (\\S+) to the global_no_access list', 1) AS source_ip, time FROM events WHERE ${sensor.where})
     WHERE source_ip <> ''`,
    sensor.params,
  );
}

/** Returns the totals of every source in counted_failures. */
export async function querySourceStats(connection: DuckDBConnection): Promise<SourceStats[]> {
  const reader = await connection.runAndReadAll(
    'SELECT source, count(*) AS failures, epoch_ms(min(time)) AS first_ms, epoch_ms(max(time)) AS last_ms FROM counted_failures GROUP BY source',
  );
  // Columns and times as numbers: this can be hundreds of thousands of rows, and column
  // arrays convert about three times faster than row objects.
  const [sources = [], failures = [], firsts = [], lasts = []] = reader.getColumnsJS();
  return sources.map((source, index) => ({
    source: source as string,
    failures: Number(failures[index]),
    firstSeen: new Date(Number(firsts[index])),
    lastSeen: new Date(Number(lasts[index])),
  }));
}

/**
 * Returns the busiest findTime window and the services of each key. `keysOfSource` maps
 * a candidate source to its keys: itself when judged alone, its block when the block is
 * a candidate. The pairs go through a temporary table, because a join with it stays fast
 * where a list parameter with many elements does not.
 */
export async function queryWindows(
  connection: DuckDBConnection,
  thresholds: Thresholds,
  keysOfSource: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, WindowStats>> {
  if (keysOfSource.size === 0) return new Map();
  await connection.run('CREATE OR REPLACE TEMP TABLE candidate_keys (source VARCHAR, key VARCHAR)');
  const appender = await connection.createAppender('candidate_keys', 'main', 'temp');
  for (const [source, keys] of keysOfSource) {
    for (const key of keys) {
      appender.appendVarchar(source);
      appender.appendVarchar(key);
      appender.endRow();
    }
  }
  appender.closeSync();
  // findTime is a number checked by the option parser, never user text.
  const frame = `RANGE BETWEEN INTERVAL (${Math.trunc(thresholds.findTimeMs)}) MILLISECOND PRECEDING AND CURRENT ROW`;
  const peaks = await connection.runAndReadAll(
    `SELECT key, max(in_window) FROM (
       SELECT key, count(*) OVER (PARTITION BY key ORDER BY time ${frame}) AS in_window
       FROM counted_failures JOIN candidate_keys USING (source))
     GROUP BY key`,
  );
  const windows = new Map<string, WindowStats>(peaks.getRowsJS().map((row) => [row[0] as string, { peak: Number(row[1]), services: [] }]));
  const services = await connection.runAndReadAll(
    'SELECT key, service FROM counted_failures JOIN candidate_keys USING (source) WHERE service IS NOT NULL GROUP BY ALL ORDER BY ALL',
  );
  for (const [key, service] of services.getRowsJS()) windows.get(key as string)?.services.push(service as string);
  return windows;
}
