/** Registers the question commands (top, services, sessions, timeline, query) and their shared options. */
import { Command, InvalidArgumentError, Option } from './commander.js';
import { TIME_HINT, parseTimeArgument } from './duration.js';
import { LogqError } from './errors.js';
import { EXIT_OK, type ExitStatus } from './exit-codes.js';
import { currentTime, type CliIo } from './io.js';
import { formatLocalTime } from './local-time.js';
import { columnsOf, outputFormat, renderRows, type FormatOptions } from './output.js';
import { openEvents, type EventsDatabase, type OpenNeeds, type SourceOptions } from './query-source.js';
import { SELECT_STATEMENT, statementTypeName } from './read-client.js';
import { servicesQuestion, sessionsQuestion, timelineQuestion, topQuestion, type Question, type QuestionOptions } from './questions.js';

export type SetStatus = (status: ExitStatus) => void;

export type CommonOptions = QuestionOptions & SourceOptions & FormatOptions;

export const DB_HELP = 'DuckDB database file (default: $LOGQ_DB, else $XDG_DATA_HOME/xinetd-ts/logq.duckdb, XDG default ~/.local/share)';

function timeOption(io: CliIo): (value: string) => Date {
  return (value) => {
    const time = parseTimeArgument(value, currentTime(io));
    if (!time) throw new InvalidArgumentError(`Expected a duration or a date: ${TIME_HINT}.`);
    return time;
  };
}

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError('Expected a whole number of 1 or more.');
  return number;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Adds where the events come from and how the rows print. */
export function addSourceAndFormatOptions(command: Command): Command {
  return command
    .option('--db <path>', DB_HELP)
    .option('--from <path>', 'question these files instead of the database: a directory written by logq export --parquet, or JSONL logs (repeatable)', collect)
    .option('--json', 'print a JSON array, with times in UTC ISO 8601')
    .addOption(new Option('--csv', 'print CSV with a header line, with times in UTC ISO 8601').conflicts('json'));
}

/** Adds the options every question shares: the data, the filters and the output form. */
export function addCommonOptions(command: Command, io: CliIo): Command {
  return addSourceAndFormatOptions(command)
    .option('--since <when>', 'only events at or after this time: a duration before now (1d, 2h30m, 90m, 1w) or an ISO date or date-time (local time unless it has a zone)', timeOption(io))
    .option('--until <when>', 'only events before this time, in the same forms as --since', timeOption(io))
    .option('--source <address>', 'only events from this source address, or from this CIDR network (10.0.0.0/8, 2001:db8::/32)')
    .option('--service <name>', 'only events of this service')
    .option('--host <name>', 'only events written on this host');
}

export function checkRange(options: QuestionOptions): void {
  if (options.since && options.until && options.since.getTime() >= options.until.getTime()) {
    throw new LogqError(
      'LOGQ_INVALID_RANGE',
      `--since ${formatLocalTime(options.since)} is not before --until ${formatLocalTime(options.until)}: swap them or widen the range`,
    );
  }
}

/** Opens the events, builds the question, prints its rows in the chosen form. */
export async function answer(options: CommonOptions, io: CliIo, build: (database: EventsDatabase) => Promise<Question>, needs: OpenNeeds = {}): Promise<ExitStatus> {
  checkRange(options);
  const database = await openEvents(options, io, needs);
  try {
    const question = await build(database);
    const reader = await database.connection.runAndReadAll(question.sql, question.params);
    const rows = reader.getRowObjectsJS();
    const columns = question.columns.length > 0 ? question.columns : columnsOf(reader.columnNames(), rows[0]);
    io.stdout.write(renderRows(outputFormat(options), columns, rows));
    return EXIT_OK;
  } finally {
    database.close();
  }
}

export function addTopCommand(program: Command, io: CliIo, setStatus: SetStatus): void {
  const command = program
    .command('top')
    .description('the sources, services, reasons or hosts with the most connection attempts (START and FAIL events, or --kind)')
    .argument('[subject]', 'sources, services, reasons or hosts', 'sources')
    .option('--kind <kind>', 'count only this event kind: START, EXIT, FAIL, USERID, NOID, TRAFFIC or MESSAGE')
    .option('--limit <n>', 'rows to print (default 10)', positiveInteger);
  addCommonOptions(command, io).action(async (subject: string, options: CommonOptions) => {
    setStatus(await answer(options, io, (database) => topQuestion(database, subject, options)));
  });
}

