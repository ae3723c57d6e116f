/** The `suggest` subcommand's options and help. */
import { Command, InvalidArgumentError, Option } from '../commander.js';
import { FAIL_REASONS } from '#logformat';
import type { ExitStatus } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { DB_HELP, SINCE_HELP, UNTIL_HELP, checkRange, collectNetwork, countOption, durationOption, timeOption } from '../report/cli-options.js';
import type { Network } from './addresses.js';
import type { SuggestOptions } from './run.js';
import { DEFAULT_THRESHOLDS, SENSOR_REASON, type Thresholds } from './thresholds.js';

interface SuggestFlags {
  db?: string;
  since?: Date;
  until?: Date;
  service?: string;
  maxRetry: number;
  findTime: number;
  banTime: number;
  reasons: string[];
  blockHosts: number;
  allow: Network[];
  includeLoopback?: boolean;
  write?: string;
  reload?: string;
}

/** Parses `--ban-time`; "never" becomes Infinity because commander turns a parsed null into ''. */
function banTimeOption(value: string): number {
  return value === 'never' ? Number.POSITIVE_INFINITY : durationOption(value);
}

function reasonsOption(value: string): string[] {
  const reasons = value.split(',').map((reason) => reason.trim());
  const known: readonly string[] = [...FAIL_REASONS, SENSOR_REASON];
  const unknown = reasons.filter((reason) => !known.includes(reason));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown FAIL reason ${unknown.join(', ')}; the reasons are: ${known.join(', ')}.`);
  return reasons;
}

function toOptions(flags: SuggestFlags): SuggestOptions {
  const thresholds: Thresholds = {
    maxRetry: flags.maxRetry,
    findTimeMs: flags.findTime,
    banTimeMs: Number.isFinite(flags.banTime) ? flags.banTime : null,
    reasons: flags.reasons,
    blockHosts: flags.blockHosts,
  };
  return { ...flags, thresholds };
}

/** Adds `logq suggest` to the program. */
export function addSuggestCommand(program: Command, io: CliIo, setStatus: (status: ExitStatus) => void): void {
  program
    .command('suggest')
    .description('suggest no_access entries for sources that failed too often, as an xinetd.conf fragment checked by the config loader')
    .option('--db <path>', DB_HELP)
    .option('--since <when>', SINCE_HELP, timeOption(io))
    .option('--until <when>', UNTIL_HELP, timeOption(io))
    .option('--service <name>', 'only count failures of this service')
    .option('--max-retry <count>', 'failures within --find-time that earn an entry', countOption(1), DEFAULT_THRESHOLDS.maxRetry)
    .addOption(new Option('--find-time <duration>', 'length of the sliding window (10m, 1h, 1d)').argParser(durationOption).default(DEFAULT_THRESHOLDS.findTimeMs, '10m'))
    .addOption(new Option('--ban-time <duration>', 'how long after its last failure an entry stays, or "never"').argParser(banTimeOption).default(DEFAULT_THRESHOLDS.banTimeMs ?? Number.POSITIVE_INFINITY, '1d'))
    .addOption(new Option('--reasons <list>', 'comma-separated FAIL reasons that count; "sensor" counts xinetd\'s SENSOR hits').argParser(reasonsOption).default([...DEFAULT_THRESHOLDS.reasons], DEFAULT_THRESHOLDS.reasons.join(',')))
    .option('--block-hosts <count>', 'failing addresses in one /24 or /64 that make the whole block one entry; 0 turns blocks off', countOption(0), DEFAULT_THRESHOLDS.blockHosts)
    .addOption(new Option('--allow <address>', 'never suggest this address or CIDR block (repeatable)').argParser(collectNetwork).default([], 'none'))
    .option('--include-loopback', "allow loopback addresses other than this host's own to be suggested")
    .option('--write <file>', 'write the fragment to FILE for includedir, keeping its earlier entries that have not expired')
    .option('--reload <pidfile>', 'after --write, send SIGHUP to the daemon whose pid is in PIDFILE')
    .action(async (flags: SuggestFlags) => {
      checkRange(flags);
      // Loaded on use: the other commands need not load suggest's modules at start-up.
      const { runSuggest } = await import('./run.js');
      setStatus(await runSuggest(toOptions(flags), io));
    });
}
