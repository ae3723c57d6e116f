/**
 * The questions beside `fails`: top sources or services, per-service summaries, sessions
 * and a timeline. Each builds one SQL statement over the events or event_counts table, or
 * the sessions view's SQL, with every user value bound as a parameter. `sessions` runs one
 * query before it, for the time its lines start at.
 */
import { parseDuration } from './duration.js';
import { LogqError } from './errors.js';
import { buildFilter, where, type Filter, type FilterOptions } from './filters.js';
import type { OutputColumn } from './output.js';
import { sessionsOfKeys } from './views.js';
import type { EventsDatabase } from './query-source.js';
import type { QueryParams } from './read-client.js';

export interface Question {
  sql: string;
  params: QueryParams;
  columns: OutputColumn[];
}

export interface QuestionOptions extends FilterOptions {
  limit?: number;
  kind?: string;
  by?: string;
  bucket?: string;
}

/** The grouping columns that --by accepts, mapped to SQL expressions over events. */
const GROUPS: Record<string, { sql: string; header: string }> = {
  source: { sql: 'source_ip', header: 'SOURCE' },
  service: { sql: 'service', header: 'SERVICE' },
  reason: { sql: 'reason', header: 'REASON' },
  host: { sql: 'host', header: 'HOST' },
  kind: { sql: 'kind', header: 'KIND' },
};

export function parseGroups(text: string, allowed: readonly string[]): string[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of names) {
    if (!allowed.includes(name)) {
      throw new LogqError('LOGQ_INVALID_OPTION', `--by ${name} is not a known grouping: use one or more of ${allowed.join(', ')}, separated by commas`);
    }
  }
  if (names.length === 0) throw new LogqError('LOGQ_INVALID_OPTION', `--by is empty: use one or more of ${allowed.join(', ')}`);
  return names;
}

const KINDS = ['START', 'EXIT', 'FAIL', 'USERID', 'NOID', 'TRAFFIC', 'MESSAGE'];

/**
 * Writes a kind as an event_kind literal. Compared with a plain string, DuckDB 1.5 casts the
 * enum column to VARCHAR row by row, which made `kind = 'FAIL'` over 10 million events
 * about five times slower.
 */
export function kindSql(kind: string): string {
  return `'${kind}'::event_kind`;
}

function addKindCondition(filter: Filter, kind: string | undefined, fallback: string): void {
  if (kind === undefined) {
    filter.conditions.push(fallback);
    return;
  }
  const upper = kind.toUpperCase();
  if (!KINDS.includes(upper)) throw new LogqError('LOGQ_INVALID_OPTION', `--kind ${kind} is not an event kind: use one of ${KINDS.join(', ')}`);
  filter.conditions.push('kind = $kind::event_kind');
  filter.params.kind = upper;
}

const LIMIT_DEFAULT = 10;

/**
 * Lists the columns of `top`, leaving out the distinct count of the subject itself, which
 * is always 1. The first column is named after the subject (`source`, `service` …).
 */
function topColumns(header: string, subject: string): OutputColumn[] {
  const columns: OutputColumn[] = [
    { key: subject.replace(/s$/, ''), header },
    { key: 'events', header: 'EVENTS', align: 'right' },
    { key: 'starts', header: 'STARTS', align: 'right' },
    { key: 'fails', header: 'FAILS', align: 'right' },
    { key: 'services', header: 'SERVICES', align: 'right' },
    { key: 'sources', header: 'SOURCES', align: 'right' },
    { key: 'last_seen', header: 'LAST SEEN' },
  ];
  return columns.filter((column) => column.key !== `${subject.replace(/s$/, '')}s`);
}

/** Returns whether `top` and `services` may read event_counts: it has no times to filter on, and --from has no such table. */
export function usesEventCounts(database: EventsDatabase, options: QuestionOptions): boolean {
  return database.eventCounts === true && options.since === undefined && options.until === undefined;
}

/** `top sources|services|reasons|hosts`: who or what appears most, by connection attempts (START and FAIL) unless --kind. */
export async function topQuestion(database: EventsDatabase, subject: string, options: QuestionOptions): Promise<Question> {
  const group = GROUPS[subject.replace(/s$/, '')];
  if (!group || subject === 'kind' || subject === 'kinds') {
    throw new LogqError('LOGQ_INVALID_OPTION', `top ${subject}: use sources, services, reasons or hosts`);
  }
  const counted = usesEventCounts(database, options);
  const filter = await buildFilter(database.connection, options, 'time', counted ? 'event_counts' : 'events');
  addKindCondition(filter, options.kind, `kind IN (${kindSql('START')}, ${kindSql('FAIL')})`);
  filter.params.limit = options.limit ?? LIMIT_DEFAULT;
  const name = subject.replace(/s$/, '');
  const sql = counted ? topFromCounts(group.sql, filter, name) : name === 'source' ? topSourcesFromEvents(filter) : topFewFromEvents(group.sql, filter, name);
  return { sql, params: filter.params, columns: topColumns(group.header, subject) };
}

