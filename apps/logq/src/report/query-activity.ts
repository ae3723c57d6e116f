/** Report queries about what the daemon did: sessions, hours of the week, its own messages, ident replies. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Count, Heatmap, IdentReply, SessionSummary, Timeline } from './data.js';
import { buildFilter, type EventFilter } from './filter.js';
import { selectRows, toNumber } from './sql.js';

const TIMELINE_LIMIT = 400;

export async function querySessions(connection: DuckDBConnection, filter: EventFilter): Promise<SessionSummary[]> {
  const { where, params } = buildFilter(filter, ["kind = 'EXIT'", 'duration_ms IS NOT NULL']);
  const rows = await selectRows(
    connection,
    `SELECT coalesce(service, '(none)') AS service, count(*) AS sessions,
       quantile_cont(duration_ms, 0.5) AS median, quantile_cont(duration_ms, 0.95) AS p95, max(duration_ms) AS max,
       count(*) FILTER (coalesce(status, 0) <> 0 OR signal IS NOT NULL) AS failed
     FROM events WHERE ${where} GROUP BY ALL ORDER BY sessions DESC, service LIMIT 15`,
    params,
  );
  return rows.map((row) => ({
    service: row.service as string,
    sessions: toNumber(row.sessions),
    medianMs: toNumber(row.median),
    p95Ms: toNumber(row.p95),
    maxMs: toNumber(row.max),
    failed: toNumber(row.failed),
  }));
}

/** Session lengths in five ranges; xinetd logs whole seconds, so the first range is "under 1 s". */
export async function queryDurationHistogram(connection: DuckDBConnection, filter: EventFilter): Promise<Count[]> {
  const { where, params } = buildFilter(filter, ["kind = 'EXIT'", 'duration_ms IS NOT NULL']);
  const [row] = await selectRows(
    connection,
    `SELECT count(*) FILTER (duration_ms < 1000) AS a, count(*) FILTER (duration_ms >= 1000 AND duration_ms < 10000) AS b,
       count(*) FILTER (duration_ms >= 10000 AND duration_ms < 60000) AS c,
       count(*) FILTER (duration_ms >= 60000 AND duration_ms < 600000) AS d, count(*) FILTER (duration_ms >= 600000) AS e
     FROM events WHERE ${where}`,
    params,
  );
  const names = ['under 1 s', '1–10 s', '10 s–1 min', '1–10 min', '10 min or more'];
  return ['a', 'b', 'c', 'd', 'e'].map((key, index) => ({ name: names[index]!, count: toNumber(row?.[key]) }));
}

/** Connections, accepted or refused, by weekday and hour in the zone DuckDB was set to. */
export async function queryHeatmap(connection: DuckDBConnection, filter: EventFilter): Promise<Heatmap> {
  const { where, params } = buildFilter(filter, ["kind IN ('START', 'FAIL')", 'time IS NOT NULL']);
  const rows = await selectRows(
    connection,
    `SELECT isodow(time) - 1 AS day, hour(time) AS hour, count(*) AS count FROM events WHERE ${where} GROUP BY ALL`,
    params,
  );
  const grid = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const row of rows) grid[toNumber(row.day)]![toNumber(row.hour)] = toNumber(row.count);
  return grid;
}

/**
 * The daemon's starts, reloads, deactivations, stops and errors. The lanes match the
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
