/** The `logq fails` command: FAIL events grouped by source address and service. */
import type { DuckDBValue } from '@duckdb/node-api';
import { openDatabase } from './db.js';
import { EXIT_OK, type ExitStatus } from './exit-codes.js';
import type { CliIo } from './io.js';
import { formatLocalTime } from './local-time.js';
import { resolveDatabasePath } from './paths.js';
import { timestampValue } from './records.js';
import { checkSchema } from './schema.js';
import { renderTable, type Column } from './table.js';

export interface FailsOptions {
  db?: string;
  /** Inclusive lower bound on the event time. */
  since?: Date;
  /** Exclusive upper bound on the event time. */
  until?: Date;
  source?: string;
  service?: string;
  json?: boolean;
}

export interface FailGroup {
  /** Null when the line had no `from=` or xinetd printed `<no address>`. */
  source: string | null;
  service: string | null;
  reasons: string[];
  count: number;
  firstSeen: Date;
  lastSeen: Date;
}

/** Builds the WHERE clause from the options, with every value as a bound parameter. */
function buildFilter(options: FailsOptions): { where: string; params: Record<string, DuckDBValue> } {
  const conditions = ["kind = 'FAIL'"];
  const params: Record<string, DuckDBValue> = {};
  if (options.since) {
    conditions.push('time >= $since');
    params.since = timestampValue(options.since);
  }
  if (options.until) {
    conditions.push('time < $until');
    params.until = timestampValue(options.until);
  }
  if (options.source !== undefined) {
    conditions.push('source_ip = $source');
    params.source = options.source;
  }
  if (options.service !== undefined) {
    conditions.push('service = $service');
    params.service = options.service;
  }
  return { where: conditions.join(' AND '), params };
}

/** Queries the FAIL groups, most frequent first. */
export async function queryFails(options: FailsOptions, env: CliIo['env']): Promise<FailGroup[]> {
  const database = await openDatabase(resolveDatabasePath(options.db, env), 'read');
  try {
    await checkSchema(database.connection, database.path);
    const { where, params } = buildFilter(options);
    const reader = await database.connection.runAndReadAll(
      `SELECT source_ip, service, list_sort(list_distinct(list(reason))) AS reasons,
         count(*) AS count, min(time) AS first_seen, max(time) AS last_seen
       FROM events WHERE ${where}
       GROUP BY source_ip, service
       ORDER BY count DESC, source_ip NULLS LAST, service NULLS LAST`,
      params,
    );
    return reader.getRowObjectsJS().map((row) => ({
      source: row.source_ip as string | null,
      service: row.service as string | null,
      reasons: row.reasons as string[],
      count: Number(row.count),
      firstSeen: row.first_seen as Date,
      lastSeen: row.last_seen as Date,
    }));
  } finally {
    database.close();
  }
}

const COLUMNS: readonly Column[] = [
  { header: 'SOURCE' },
  { header: 'SERVICE' },
  { header: 'REASONS' },
  { header: 'COUNT', align: 'right' },
  { header: 'FIRST SEEN' },
  { header: 'LAST SEEN' },
];

export function renderFailsTable(groups: readonly FailGroup[]): string {
  const rows = groups.map((group) => [
    group.source ?? '-',
    group.service ?? '-',
    group.reasons.join(','),
    String(group.count),
    formatLocalTime(group.firstSeen),
    formatLocalTime(group.lastSeen),
  ]);
  return renderTable(COLUMNS, rows);
}

export function renderFailsJson(groups: readonly FailGroup[]): string {
  const objects = groups.map((group) => ({
    source: group.source,
    service: group.service,
    reasons: group.reasons,
    count: group.count,
    first_seen: group.firstSeen.toISOString(),
    last_seen: group.lastSeen.toISOString(),
  }));
  return JSON.stringify(objects, null, 2) + '\n';
}

/** Describes an empty result: which time range and filters found nothing. */
export function describeNoFails(options: FailsOptions, databasePath: string): string {
  let text = 'no FAIL events';
  if (options.source !== undefined) text += ` from ${options.source}`;
  if (options.service !== undefined) text += ` for service ${options.service}`;
  if (options.since) text += ` since ${formatLocalTime(options.since)}`;
  if (options.until) text += ` until ${formatLocalTime(options.until)}`;
  if (!options.since && !options.until) text += ` in database ${databasePath}`;
  return text + '\n';
}

export async function runFails(options: FailsOptions, io: CliIo): Promise<ExitStatus> {
  const groups = await queryFails(options, io.env);
  if (options.json) {
    io.stdout.write(renderFailsJson(groups));
  } else if (groups.length === 0) {
    io.stdout.write(describeNoFails(options, resolveDatabasePath(options.db, io.env)));
  } else {
    io.stdout.write(renderFailsTable(groups));
  }
  return EXIT_OK;
}