/** Builds the rows of topFromEvents from the counts: a few hundred thousand rows instead of every event. */
function topFromCounts(key: string, filter: Filter, name: string): string {
  return `WITH ranked AS (
            SELECT ${key} AS key, sum(events) AS total FROM event_counts WHERE ${where(filter)}
            GROUP BY ALL ORDER BY total DESC, key NULLS LAST LIMIT $limit)
          SELECT r.key AS ${name}, r.total::BIGINT AS events,
            ${kindSum('c.events', 'START')} AS starts, ${kindSum('c.events', 'FAIL')} AS fails,
            count(DISTINCT service) AS services, count(DISTINCT source_ip) AS sources, max(last_time) AS last_seen
          FROM ranked r JOIN event_counts c ON ${key} IS NOT DISTINCT FROM r.key AND ${where(filter)}
          GROUP BY r.key, r.total ORDER BY events DESC, r.key NULLS LAST`;
}

function topSourcesFromEvents(filter: Filter): string {
  // Ranking first and describing only the top rows afterwards halves the time on 10
  // million rows, because the distinct counts then run on a few sources' events only.
  return `WITH ranked AS (
            SELECT source_ip AS key, count(*) AS total FROM events WHERE ${where(filter)}
            GROUP BY ALL ORDER BY total DESC, key NULLS LAST LIMIT $limit)
          SELECT r.key AS source, r.total AS events, count(*) FILTER (WHERE kind = ${kindSql('START')}) AS starts,
            count(*) FILTER (WHERE kind = ${kindSql('FAIL')}) AS fails, count(DISTINCT service) AS services,
            count(DISTINCT source_ip) AS sources, max(time) AS last_seen
          FROM ranked r JOIN events ON source_ip IS NOT DISTINCT FROM r.key AND ${where(filter)}
          GROUP BY r.key, r.total ORDER BY events DESC, r.key NULLS LAST`;
}

/**
 * Builds `top` for a subject with few values (services, reasons, hosts), whose top rows
 * cover nearly every event. Grouping by service and source first runs the distinct
 * counts over tens of thousands of rows instead of every event. That took about a fifth
 * less time for `top services --since 1d` on the 10 million events of docs/BENCHMARKS.md.
 */
function topFewFromEvents(key: string, filter: Filter, name: string): string {
  return `WITH pairs AS (
            SELECT ${key} AS key, service, source_ip, count(*) AS events,
              count(*) FILTER (WHERE kind = ${kindSql('START')}) AS starts,
              count(*) FILTER (WHERE kind = ${kindSql('FAIL')}) AS fails, max(time) AS last_seen
            FROM events WHERE ${where(filter)} GROUP BY ALL)
          SELECT key AS ${name}, sum(events)::BIGINT AS events, sum(starts)::BIGINT AS starts, sum(fails)::BIGINT AS fails,
            count(DISTINCT service) AS services, count(DISTINCT source_ip) AS sources, max(last_seen) AS last_seen
          FROM pairs GROUP BY key ORDER BY events DESC, key NULLS LAST LIMIT $limit`;
}

const SERVICES_COLUMNS: OutputColumn[] = [
  { key: 'service', header: 'SERVICE' },
  { key: 'starts', header: 'STARTS', align: 'right' },
  { key: 'exits', header: 'EXITS', align: 'right' },
  { key: 'failed_exits', header: 'FAILED EXITS', align: 'right' },
  { key: 'fails', header: 'FAILS', align: 'right' },
  { key: 'avg_seconds', header: 'AVG S', align: 'right' },
  { key: 'max_seconds', header: 'MAX S', align: 'right' },
  { key: 'sources', header: 'SOURCES', align: 'right' },
  { key: 'last_seen', header: 'LAST SEEN' },
];

