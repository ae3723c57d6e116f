/** Report queries about connections and refusals: totals, FAIL over time, by reason, service and source. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { formatLocalTime } from '../local-time.js';
import { allowAnyRowOrder } from '../suggest/offenders.js';
import type { Count, FailsOverTime, ServiceActivity, SourceSummary, Totals } from './data.js';
import { buildFilter, type EventFilter } from './filter.js';
import { selectRows, toNumber, toStrings } from './sql.js';

// Most queries below read the temporary table report_fails, filled by one scan, so a large
// database is scanned as few times as possible.

/** Sources drawn as their own line in "FAIL by source over time"; the rest are summed. */
const SERIES_SOURCES = 6;
const TOP_SOURCES = 25;
const OTHER = '(other sources)';
const NO_ADDRESS = '(no address)';
const MAX_BUCKETS = 96;

const WEEK_MS = 604_800_000;

const BUCKETS: readonly { label: string; interval: string; ms: number }[] = [
  { label: 'minute', interval: '1 minute', ms: 60_000 },
  { label: '5 minutes', interval: '5 minutes', ms: 300_000 },
  { label: '15 minutes', interval: '15 minutes', ms: 900_000 },
  { label: 'hour', interval: '1 hour', ms: 3_600_000 },
  { label: '3 hours', interval: '3 hours', ms: 10_800_000 },
  { label: '6 hours', interval: '6 hours', ms: 21_600_000 },
  { label: 'day', interval: '1 day', ms: 86_400_000 },
  { label: 'week', interval: '7 days', ms: WEEK_MS },
  { label: '30 days', interval: '30 days', ms: 2_592_000_000 },
];

/** Fills the temporary table `report_fails` (source_ip, time, service, reason) with the FAIL events in range. */
export async function prepareReportFails(connection: DuckDBConnection, filter: EventFilter): Promise<void> {
  await allowAnyRowOrder(connection);
  const { where, params } = buildFilter(filter, ["kind = 'FAIL'"]);
  await connection.run(`CREATE OR REPLACE TEMP TABLE report_fails AS SELECT source_ip, time, service, reason FROM events WHERE ${where}`, params);
}

/**
 * Returns the totals and the 15 busiest services from one scan grouped by service and
 * kind. Distinct sources are counted among refused connections only, from report_fails,
 * because an exact distinct count over every event costs more than the rest of the report.
 */
export async function queryTotalsAndServices(connection: DuckDBConnection, filter: EventFilter): Promise<{ totals: Totals; services: ServiceActivity[] }> {
  const { where, params } = buildFilter(filter);
  const rows = await selectRows(
    connection,
    `SELECT service, kind, count(*) AS count, min(time) AS first_seen, max(time) AS last_seen FROM events WHERE ${where} GROUP BY ALL`,
    params,
  );
  const [distinct] = await selectRows(connection, 'SELECT count(DISTINCT source_ip) AS sources FROM report_fails');
  return { totals: sumTotals(rows, toNumber(distinct?.sources)), services: busiestServices(rows) };
}

function sumTotals(rows: Record<string, unknown>[], failingSources: number): Totals {
  const totals: Totals = { events: 0, starts: 0, fails: 0, exits: 0, failingSources, firstSeen: null, lastSeen: null };
  for (const row of rows) {
    const count = toNumber(row.count);
    totals.events += count;
    if (row.kind === 'START') totals.starts += count;
    if (row.kind === 'FAIL') totals.fails += count;
    if (row.kind === 'EXIT') totals.exits += count;
    const first = row.first_seen as Date | null;
    const last = row.last_seen as Date | null;
    if (first && (!totals.firstSeen || first < totals.firstSeen)) totals.firstSeen = first;
    if (last && (!totals.lastSeen || last > totals.lastSeen)) totals.lastSeen = last;
  }
  return totals;
}

function busiestServices(rows: Record<string, unknown>[]): ServiceActivity[] {
  const byService = new Map<string, ServiceActivity>();
  for (const row of rows) {
    if (row.kind !== 'START' && row.kind !== 'FAIL') continue;
    const name = (row.service as string | null) ?? '(none)';
    const activity = byService.get(name) ?? { service: name, starts: 0, fails: 0 };
    if (row.kind === 'START') activity.starts += toNumber(row.count);
    else activity.fails += toNumber(row.count);
    byService.set(name, activity);
  }
  return [...byService.values()]
    .sort((a, b) => b.starts + b.fails - (a.starts + a.fails) || a.service.localeCompare(b.service))
    .slice(0, 15);
}

function chooseBucket(spanMs: number): (typeof BUCKETS)[number] {
  return BUCKETS.find((bucket) => spanMs / bucket.ms <= MAX_BUCKETS) ?? BUCKETS[BUCKETS.length - 1]!;
}

function formatBucket(start: Date, bucketMs: number): string {
  const text = formatLocalTime(start);
  return bucketMs >= 86_400_000 ? text.slice(0, 10) : text.slice(5, 16);
}