export function addServicesCommand(program: Command, io: CliIo, setStatus: SetStatus): void {
  const command = program.command('services').description('one row per service: starts, exits, failed exits, FAILs, durations and distinct sources');
  addCommonOptions(command, io).action(async (options: CommonOptions) => {
    setStatus(await answer(options, io, (database) => servicesQuestion(database, options)));
  });
}

export function addSessionsCommand(program: Command, io: CliIo, setStatus: SetStatus): void {
  const command = program
    .command('sessions')
    .description('START events joined to their EXIT (and the child\'s USERID), newest first; with --by, counts and durations per group')
    .option('--by <groups>', 'group by service, source or host (comma-separated)')
    .option('--limit <n>', 'rows to print (default 50)', positiveInteger);
  addCommonOptions(command, io).action(async (options: CommonOptions) => {
    setStatus(await answer(options, io, (database) => sessionsQuestion(database, options), { views: true }));
  });
}

export function addTimelineCommand(program: Command, io: CliIo, setStatus: SetStatus): void {
  const command = program
    .command('timeline')
    .description('events per time bucket, split by kind (or --by)')
    .option('--bucket <duration>', 'bucket width: 1h (default), 15m, 1d; days start at local midnight')
    .option('--by <groups>', 'split by kind (default), service, source, reason or host (comma-separated)')
    .option('--kind <kind>', 'count only this event kind');
  addCommonOptions(command, io).action(async (options: CommonOptions) => {
    setStatus(await answer(options, io, (database) => timelineQuestion(database, options)));
  });
}

export function addQueryCommand(program: Command, io: CliIo, setStatus: SetStatus): void {
  const command = program
    .command('query')
    .description('run your own read-only SQL over the events, files and rejects tables and the sessions and messages views')
    .argument('<sql>', 'one SQL statement');
  addSourceAndFormatOptions(command).action(async (sql: string, options: CommonOptions) => {
    const build = async (database: EventsDatabase): Promise<Question> => {
      await checkSelect(database, sql);
      return { sql, params: {}, columns: [] };
    };
    setStatus(await answer(options, io, build, { views: mayReadViews(sql) }).catch((error: unknown) => {
      throw queryError(sql, error);
    }));
  });
}

/**
 * Returns whether a statement may read the sessions or messages view, directly or through
 * the catalog. Creating the two views took 3 to 4 ms, so a query that names neither of
 * them, nor any catalog function, view or command, skips them. A false match only costs
 * that time.
 */
export function mayReadViews(sql: string): boolean {
  return /sessions|messages|duckdb_|information_schema|pg_catalog|sqlite_master|show|describe|summarize|pragma/i.test(sql);
}

/**
 * Allows only statements that DuckDB plans as SELECT (DESCRIBE, SHOW and SUMMARIZE among
 * them). A read-only database still lets COPY … TO, EXPORT and ATTACH write files.
 */
async function checkSelect(database: EventsDatabase, sql: string): Promise<void> {
  const prepared = await database.connection.prepare(sql);
  const type = prepared.statementType;
  prepared.destroySync();
  if (type === SELECT_STATEMENT) return;
  const name = statementTypeName(type);
  const article = /^[AEIOU]/.test(name) ? 'an' : 'a';
  throw new LogqError(
    'LOGQ_QUERY_FAILED',
    `query failed: logq query runs only SELECT statements on the database, which it opens read-only, and this is ${article} ${name} statement\nThe query was: ${sql}\n` +
      'To save the rows, print them with --csv or --json and redirect the output to a file',
  );
}

function queryError(sql: string, error: unknown): unknown {
  if (error instanceof LogqError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new LogqError('LOGQ_QUERY_FAILED', `query failed: ${reason}\nThe query was: ${sql}`, { cause: error });
}
