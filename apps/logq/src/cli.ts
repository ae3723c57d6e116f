/** The command line: commands, options and their help, built on commander. */
import { createRequire } from 'node:module';
import { Command, Option } from './commander.js';
import { EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { runFails, type FailsOptions } from './fails.js';
import type { IngestOptions } from './ingest.js';
import { DB_HELP, addCommonOptions, positiveInteger, addQueryCommand, addServicesCommand, addSessionsCommand, addTimelineCommand, addTopCommand, type SetStatus } from './question-commands.js';
import type { CliIo } from './io.js';
import { TABLE_ROWS_DEFAULT } from './row-limit.js';

// The same relative path from src/ (tests) and dist/ (the built CLI).
const packageJson = createRequire(import.meta.url)('../../../package.json') as { version: string };


const EXIT_STATUS_HELP = `
Exit status:
  ${EXIT_OK}   success
  ${EXIT_INPUT}   some input could not be read (a log file or the database); the rest was processed
  ${EXIT_USAGE}   invalid command line
  ${EXIT_INTERNAL}  internal error (a bug in logq)`;

function addIngestCommand(program: Command, io: CliIo, setStatus: SetStatus): void {
  program
    .command('ingest')
    .description('load xinetd logs (file log, -filelog or syslog lines) and the daemon\'s JSONL into the database; only lines added since the last ingest are read')
    .argument('<files...>', 'log files (plain or gzip), directories (their files), or quoted patterns such as \'/var/log/xinetd*\'')
    .option('--db <path>', DB_HELP)
    .option('--host <name>', 'host name stored for lines that carry none (the classic file log); syslog and JSONL lines keep their own')
    .action(async (files: string[], options: IngestOptions) => {
      // Loaded here so that question commands skip the ingest modules and cli-progress.
      const { runIngest } = await import('./ingest.js');
      setStatus(await runIngest(files, options, io));
    });
}

function addFailsCommand(program: Command, io: CliIo, setStatus: SetStatus): void {
  const command = program
    .command('fails')
    .description('count FAIL events by source address and service (or --by), most frequent first')
    .option('--by <groups>', 'group by source, service, reason or host (comma-separated; default source,service)')
    .option('--limit <n>', `rows to print (default ${TABLE_ROWS_DEFAULT} in the table form, every row with --json or --csv)`, positiveInteger)
    .addOption(new Option('--all', 'print every row in the table form too').conflicts('limit'));
  addCommonOptions(command, io).action(async (options: FailsOptions) => {
    setStatus(await runFails(options, io));
  });
}

type AddCommand = (program: Command, io: CliIo, setStatus: SetStatus) => void;

const QUESTION_COMMANDS = new Map<string, AddCommand>([
  ['fails', addFailsCommand],
  ['top', addTopCommand],
  ['services', addServicesCommand],
  ['sessions', addSessionsCommand],
  ['timeline', addTimelineCommand],
  ['query', addQueryCommand],
]);

function createProgram(io: CliIo): Command {
  return new Command('logq')
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
}

/** Adds every command, in the order that `logq --help` lists them. */
async function addEveryCommand(program: Command, io: CliIo, setStatus: SetStatus): Promise<void> {
  const [{ addExportCommand }, { addReportCommand }, { addSuggestCommand }] = await Promise.all([
    import('./export.js'),
    import('./report/command.js'),
    import('./suggest/command.js'),
  ]);
  addIngestCommand(program, io, setStatus);
  for (const addCommand of QUESTION_COMMANDS.values()) addCommand(program, io, setStatus);
  addExportCommand(program, io, setStatus);
  addReportCommand(program, io, setStatus);
  addSuggestCommand(program, io, setStatus);
}

/**
 * Builds the program. The command that runs reports its exit status through `setStatus`.
 * When `argv` starts with a question command, only that command is added, because a
 * subcommand's parsing, help and errors do not depend on its siblings. Leaving out the
 * others skips loading the report, suggest and export modules and what they import.
 */
export async function buildProgram(io: CliIo, setStatus: SetStatus, argv: readonly string[] = []): Promise<Command> {
  const program = createProgram(io);
  const addQuestion = QUESTION_COMMANDS.get(argv[0] ?? '');
  if (addQuestion) addQuestion(program, io, setStatus);
  else await addEveryCommand(program, io, setStatus);
  return program;
}
