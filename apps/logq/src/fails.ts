/** The `logq fails` command: FAIL events grouped by source address and service. */
import { EXIT_OK, type ExitStatus } from './exit-codes.js';
import { buildFilter, where } from './filters.js';
import type { CliIo } from './io.js';
import { formatLocalTime } from './local-time.js';
import { outputFormat, renderRows, type OutputColumn } from './output.js';
import { openEvents, type EventsDatabase } from './query-source.js';
import { checkRange, type CommonOptions } from './question-commands.js';
import { kindSql, parseGroups, type Question } from './questions.js';
import { leftOutLine, rowLimit, type LimitOptions } from './row-limit.js';

export type FailsOptions = CommonOptions & LimitOptions;

const FAIL_GROUPS = ['source', 'service', 'reason', 'host'];

const GROUP_COLUMNS: Record<string, { sql: string; column: OutputColumn }> = {
  source: { sql: 'source_ip', column: { key: 'source', header: 'SOURCE' } },
  service: { sql: 'service', column: { key: 'service', header: 'SERVICE' } },
  reason: { sql: 'reason', column: { key: 'reason', header: 'REASON' } },
  host: { sql: 'host', column: { key: 'host', header: 'HOST' } },
};

// The list comes back as JSON text: the client converts a LIST column item by item, which
// took about twice as long as JSON.parse on 25,000 rows in a fresh process.
const REASONS_SQL = 'to_json(list_sort(list_distinct(list(fail_reason))))::VARCHAR AS reasons';

/** Returns the SQL for every group, most frequent first. */
function allGroupsSql(matching: string, keys: string[], reasons: boolean): string {
  return `WITH ${matching} SELECT ${keys.join(', ')}, ${reasons ? `${REASONS_SQL},` : ''} count(*) AS count, min(time) AS first_seen, max(time) AS last_seen
          FROM matching GROUP BY ALL ORDER BY count DESC, ${keys.map((key) => `${key} NULLS LAST`).join(', ')}`;
}

/**
 * Returns the SQL for the first $limit groups and the number of all groups. It lists the
 * reasons of those groups only, because on a day of 300,000 FAILs in 45,000 groups,
 * listing the reasons of every group was about two thirds of the query's time.
 */
function firstGroupsSql(matching: string, keys: string[], reasons: boolean): string {
  const ranked = `SELECT ${keys.join(', ')}, count(*) AS count, min(time) AS first_seen, max(time) AS last_seen, count(*) OVER () AS total_rows
          FROM matching GROUP BY ALL ORDER BY count DESC, ${keys.map((key) => `${key} NULLS LAST`).join(', ')} LIMIT $limit`;
  if (!reasons) return `WITH ${matching} ${ranked}`;
  const same = (left: string, right: string): string => keys.map((key) => `${left}.${key} IS NOT DISTINCT FROM ${right}.${key}`).join(' AND ');
  return `WITH ${matching}, ranked AS (${ranked}),
          listed AS (SELECT ${keys.map((key) => `m.${key}`).join(', ')}, ${REASONS_SQL}
            FROM matching m SEMI JOIN ranked r ON ${same('m', 'r')} GROUP BY ALL)
          SELECT ${keys.map((key) => `r.${key}`).join(', ')}, l.reasons, r.count, r.first_seen, r.last_seen, r.total_rows
          FROM ranked r JOIN listed l ON ${same('r', 'l')}
          ORDER BY r.count DESC, ${keys.map((key) => `r.${key} NULLS LAST`).join(', ')}`;
}

/**
 * Builds the FAIL question: groups by source and service unless --by names others. With
 * a limit it returns the first `limit` groups, each row carrying the number of all
 * groups as `total_rows`.
 */
export async function failsQuestion(database: EventsDatabase, options: FailsOptions, limit?: number): Promise<Question> {
  const groups = parseGroups(options.by ?? 'source,service', FAIL_GROUPS);
  const filter = await buildFilter(database.connection, options);
  filter.conditions.push(`kind = ${kindSql('FAIL')}`);
  const reasons = !groups.includes('reason');
  const keys = groups.map((name) => `${GROUP_COLUMNS[name]!.sql} AS ${name}`);
  const matching = `matching AS (SELECT ${keys.join(', ')}, ${reasons ? 'reason AS fail_reason,' : ''} time FROM events WHERE ${where(filter)})`;
  if (limit !== undefined) filter.params.limit = limit;
  return {
    sql: limit === undefined ? allGroupsSql(matching, groups, reasons) : firstGroupsSql(matching, groups, reasons),
    params: filter.params,
    columns: [
      ...groups.map((name) => GROUP_COLUMNS[name]!.column),
      ...(reasons ? [{ key: 'reasons', header: 'REASONS' }] : []),
      { key: 'count', header: 'COUNT', align: 'right' as const },
      { key: 'first_seen', header: 'FIRST SEEN' },
      { key: 'last_seen', header: 'LAST SEEN' },
    ],
  };
}

/** Turns the reasons column's JSON text back into a list of reasons. */
export function decodeReasons(rows: Record<string, unknown>[]): void {
  for (const row of rows) {
    if (typeof row.reasons === 'string') row.reasons = JSON.parse(row.reasons) as unknown;
  }
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

/** Returns the number of groups in the whole result, from the total_rows column when the query has one. */
function totalRows(rows: readonly Record<string, unknown>[]): number {
  const total = rows[0]?.total_rows;
  return total === undefined || total === null ? rows.length : Number(total);
}

export async function runFails(options: FailsOptions, io: CliIo): Promise<ExitStatus> {
  checkRange(options);
  const database = await openEvents(options, io);
  try {
    const format = outputFormat(options);
    const limit = rowLimit(options, format);
    const question = await failsQuestion(database, options, limit);
    const reader = await database.connection.runAndReadAll(question.sql, question.params);
    const rows = reader.getRowObjectsJS();
    decodeReasons(rows);
    const total = totalRows(rows);
    if (format === 'table' && total === 0) io.stdout.write(describeNoFails(options, database.path));
    else io.stdout.write(renderRows(format, question.columns, rows));
    if (format === 'table' && total > rows.length) io.stdout.write(leftOutLine(rows.length, total));
    return EXIT_OK;
  } finally {
    database.close();
  }
}