/** `services`: one row per service with its starts, exits, failures and durations. */
export async function servicesQuestion(database: EventsDatabase, options: QuestionOptions): Promise<Question> {
  const counted = usesEventCounts(database, options);
  const filter = await buildFilter(database.connection, options, 'time', counted ? 'event_counts' : 'events');
  filter.conditions.push(`kind <> ${kindSql('MESSAGE')}`);
  const sql = counted ? servicesFromCounts(filter) : servicesFromEvents(filter);
  return { sql, params: filter.params, columns: SERVICES_COLUMNS };
}

/** Counts of one kind, 0 rather than NULL when there are none, as count(*) gives over events. */
function kindSum(column: string, kind: string): string {
  return `coalesce(sum(${column}) FILTER (WHERE kind = ${kindSql(kind)}), 0)::BIGINT`;
}

/**
 * Builds the rows of servicesFromEvents from the counts. The average is the sum over the count, as DuckDB's
 * avg computes it. Durations in whole milliseconds (classic logs give seconds) add up
 * exactly in any order; other fractions may differ in the last bits, below the rounding.
 */
function servicesFromCounts(filter: Filter): string {
  const exit = `FILTER (WHERE kind = ${kindSql('EXIT')})`;
  return `SELECT service, ${kindSum('events', 'START')} AS starts, ${kindSum('events', 'EXIT')} AS exits,
            ${kindSum('failed_exits', 'EXIT')} AS failed_exits, ${kindSum('events', 'FAIL')} AS fails,
            round(sum(duration_sum) ${exit} / nullif(sum(duration_count) ${exit}, 0) / 1000, 1) AS avg_seconds,
            max(duration_max) ${exit} / 1000 AS max_seconds,
            count(DISTINCT source_ip) AS sources, max(last_time) AS last_seen
          FROM event_counts WHERE ${where(filter)}
          GROUP BY service ORDER BY starts + fails DESC, service NULLS LAST`;
}

function servicesFromEvents(filter: Filter): string {
  return `SELECT service, count(*) FILTER (WHERE kind = ${kindSql('START')}) AS starts, count(*) FILTER (WHERE kind = ${kindSql('EXIT')}) AS exits,
            count(*) FILTER (WHERE kind = ${kindSql('EXIT')} AND (status <> 0 OR signal IS NOT NULL)) AS failed_exits,
            count(*) FILTER (WHERE kind = ${kindSql('FAIL')}) AS fails,
            round(avg(duration_ms) FILTER (WHERE kind = ${kindSql('EXIT')}) / 1000, 1) AS avg_seconds,
            max(duration_ms) FILTER (WHERE kind = ${kindSql('EXIT')}) / 1000 AS max_seconds,
            count(DISTINCT source_ip) AS sources, max(time) AS last_seen
          FROM events WHERE ${where(filter)}
          GROUP BY service ORDER BY starts + fails DESC, service NULLS LAST`;
}

const SESSION_GROUPS = ['service', 'source', 'host'];

/**
 * Returns the CTEs starts_matching and session_keys: the START lines that pass the
 * filter (or with `newest`, only the $limit newest of them), and their host, service and
 * pid. A session row takes these columns, its start time and its source from its START
 * line, so the sessions of these keys contain every row the question reads from the view.
 */
function sessionKeys(filter: Filter, newest: boolean): string {
  return `starts_matching AS (
            SELECT * FROM (
              SELECT host, service, pid, time AS start_time, source_ip, file_id, line_number FROM events
              WHERE kind = ${kindSql('START')} AND pid IS NOT NULL AND service IS NOT NULL)
            WHERE ${where(filter)}${newest ? ' ORDER BY start_time DESC, file_id, line_number LIMIT $limit' : ''}),
          session_keys AS (SELECT DISTINCT host, service, pid FROM starts_matching)`;
}

/**
 * Sets $session_bound for sessionsOfKeys: a time at or before the earliest matching START.
 * It is 1 ms before that START, because the client reads times in whole milliseconds.
 */
async function bindSessionBound(database: EventsDatabase, filter: Filter, newest: boolean): Promise<void> {
  const sql = `WITH ${sessionKeys(filter, newest)} SELECT min(start_time) - INTERVAL 1 MILLISECOND AS bound FROM starts_matching`;
  // DuckDB rejects a bound parameter that the statement does not use.
  const params = { ...filter.params };
  if (!newest) delete params.limit;
  const rows = (await database.connection.runAndReadAll(sql, params)).getRows();
  filter.params.session_bound = (rows[0]?.[0] as Date | null | undefined) ?? null;
}

