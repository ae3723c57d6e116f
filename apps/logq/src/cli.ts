/** The command line: commands, options and their help, built on commander. */
import { createRequire } from 'node:module';
import { Command, InvalidArgumentError } from 'commander';
import { TIME_HINT, parseTimeArgument } from './duration.js';
import { LogqError } from './errors.js';
import { EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, type ExitStatus } from './exit-codes.js';
import { runFails, type FailsOptions } from './fails.js';
import { runIngest, type IngestOptions } from './ingest.js';
import { currentTime, type CliIo } from './io.js';
import { formatLocalTime } from './local-time.js';

// The same relative path from src/ (tests) and dist/ (the built CLI).
const packageJson = createRequire(import.meta.url)('../../../package.json') as { version: string };

const DB_HELP = 'DuckDB database file (default: $LOGQ_DB, else $XDG_DATA_HOME/xinetd-ts/logq.duckdb, XDG default ~/.local/share)';

const EXIT_STATUS_HELP = `
Exit status:
  ${EXIT_OK}   success
  ${EXIT_INPUT}   some input could not be read (a log file or the database); the rest was processed
  ${EXIT_USAGE}   invalid command line
  ${EXIT_INTERNAL}  internal error (a bug in logq)`;

function timeOption(io: CliIo): (value: string) => Date {
  return (value) => {
    const time = parseTimeArgument(value, currentTime(io));
    if (!time) throw new InvalidArgumentError(`Expected a duration or a date: ${TIME_HINT}.`);
    return time;
  };
}

function checkRange(options: FailsOptions): void {
  if (options.since && options.until && options.since.getTime() >= options.until.getTime()) {
    throw new LogqError(
      'LOGQ_INVALID_RANGE',
      `--since ${formatLocalTime(options.since)} is not before --until ${formatLocalTime(options.until)}: swap them or widen the range`,
    );
  }
}

function addIngestCommand(program: Command, io: CliIo, setStatus: (status: ExitStatus) => void): void {
  program
    .command('ingest')
    .description('load xinetd logs (file log, -filelog or syslog lines) and the daemon\'s JSONL into the database; only lines added since the last ingest are read')
    .argument('<files...>', 'log files (plain or gzip), directories (their files), or quoted patterns such as \'/var/log/xinetd*\'')
    .option('--db <path>', DB_HELP)
    .option('--host <name>', 'host name stored for lines that carry none (the classic file log); syslog and JSONL lines keep their own')
    .action(async (files: string[], options: IngestOptions) => {
      setStatus(await runIngest(files, options, io));
    });
}

function addFailsCommand(program: Command, io: CliIo, setStatus: (status: ExitStatus) => void): void {
  program
    .command('fails')
    .description('count FAIL events by source address and service, most frequent first')
    .option('--db <path>', DB_HELP)
    .option('--since <when>', 'only events at or after this time: a duration before now (1d, 2h30m, 90m, 1w) or an ISO date or date-time (local time unless it has a zone)', timeOption(io))
    .option('--until <when>', 'only events before this time, in the same forms as --since', timeOption(io))
    .option('--source <address>', 'only events from this source address')
    .option('--service <name>', 'only events of this service')
    .option('--json', 'print a JSON array instead of a table')
    .action(async (options: FailsOptions) => {
      checkRange(options);
      setStatus(await runFails(options, io));
    });
}

/** Builds the program. The command that runs reports its exit status through `setStatus`. */
export function buildProgram(io: CliIo, setStatus: (status: ExitStatus) => void): Command {
  const program = new Command('logq')
    .description('load xinetd-ts logs into DuckDB and answer questions about them')
    .version(packageJson.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run logq --help for usage)')
    .addHelpText('after', EXIT_STATUS_HELP);
  addIngestCommand(program, io, setStatus);
  addFailsCommand(program, io, setStatus);
  return program;
}