/**
 * Counts FAIL per bucket and series. Buckets are whole multiples of their length in
 * local time, using the zone offset at the first event, which is cheap for DuckDB.
 * NOTE: across a daylight-saving change, day buckets are off by the change (an hour).
 */
export async function queryFailsOverTime(connection: DuckDBConnection): Promise<FailsOverTime> {
  const [span] = await selectRows(connection, 'SELECT min(time) AS first, max(time) AS last FROM report_fails');
  if (!span?.first) return { bucketLabel: 'hour', labels: [], series: [] };
  const first = span.first as Date;
  const bucket = chooseBucket((span.last as Date).getTime() - first.getTime());
  // The epoch began on a Thursday, so week buckets are moved by three days to start on Mondays, as `timeline --bucket 1w` does.
  const mondayShiftMs = bucket.ms === WEEK_MS ? 3 * 86_400_000 : 0;
  const offsetMs = -first.getTimezoneOffset() * 60_000 + mondayShiftMs;
  const rows = await selectRows(
    connection,
    `WITH fails AS (SELECT coalesce(source_ip, '${NO_ADDRESS}') AS source, time FROM report_fails WHERE time IS NOT NULL),
     top AS (SELECT source FROM fails GROUP BY source ORDER BY count(*) DESC, source LIMIT ${SERIES_SOURCES})
     SELECT CAST(floor((epoch_ms(f.time) + ${offsetMs}) / ${bucket.ms}) AS BIGINT) AS bucket,
       coalesce(top.source, '${OTHER}') AS series, count(*) AS count
     FROM fails f LEFT JOIN top USING (source) GROUP BY ALL`,
  );
  return assembleSeries(rows, bucket, offsetMs);
}

function assembleSeries(rows: Record<string, unknown>[], bucket: (typeof BUCKETS)[number], offsetMs: number): FailsOverTime {
  const indexes = rows.map((row) => toNumber(row.bucket));
  const firstIndex = indexes.reduce((min, index) => Math.min(min, index), Infinity);
  const lastIndex = indexes.reduce((max, index) => Math.max(max, index), -Infinity);
  const length = lastIndex - firstIndex + 1;
  const series = new Map<string, number[]>();
  for (const row of rows) {
    const name = row.series as string;
    if (!series.has(name)) series.set(name, new Array<number>(length).fill(0));
    series.get(name)![toNumber(row.bucket) - firstIndex] = toNumber(row.count);
  }
  const ordered = [...series.entries()]
    .map(([source, counts]) => ({ source, counts }))
    .sort((a, b) => Number(a.source === OTHER) - Number(b.source === OTHER) || sum(b.counts) - sum(a.counts));
  const labels = Array.from({ length }, (_, position) => formatBucket(new Date((firstIndex + position) * bucket.ms - offsetMs), bucket.ms));
  return { bucketLabel: bucket.label, labels, series: ordered };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export async function queryFailsByReason(connection: DuckDBConnection): Promise<Count[]> {
  const rows = await selectRows(
    connection,
    "SELECT coalesce(reason, '(none)') AS name, count(*) AS count FROM report_fails GROUP BY ALL ORDER BY count DESC, name LIMIT 20",
  );
  return rows.map((row) => ({ name: row.name as string, count: toNumber(row.count) }));
}

/**
 * Returns the sources with the most refused connections, from report_fails, then looks up
 * the accepted connections, services and reasons of those few. When fewer sources were
 * refused than the table holds, the sources with the most accepted connections fill it.
 */
export async function queryTopSources(connection: DuckDBConnection, filter: EventFilter): Promise<SourceSummary[]> {
  const { where, params } = buildFilter(filter, ["kind IN ('START', 'FAIL')"]);
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE report_top AS
     SELECT source_ip AS source, count(*) AS fails FROM report_fails WHERE source_ip IS NOT NULL
     GROUP BY source_ip ORDER BY fails DESC, source LIMIT ${TOP_SOURCES}`,
  );
  const [refused] = await selectRows(connection, 'SELECT count(*) AS count FROM report_top');
  if (toNumber(refused?.count) < TOP_SOURCES) {
    // Scanning every START is costly, so it happens only when the refused sources leave room.
    await connection.run(
      `INSERT INTO report_top
       SELECT source_ip, 0 FROM events WHERE ${where} AND kind = 'START' AND source_ip IS NOT NULL
         AND source_ip NOT IN (SELECT source FROM report_top)
       GROUP BY source_ip ORDER BY count(*) DESC, source_ip LIMIT ${TOP_SOURCES}`,
      params,
    );
  }
  const rows = await selectRows(
    connection,
    `WITH details AS (
       SELECT source_ip AS source, count(*) FILTER (kind = 'START') AS starts,
         list_sort(list_distinct(list(service))) AS services,
         list_sort(list_distinct(list(reason) FILTER (kind = 'FAIL'))) AS reasons,
         min(time) AS first_seen, max(time) AS last_seen
       FROM events WHERE ${where} AND source_ip IN (SELECT source FROM report_top) GROUP BY source_ip)
     SELECT * FROM report_top JOIN details USING (source) ORDER BY fails DESC, starts DESC, source LIMIT ${TOP_SOURCES}`,
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