/** `sessions`: the newest sessions, or with --by their counts and durations per group. */
export async function sessionsQuestion(database: EventsDatabase, options: QuestionOptions): Promise<Question> {
  const filter = await buildFilter(database.connection, options, 'start_time');
  filter.params.limit = options.limit ?? 50;
  if (options.by !== undefined) {
    const groups = parseGroups(options.by, SESSION_GROUPS);
    const keys = groups.map((name) => `${GROUPS[name]!.sql} AS ${name}`).join(', ');
    // Without a filter every key is needed, and the plain view skips the key lookup.
    const scoped = filter.conditions.length > 0;
    if (scoped) await bindSessionBound(database, filter, false);
    const sessions = scoped ? `(${sessionsOfKeys('session_keys')})` : 'sessions';
    return {
      sql: `${scoped ? `WITH ${sessionKeys(filter, false)} ` : ''}
            SELECT ${keys}, count(*) AS sessions, count(exit_time) AS ended,
              count(*) FILTER (WHERE status <> 0 OR signal IS NOT NULL) AS failed,
              round(median(duration_ms) / 1000, 1) AS median_seconds, max(duration_ms) / 1000 AS max_seconds
            FROM ${sessions} WHERE ${where(filter)} GROUP BY ALL ORDER BY sessions DESC LIMIT $limit`,
      params: filter.params,
      columns: [
        ...groups.map((name) => ({ key: name, header: GROUPS[name]!.header })),
        { key: 'sessions', header: 'SESSIONS', align: 'right' },
        { key: 'ended', header: 'ENDED', align: 'right' },
        { key: 'failed', header: 'FAILED', align: 'right' },
        { key: 'median_seconds', header: 'MEDIAN S', align: 'right' },
        { key: 'max_seconds', header: 'MAX S', align: 'right' },
      ],
    };
  }
  await bindSessionBound(database, filter, true);
  return {
    sql: `WITH ${sessionKeys(filter, true)}
          SELECT start_time, host, service, pid, source_ip, exit_time, status, signal, duration_ms / 1000 AS seconds, userid
          FROM (${sessionsOfKeys('session_keys')}) WHERE ${where(filter)} ORDER BY start_time DESC, file_id, line_number LIMIT $limit`,
    params: filter.params,
    columns: [
      { key: 'start_time', header: 'START' },
      { key: 'host', header: 'HOST' },
      { key: 'service', header: 'SERVICE' },
      { key: 'pid', header: 'PID', align: 'right' },
      { key: 'source_ip', header: 'SOURCE' },
      { key: 'exit_time', header: 'EXIT' },
      { key: 'status', header: 'STATUS', align: 'right' },
      { key: 'signal', header: 'SIGNAL', align: 'right' },
      { key: 'seconds', header: 'SECONDS', align: 'right' },
      { key: 'userid', header: 'USERID' },
    ],
  };
}

/** `timeline`: events per time bucket, split by kind unless --by names other groups. */
export async function timelineQuestion(database: EventsDatabase, options: QuestionOptions): Promise<Question> {
  const bucketText = options.bucket ?? '1h';
  const bucketMs = parseDuration(bucketText);
  if (bucketMs === null || bucketMs < 1000) {
    throw new LogqError('LOGQ_INVALID_OPTION', `--bucket ${bucketText} is not a duration of a second or more: use units w, d, h, m and s (1h, 15m, 1d)`);
  }
  const groups = parseGroups(options.by ?? 'kind', Object.keys(GROUPS));
  const filter = await buildFilter(database.connection, options);
  addKindCondition(filter, options.kind, 'true');
  filter.params.bucket_us = BigInt(bucketMs) * 1000n;
  const keys = groups.map((name) => `${GROUPS[name]!.sql} AS ${name}`).join(', ');
  return {
    // Buckets start at local midnight in DuckDB's TimeZone setting, which it takes from the
    // TZ variable or /etc/localtime as Node does. Asking Node's Intl took about 12 ms.
    sql: `SELECT time_bucket(to_microseconds($bucket_us::BIGINT), time, current_setting('TimeZone')) AS bucket, ${keys}, count(*) AS events
          FROM events WHERE ${where(filter)} AND time IS NOT NULL
          GROUP BY ALL ORDER BY bucket, events DESC`,
    params: filter.params,
    columns: [
      { key: 'bucket', header: 'BUCKET' },
      ...groups.map((name) => ({ key: name, header: GROUPS[name]!.header })),
      { key: 'events', header: 'EVENTS', align: 'right' },
    ],
  };
}
