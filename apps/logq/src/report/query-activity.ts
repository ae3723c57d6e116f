/** Report queries about what the daemon did: sessions, hours of the week, its own messages, ident replies. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Heatmap, IdentReply, Sessions, Timeline } from './data.js';
import { buildFilter, type EventFilter } from './filter.js';
import { selectRows, toNumber } from './sql.js';

const TIMELINE_LIMIT = 400;
const QUARTER_HOUR_MS = 15 * 60 * 1000;

const DURATION_RANGES: readonly { name: string; condition: string }[] = [
  { name: 'under 1 s', condition: 'duration_ms < 1000' },
  { name: '1–10 s', condition: 'duration_ms >= 1000 AND duration_ms < 10000' },
  { name: '10 s–1 min', condition: 'duration_ms >= 10000 AND duration_ms < 60000' },
  { name: '1–10 min', condition: 'duration_ms >= 60000 AND duration_ms < 600000' },
  { name: '10 min or more', condition: 'duration_ms >= 600000' },
];

/**
 * Returns the sessions of the 15 busiest services, and the duration ranges over all of
 * them, from one scan of the EXIT events. xinetd logs whole seconds, so the first range
 * is "under 1 s".
 */
export async function querySessions(connection: DuckDBConnection, filter: EventFilter): Promise<Sessions> {
  const { where, params } = buildFilter(filter, ["kind = 'EXIT'", 'duration_ms IS NOT NULL']);
  const ranges = DURATION_RANGES.map((range, index) => `count(*) FILTER (${range.condition}) AS range${index}`).join(', ');
  const rows = await selectRows(
    connection,
    `SELECT coalesce(service, '(none)') AS service, count(*) AS sessions,
       quantile_cont(duration_ms, [0.5, 0.95]) AS quantiles, max(duration_ms) AS max,
       count(*) FILTER (coalesce(status, 0) <> 0 OR signal IS NOT NULL) AS failed, ${ranges}
     FROM events WHERE ${where} GROUP BY ALL ORDER BY sessions DESC, service`,
    params,
  );
  const services = rows.slice(0, 15).map((row) => {
    const [median, p95] = (row.quantiles as number[]).map(Number);
    return { service: row.service as string, sessions: toNumber(row.sessions), medianMs: median ?? 0, p95Ms: p95 ?? 0, maxMs: toNumber(row.max), failed: toNumber(row.failed) };
  });
  const durations = DURATION_RANGES.map((range, index) => ({ name: range.name, count: rows.reduce((sum, row) => sum + toNumber(row[`range${index}`]), 0) }));
  return { services, durations };
}

/**
 * Connections, accepted or refused, by weekday and hour in local time. DuckDB counts per
 * quarter hour since the epoch, which needs no time zone, and the local weekday and hour
 * of each quarter are worked out here: every zone offset is a multiple of 15 minutes.
 */
export async function queryHeatmap(connection: DuckDBConnection, filter: EventFilter): Promise<Heatmap> {
  const { where, params } = buildFilter(filter, ["kind IN ('START', 'FAIL')", 'time IS NOT NULL']);
  const rows = await selectRows(
    connection,
    `SELECT CAST(floor(epoch_ms(time) / ${QUARTER_HOUR_MS}) AS BIGINT) AS quarter, count(*) AS count FROM events WHERE ${where} GROUP BY ALL`,
    params,
  );
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const row of rows) {
    const start = new Date(toNumber(row.quarter) * QUARTER_HOUR_MS);
    // getDay() counts from Sunday; the grid starts on Monday.
    grid[(start.getDay() + 6) % 7]![start.getHours()]! += toNumber(row.count);
  }
  return grid;
}

/**
 * Returns the daemon's starts, reloads, deactivations, stops and errors. The lanes match the
 * messages of xinetd and xinetd-ts. Messages belong to no service, so --service does
 * not apply here.
 */
export async function queryTimeline(connection: DuckDBConnection, filter: EventFilter): Promise<Timeline> {
  const { where, params } = buildFilter({ ...filter, service: undefined }, ["kind = 'MESSAGE'", 'time IS NOT NULL']);
  const rows = await selectRows(
    connection,
    `WITH laned AS (
       SELECT time, text, CASE
         WHEN text ILIKE 'Started working%' THEN 'start'
         WHEN text ILIKE 'Reconfigured%' THEN 'reload'
         WHEN text ILIKE '%reconfiguration failed%' THEN 'reload failed'
         WHEN text ILIKE '%deactivat%' THEN 'deactivation'
         WHEN text ILIKE 'Exiting%' THEN 'stop'
         WHEN severity IN ('ERROR', 'CRITICAL') THEN 'error'
       END AS lane
       FROM events WHERE ${where})
     SELECT epoch_ms(time) AS ms, lane, text, count(*) OVER () AS total
     FROM laned WHERE lane IS NOT NULL ORDER BY time DESC LIMIT ${TIMELINE_LIMIT}`,
    params,
  );
  return {
    total: toNumber(rows[0]?.total),
    events: rows.reverse().map((row) => {
      const ms = toNumber(row.ms);
      return { ms, localMs: ms - new Date(ms).getTimezoneOffset() * 60_000, lane: row.lane as string, text: (row.text as string | null) ?? '' };
    }),
  };
}

export async function queryIdentReplies(connection: DuckDBConnection, filter: EventFilter): Promise<IdentReply[]> {
  const { where, params } = buildFilter(filter, ["kind = 'USERID'"]);
  const rows = await selectRows(
    connection,
    `SELECT coalesce(service, '(none)') AS service, coalesce(text, '') AS text, count(*) AS count
     FROM events WHERE ${where} GROUP BY ALL ORDER BY count DESC, service, text LIMIT 15`,
    params,
  );
  return rows.map((row) => ({ service: row.service as string, text: row.text as string, count: toNumber(row.count) }));
}
