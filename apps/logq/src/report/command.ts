/** The `report` subcommand's options and help. */
import { Option, type Command } from '../commander.js';
import type { ExitStatus } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { DB_HELP, SINCE_HELP, UNTIL_HELP, checkRange, collectNetwork, timeOption } from './cli-options.js';
import type { ReportOptions } from './run.js';

/** Adds `logq report` to the program. */
export function addReportCommand(program: Command, io: CliIo, setStatus: (status: ExitStatus) => void): void {
  program
    .command('report')
    .description('write a self-contained HTML security report: FAIL over time, by reason, service and source, sessions, hours, daemon timeline and suggested no_access entries')
    .option('--db <path>', DB_HELP)
    .option('-o, --output <file>', 'HTML file to write, or - for standard output', 'report.html')
    .option('--since <when>', SINCE_HELP, timeOption(io))
    .option('--until <when>', UNTIL_HELP, timeOption(io))
    .option('--service <name>', 'only events of this service (the daemon timeline still shows all)')
    .addOption(new Option('--allow <address>', 'never suggest this address or CIDR block (repeatable), as in logq suggest').argParser(collectNetwork).default([], 'none'))
    .option('--include-loopback', "let loopback addresses other than this host's own be suggested, as in logq suggest")
    .action(async (options: ReportOptions) => {
      checkRange(options);
      // Loaded on use: the other commands need not load the report's modules at start-up.
      const { runReport } = await import('./run.js');
      setStatus(await runReport(options, io));
    });
}
