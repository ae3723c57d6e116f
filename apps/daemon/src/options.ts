/**
 * xinetd's command line: exact single-dash words, each value in the next argument.
 * `-jsonlog` is ours; the rest are xinetd 2.3.15's.
 */
import { closestMatch } from '#config';

export interface Options {
  configFile: string;
  /** The daemon's own messages go here in `-filelog` form; null means standard error. */
  fileLog: string | null;
  /** The JSONL event log, one object per line. */
  jsonLog: string | null;
  pidFile: string | null;
  /** Stay in the foreground (`-dontfork`, and `-d`). */
  foreground: boolean;
  /** Keep running with no service available. */
  stayAlive: boolean;
  debug: boolean;
  /** `-limit`: the most servers running at once over all services. */
  processLimit: number | null;
  version: boolean;
  /** `--check` or `-t`: check the configuration, print it, and exit. */
  check: boolean;
  /** `-inetd_compat`: also read this inetd.conf after the xinetd files; null reads none. */
  inetdConf: string | null;
  /** Warnings about the command line that do not stop the daemon. */
  warnings: string[];
}

export const USAGE =
  'Usage: xinetd-ts [-d] [-f config_file] [-filelog filename] [-jsonlog filename] [-pidfile filename] ' +
  '[-dontfork] [-stayalive] [-limit proc_limit] [-inetd_compat] [-inetd_conf filename] [-version] [--check | -t]\n' +
  '       xinetd-ts convert-inetd [-daemon-dir dir] [inetd.conf]';

/** The inetd.conf that `-inetd_compat` reads unless `-inetd_conf` names another. */
export const DEFAULT_INETD_CONF = '/etc/inetd.conf';

export class UsageError extends Error {}

const VALUE_OPTIONS = ['-f', '-filelog', '-jsonlog', '-pidfile', '-limit', '-inetd_conf', '-syslog', '-logprocs', '-cc', '-shutdownprocs'];
const FLAG_OPTIONS = ['-d', '-dontfork', '-stayalive', '-version', '-reuse', '-inetd_compat', '-inetd_ipv6', '--check', '-t'];
// Accepted so that existing init scripts keep working; they change nothing here.
const ACCEPTED_NO_OPS = new Set(['-reuse', '-inetd_ipv6', '-logprocs', '-cc', '-shutdownprocs']);

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`-limit expects a positive whole number of processes, not "${value}"`);
  }
  return Number(value);
}

function applyValue(options: Options, option: string, value: string): void {
  switch (option) {
    case '-f':
      options.configFile = value;
      return;
    case '-filelog':
      options.fileLog = value;
      return;
    case '-jsonlog':
      options.jsonLog = value;
      return;
    case '-pidfile':
      options.pidFile = value;
      return;
    case '-limit':
      options.processLimit = parseLimit(value);
      return;
    case '-inetd_conf':
      // xinetd-ts only: another inetd.conf for -inetd_compat, and it implies -inetd_compat.
      options.inetdConf = value;
      return;
    case '-syslog':
      // TODO: send the daemon's messages to syslog; until then they need -filelog.
      throw new UsageError('-syslog is not supported yet: use -filelog FILE for the daemon\'s own messages');
  }
}

function applyFlag(options: Options, option: string): void {
  if (option === '-d') {
    options.debug = true;
    options.foreground = true;
    options.stayAlive = true;
  } else if (option === '-dontfork') {
    options.foreground = true;
    options.stayAlive = true;
  } else if (option === '-stayalive') {
    options.stayAlive = true;
  } else if (option === '-version') {
    options.version = true;
  } else if (option === '-inetd_compat') {
    options.inetdConf ??= DEFAULT_INETD_CONF;
  } else if (option === '--check' || option === '-t') {
    options.check = true;
  }
}

/** Parses the command line, or throws a UsageError naming the bad argument. */
export function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    configFile: '/etc/xinetd.conf',
    fileLog: null,
    jsonLog: null,
    pidFile: null,
    foreground: false,
    stayAlive: false,
    debug: false,
    processLimit: null,
    version: false,
    check: false,
    inetdConf: null,
    warnings: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (!argument.startsWith('-')) throw new UsageError(`unexpected argument "${argument}"`);
    if (VALUE_OPTIONS.includes(argument)) {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${argument} needs a value`);
      if (!ACCEPTED_NO_OPS.has(argument)) applyValue(options, argument, value);
    } else if (FLAG_OPTIONS.includes(argument)) {
      applyFlag(options, argument);
    } else {
      // xinetd ignores unknown options, and init scripts rely on that.
      const hint = closestMatch(argument, [...VALUE_OPTIONS, ...FLAG_OPTIONS]);
      options.warnings.push(`unknown option ${argument} ignored${hint ? ` (did you mean ${hint}?)` : ''}`);
    }
  }
  if (options.fileLog !== null && options.fileLog === options.jsonLog) {
    throw new UsageError('-filelog and -jsonlog must name different files');
  }
  return options;
}
