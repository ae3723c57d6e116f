/**
 * The SQL side of `suggest`: failure counts per source and per block, with the busiest
 * sliding window of `findTime`, aggregated in DuckDB so no raw row reaches JavaScript.
 */
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { buildFilter, type EventFilter } from '../report/filter.js';
import type { Thresholds } from './thresholds.js';

export interface SourceStats {
  /** The logged address with any `::ffff:` prefix removed. */
  source: string;
  failures: number;
  /** The most failures within any window of findTime that ends at a failure. */
  peak: number;
  firstSeen: Date;
  lastSeen: Date;
  services: string[];
}

/** The FAIL events that count, as a CTE named `failures` with columns source, time, service. */
function failuresCte(filter: EventFilter, thresholds: Thresholds): { sql: string; params: ReturnType<typeof buildFilter>['params'] } {
  const { where, params } = buildFilter(filter, [
    "kind = 'FAIL'",
    'source_ip IS NOT NULL',
    'time IS NOT NULL',
    'list_contains($reasons, reason)',
  ]);
  params.reasons = listValue([...thresholds.reasons]);
  const sql = `failures AS (
    SELECT regexp_replace(source_ip, '^::ffff:', '') AS source, time, service
    FROM events WHERE ${where})`;
  return { sql, params };
}

/** The window frame; findTime is a number checked by the option parser, never user text. */
function windowFrame(thresholds: Thresholds): string {
  return `RANGE BETWEEN INTERVAL (${Math.trunc(thresholds.findTimeMs)}) MILLISECOND PRECEDING AND CURRENT ROW`;
}

/** Returns the statistics of every source with at least one counted failure. */
export async function querySourceStats(connection: DuckDBConnection, filter: EventFilter, thresholds: Thresholds): Promise<SourceStats[]> {
  const failures = failuresCte(filter, thresholds);
  const reader = await connection.runAndReadAll(
    `WITH ${failures.sql},
     windowed AS (
       SELECT source, time, service,
         count(*) OVER (PARTITION BY source ORDER BY time ${windowFrame(thresholds)}) AS in_window
       FROM failures)
     SELECT source, count(*) AS failures, max(in_window) AS peak, min(time) AS first_seen,
       max(time) AS last_seen, list_sort(list_distinct(list(service))) AS services
     FROM windowed GROUP BY source ORDER BY failures DESC, source`,
    failures.params,
  );
  return reader.getRowObjectsJS().map((row) => ({
    source: row.source as string,
    failures: Number(row.failures),
    peak: Number(row.peak),
    firstSeen: row.first_seen as Date,
    lastSeen: row.last_seen as Date,
    services: (row.services as (string | null)[]).filter((service): service is string => service !== null),
  }));
}

/**
 * Returns the busiest findTime window of each block, counting the failures of all its
 * sources together. `blockOfSource` maps each source of a candidate block to the block.
 */
export async function queryBlockPeaks(
  connection: DuckDBConnection,
  filter: EventFilter,
  thresholds: Thresholds,
  blockOfSource: ReadonlyMap<string, string>,
): Promise<Map<string, number>> {
  if (blockOfSource.size === 0) return new Map();
  const failures = failuresCte(filter, thresholds);
  failures.params.block_sources = listValue([...blockOfSource.keys()]);
  failures.params.block_names = listValue([...blockOfSource.values()]);
  const reader = await connection.runAndReadAll(
    `WITH ${failures.sql},
     blocks AS (SELECT unnest($block_sources) AS source, unnest($block_names) AS block),
     windowed AS (
       SELECT block, count(*) OVER (PARTITION BY block ORDER BY time ${windowFrame(thresholds)}) AS in_window
       FROM failures JOIN blocks USING (source))
     SELECT block, max(in_window) AS peak FROM windowed GROUP BY block`,
    failures.params,
  );
  return new Map(reader.getRowObjectsJS().map((row) => [row.block as string, Number(row.peak)]));
}
