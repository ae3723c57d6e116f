/** The `logq fails` command: FAIL events grouped by source address and service. */
import type { Database } from './db.js';
import { EXIT_OK, type ExitStatus } from './exit-codes.js';
import { buildFilter, where } from './filters.js';
import type { CliIo } from './io.js';
import { formatLocalTime } from './local-time.js';
import { outputFormat, renderRows, type OutputColumn } from './output.js';
import { openEvents } from './query-source.js';
import { checkRange, type CommonOptions } from './question-commands.js';
import { parseGroups, type Question } from './questions.js';
import { readResult } from './read-result.js';
import { leftOutLine, rowLimit, type LimitOptions } from './row-limit.js';

export type FailsOptions = CommonOptions & LimitOptions;

const FAIL_GROUPS = ['source', 'service', 'reason', 'host'];

const GROUP_COLUMNS: Record<string, { sql: string; column: OutputColumn }> = {
  source: { sql: 'source_ip AS source', column: { key: 'source', header: 'SOURCE' } },
  service: { sql: 'service', column: { key: 'service', header: 'SERVICE' } },
  reason: { sql: 'reason', column: { key: 'reason', header: 'REASON' } },
  host: { sql: 'host', column: { key: 'host', header: 'HOST' } },
};

/** Builds the FAIL question: groups by source and service unless --by names others. */
export async function failsQuestion(database: Database, options: FailsOptions): Promise<Question> {
  const groups = parseGroups(options.by ?? 'source,service', FAIL_GROUPS);
  const filter = await buildFilter(database.connection, options);
  filter.conditions.push("kind = 'FAIL'");
  const keys = groups.map((name) => GROUP_COLUMNS[name]!.sql).join(', ');
  const order = groups.map((name) => `${name} NULLS LAST`).join(', ');
  // The list comes back as JSON text: the client converts a LIST column item by item, which
  // took about twice as long as JSON.parse on 25,000 rows in a fresh process.
  const reasons = groups.includes('reason') ? '' : 'to_json(list_sort(list_distinct(list(reason))))::VARCHAR AS reasons,';
  return {
    sql: `SELECT ${keys}, ${reasons} count(*) AS count, min(time) AS first_seen, max(time) AS last_seen
          FROM events WHERE ${where(filter)}
          GROUP BY ALL ORDER BY count DESC, ${order}`,
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

export async function runFails(options: FailsOptions, io: CliIo): Promise<ExitStatus> {
  checkRange(options);
  const database = await openEvents(options, io);
  try {
    const question = await failsQuestion(database, options);
    const format = outputFormat(options);
    const result = await readResult(database.connection, question.sql, question.params, rowLimit(options, format));
    decodeReasons(result.rows);
    if (format === 'table' && result.total === 0) io.stdout.write(describeNoFails(options, database.path));
    else io.stdout.write(renderRows(format, question.columns, result.rows));
    if (format === 'table' && result.total > result.rows.length) io.stdout.write(leftOutLine(result.rows.length, result.total));
    return EXIT_OK;
  } finally {
    database.close();
  }
}
