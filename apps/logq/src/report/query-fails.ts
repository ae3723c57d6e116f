/** Report queries about connections and refusals: totals, FAIL over time, by reason, service and source. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { formatLocalTime } from '../local-time.js';
import type { Count, FailsOverTime, ServiceActivity, SourceSummary, Totals } from './data.js';
import { buildFilter, type EventFilter } from './filter.js';
import { selectRows, toNumber, toStrings } from './sql.js';

/** Sources drawn as their own line in "FAIL by source over time"; the rest are summed. */
const SERIES_SOURCES = 6;
const TOP_SOURCES = 25;
const OTHER = '(other sources)';
const MAX_BUCKETS = 96;

const BUCKETS: readonly { label: string; interval: string; ms: number }[] = [
  { label: 'minute', interval: '1 minute', ms: 60_000 },
  { label: '5 minutes', interval: '5 minutes', ms: 300_000 },
  { label: '15 minutes', interval: '15 minutes', ms: 900_000 },
  { label: 'hour', interval: '1 hour', ms: 3_600_000 },
  { label: '3 hours', interval: '3 hours', ms: 10_800_000 },
  { label: '6 hours', interval: '6 hours', ms: 21_600_000 },
  { label: 'day', interval: '1 day', ms: 86_400_000 },
  { label: 'week', interval: '7 days', ms: 604_800_000 },
  { label: '30 days', interval: '30 days', ms: 2_592_000_000 },
];

export async function queryTotals(connection: DuckDBConnection, filter: EventFilter): Promise<Totals> {
  const { where, params } = buildFilter(filter);
  const [row] = await selectRows(
    connection,
    `SELECT count(*) AS events, count(*) FILTER (kind = 'START') AS starts, count(*) FILTER (kind = 'FAIL') AS fails,
       count(*) FILTER (kind = 'EXIT') AS exits, count(DISTINCT source_ip) AS sources, min(time) AS first_seen, max(time) AS last_seen
     FROM events WHERE ${where}`,
    params,
  );
  return {
    events: toNumber(row?.events),
    starts: toNumber(row?.starts),
    fails: toNumber(row?.fails),
    exits: toNumber(row?.exits),
    sources: toNumber(row?.sources),
    firstSeen: (row?.first_seen as Date | null) ?? null,
    lastSeen: (row?.last_seen as Date | null) ?? null,
  };
}

function chooseBucket(spanMs: number): (typeof BUCKETS)[number] {
  return BUCKETS.find((bucket) => spanMs / bucket.ms <= MAX_BUCKETS) ?? BUCKETS[BUCKETS.length - 1]!;
}

function formatBucket(start: Date, bucketMs: number): string {
  const text = formatLocalTime(start);
  return bucketMs >= 86_400_000 ? text.slice(0, 10) : text.slice(5, 16);
}

export async function queryFailsOverTime(connection: DuckDBConnection, filter: EventFilter, totals: Totals): Promise<FailsOverTime> {
  const { where, params } = buildFilter(filter, ["kind = 'FAIL'", 'time IS NOT NULL']);
  const [span] = await selectRows(connection, `SELECT min(time) AS first, max(time) AS last FROM events WHERE ${where}`, params);
  if (!span?.first || totals.fails === 0) return { bucketLabel: 'hour', labels: [], series: [] };
  const bucket = chooseBucket((span.last as Date).getTime() - (span.first as Date).getTime());
  const fails = `fails AS (
       SELECT coalesce(source_ip, '(no address)') AS source, time_bucket(INTERVAL '${bucket.interval}', time) AS bucket
       FROM events WHERE ${where})`;
  const buckets = await selectRows(
    connection,
    `WITH ${fails} SELECT unnest(generate_series(min(bucket), max(bucket), INTERVAL '${bucket.interval}')) AS bucket FROM fails`,
    params,
  );
  const counts = await selectRows(
    connection,
    `WITH ${fails},
     top AS (SELECT source FROM fails GROUP BY source ORDER BY count(*) DESC, source LIMIT ${SERIES_SOURCES})
     SELECT bucket, CASE WHEN source IN (SELECT source FROM top) THEN source ELSE '(other sources)' END AS series, count(*) AS count
     FROM fails GROUP BY ALL`,
    params,
  );
  return assembleSeries(buckets.map((row) => (row.bucket as Date).getTime()), counts, bucket);
}

function assembleSeries(starts: number[], counts: Record<string, unknown>[], bucket: (typeof BUCKETS)[number]): FailsOverTime {
  const index = new Map(starts.map((start, position) => [start, position]));
  const series = new Map<string, number[]>();
  for (const row of counts) {
    const name = row.series as string;
    if (!series.has(name)) series.set(name, new Array<number>(starts.length).fill(0));
    const position = index.get((row.bucket as Date).getTime());
    if (position !== undefined) series.get(name)![position] = toNumber(row.count);
  }
  const ordered = [...series.entries()]
    .map(([source, values]) => ({ source, counts: values }))
    .sort((a, b) => Number(a.source === OTHER) - Number(b.source === OTHER) || sum(b.counts) - sum(a.counts));
  return { bucketLabel: bucket.label, labels: starts.map((start) => formatBucket(new Date(start), bucket.ms)), series: ordered };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export async function queryFailsByReason(connection: DuckDBConnection, filter: EventFilter): Promise<Count[]> {
  const { where, params } = buildFilter(filter, ["kind = 'FAIL'"]);
  const rows = await selectRows(
    connection,
    `SELECT coalesce(reason, '(none)') AS name, count(*) AS count FROM events WHERE ${where} GROUP BY ALL ORDER BY count DESC, name LIMIT 20`,
    params,
  );
  return rows.map((row) => ({ name: row.name as string, count: toNumber(row.count) }));
}

/** Accepted (START) and refused (FAIL) connections of the 15 busiest services. */
export async function queryServiceActivity(connection: DuckDBConnection, filter: EventFilter): Promise<ServiceActivity[]> {
  const { where, params } = buildFilter(filter, ["kind IN ('START', 'FAIL')"]);
  const rows = await selectRows(
    connection,
    `SELECT coalesce(service, '(none)') AS service, count(*) FILTER (kind = 'START') AS starts, count(*) FILTER (kind = 'FAIL') AS fails
     FROM events WHERE ${where} GROUP BY ALL ORDER BY fails + starts DESC, service LIMIT 15`,
    params,
  );
  return rows.map((row) => ({ service: row.service as string, starts: toNumber(row.starts), fails: toNumber(row.fails) }));
}

export async function queryTopSources(connection: DuckDBConnection, filter: EventFilter): Promise<SourceSummary[]> {
  const { where, params } = buildFilter(filter, ["kind IN ('START', 'FAIL')", 'source_ip IS NOT NULL']);
  const rows = await selectRows(
    connection,
    `SELECT source_ip AS source, count(*) FILTER (kind = 'FAIL') AS fails, count(*) FILTER (kind = 'START') AS starts,
       list_sort(list_distinct(list(service))) AS services,
       list_sort(list_distinct(list(reason) FILTER (kind = 'FAIL'))) AS reasons,
       min(time) AS first_seen, max(time) AS last_seen
     FROM events WHERE ${where} GROUP BY source_ip
     ORDER BY fails DESC, starts DESC, source LIMIT ${TOP_SOURCES}`,
    params,
  );
  return rows.map((row) => ({
    source: row.source as string,
    fails: toNumber(row.fails),
    starts: toNumber(row.starts),
    services: toStrings(row.services),
    reasons: toStrings(row.reasons),
    firstSeen: row.first_seen as Date,
    lastSeen: row.last_seen as Date,
  }));
}
