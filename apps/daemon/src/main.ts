/**
 * `xinetd-ts`: the command line, start-up in the foreground or the background, the
 * pidfile, and the signals that xinetd handles.
 */
import { fork } from 'node:child_process';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { runConvertInetd } from './check/convert-inetd.js';
import { runCheck } from './check/run-check.js';
import { Daemon, VERSION } from './daemon.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { closeInheritedDescriptors } from './inherited-fds.js';
import { EventLog } from './log/event-log.js';
import { USAGE, UsageError, parseOptions, type Options } from './options.js';

/** Set in the environment of the background copy that daemonizing starts. */
const BACKGROUND_MARK = 'XINETD_TS_BACKGROUND';

export interface Io {
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Output stream of `--check` and `convert-inetd`; default process.stdout. */
  stdout?: NodeJS.WritableStream;
}

function writePidFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // No earlier file to remove.
  }
  writeFileSync(path, `${process.pid}\n`, { mode: 0o644, flag: 'wx' });
}

/** Makes every path absolute, since the daemon changes to `/` once it runs. */
function resolvePaths(options: Options): void {
  options.configFile = resolvePath(options.configFile);
  if (options.fileLog !== null) options.fileLog = resolvePath(options.fileLog);
  if (options.jsonLog !== null) options.jsonLog = resolvePath(options.jsonLog);
  if (options.pidFile !== null) options.pidFile = resolvePath(options.pidFile);
  options.dumpFile = resolvePath(options.dumpFile);
  if (options.inetdConf !== null) options.inetdConf = resolvePath(options.inetdConf);
}

function removePidFile(path: string | null): void {
  if (path === null) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/**
 * Starts a copy of this program in the background, in a new session, and returns once the
 * copy reports that its services are up, as xinetd's parent does after forking.
 */
function daemonize(argv: readonly string[], io: Io): Promise<ExitCode> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (code: ExitCode) => {
      if (!settled) resolve(code);
      settled = true;
    };
    const child = fork(process.argv[1]!, [...argv], {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: { ...io.env, [BACKGROUND_MARK]: '1' },
    });
    child.once('message', (message: { ready?: boolean; problems?: string[] }) => {
      for (const problem of message.problems ?? []) io.stderr.write(`xinetd-ts: ${problem}\n`);
      child.disconnect();
      child.unref();
      settle(message.ready ? EXIT.OK : EXIT.CONFIG);
    });
    child.once('exit', (code) => {
      if (!settled) io.stderr.write(`xinetd-ts: the background daemon exited during start-up with status ${code}\n`);
      settle(EXIT.TEMPORARY);
    });
    child.once('error', (error) => {
      if (!settled) io.stderr.write(`xinetd-ts: unable to start in the background: ${error.message}\n`);
      settle(EXIT.TEMPORARY);
    });
  });
}

function printSummary(daemon: Daemon, options: Options, io: Io, log: EventLog): void {
  const lines = daemon.listening().map((entry) => `  ${entry.id.padEnd(20)} ${entry.address}\n`);
  io.stderr.write(`xinetd-ts ${VERSION}: ${lines.length} service${lines.length === 1 ? '' : 's'} listening\n${lines.join('')}`);
  const logs = [...daemon.serviceLogPaths(), options.fileLog, options.jsonLog].filter((path): path is string => path !== null);
  if (logs.length > 0) io.stderr.write(`logs: ${logs.join(', ')}\n`);
  // Without -filelog the errors were already written to standard error.
  if (log.problems.length > 0 && options.fileLog !== null) {
    io.stderr.write(`${log.problems.length} error${log.problems.length === 1 ? '' : 's'} at start-up, the first: ${log.problems[0]}\nsee ${options.fileLog} for all\n`);
  }
}

/** Tells the waiting parent of a background start whether the services are up, and why not. */
function reportReady(ready: boolean, problems: readonly string[] = []): void {
  if (process.send) {
    process.send({ ready, problems });
    process.disconnect?.();
  }
}

/**
 * Reports a failed start where the user looks: to the waiting parent of a background
 * start, or on standard error when the messages went only to the -filelog file.
 */
function reportFailure(options: Options, io: Io, problems: readonly string[]): void {
  if (process.send) reportReady(false, problems);
  else if (options.fileLog !== null) for (const problem of problems) io.stderr.write(`xinetd-ts: ${problem}\n`);
}

/**
 * Throws when the pidfile names another running process: a second daemon on the same
 * pidfile would otherwise take the file from the first, and then remove it on exit.
 */
function checkPidFile(path: string): void {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
  }
  throw new Error(`pidfile ${path} names process ${pid}, which is running: stop that daemon first, or give this one another -pidfile (remove the file if ${pid} is not a daemon)`);
}

function installSignals(daemon: Daemon, options: Options, log: EventLog): void {
  let exiting = false;
  const exit = async (killServers: boolean) => {
    if (exiting) return;
    exiting = true;
    await daemon.stop(killServers);
    await log.close();
    removePidFile(options.pidFile);
    process.exit(EXIT.OK);
  };
  const reload = () => {
    daemon.reload().catch((error: Error) => log.error(`reconfiguration failed: ${error.message}`));
  };
  process.on('SIGHUP', reload);
  process.on('SIGUSR2', reload);
  // xinetd 2.1 and many guides use SIGUSR1 to reload, xinetd 2.3 to write the state dump:
  // it does both, the dump after the reload. Node would otherwise start its inspector.
  process.on('SIGUSR1', () => {
    daemon
      .reload()
      .catch((error: Error) => log.error(`reconfiguration failed: ${error.message}`))
      .finally(() => daemon.dumpState(options.dumpFile));
  });
  process.on('SIGTERM', () => void exit(true));
  process.on('SIGQUIT', () => void exit(false));
  // xinetd ignores SIGINT unless it runs in the foreground for debugging.
  process.on('SIGINT', () => {
    if (options.foreground) void exit(true);
  });
}

/** Runs the daemon; resolves only when start-up fails, since a running daemon exits from its signal handlers. */
export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  const stdout = io.stdout ?? process.stdout;
  if (argv[0] === 'convert-inetd') {
    return runConvertInetd(argv.slice(1), { stdin: () => readFileSync(0, 'utf8'), stdout, stderr: io.stderr });
  }
  // xinetd has no help option; people type one anyway, and deserve the usage, not a start.
  if (argv.length === 1 && ['--help', '-help', '-h'].includes(argv[0]!)) {
    stdout.write(`${USAGE}\n`);
    return EXIT.OK;
  }
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`xinetd-ts: ${error.message}\n${USAGE}\n`);
    return EXIT.CONFIG;
  }
  if (options.version) {
    io.stderr.write(`xinetd-ts ${VERSION}\n`);
    return EXIT.OK;
  }
  for (const warning of options.warnings) io.stderr.write(`xinetd-ts: ${warning}\n`);
  resolvePaths(options);
  if (options.check) return runCheck({ configFile: options.configFile, baseDir: process.cwd(), inetdConf: options.inetdConf }, stdout);
  if (!options.foreground && io.env[BACKGROUND_MARK] !== '1') return daemonize(argv, io);

  process.umask(process.umask() | 0o022);
  const channel = Number(io.env.NODE_CHANNEL_FD);
  closeInheritedDescriptors(new Set(Number.isInteger(channel) ? [channel] : []));
  const log = new EventLog({
    programLog: options.fileLog,
    syslogFacility: options.syslogFacility,
    syslogSocket: options.syslogSocket,
    jsonLog: options.jsonLog,
    debug: options.debug,
    baseDir: process.cwd(),
    stderr: io.stderr,
  });
  const environment = { ...io.env };
  delete environment[BACKGROUND_MARK];
  const daemon = new Daemon({ configFile: options.configFile, baseDir: process.cwd(), processLimit: options.processLimit, environment, inetdConf: options.inetdConf }, log);
  installSignals(daemon, options, log);

  if (options.pidFile !== null) {
    try {
      checkPidFile(options.pidFile);
    } catch (error) {
      log.message({ severity: 'CRITICAL', text: (error as Error).message });
      await log.close();
      reportFailure(options, io, log.problems);
      return EXIT.CONFIG;
    }
  }
  const count = await daemon.start();
  if (count === null || (count === 0 && !options.stayAlive)) {
    const text = count === null ? "couldn't get configuration. Exiting..." : 'no services. Exiting...';
    log.message({ severity: 'CRITICAL', text: `${process.pid} {main} ${text}` });
    await log.close();
    reportFailure(options, io, [...log.problems, `no services could be started from ${options.configFile}`]);
    return EXIT.CONFIG;
  }
  if (count === 0) {
    // -stayalive with nothing to listen on: wait for a reload that brings services.
    setInterval(() => undefined, 2 ** 30);
  }
  if (options.pidFile !== null) {
    try {
      writePidFile(options.pidFile);
    } catch (error) {
      log.error(`unable to write pidfile ${options.pidFile}: ${(error as Error).message}`);
    }
  }
  if (options.foreground) printSummary(daemon, options, io, log);
  // Like xinetd, hold no directory open; relative paths were resolved at start-up.
  process.chdir('/');
  reportReady(true);
  return new Promise<never>(() => {
    // Runs until a signal handler exits the process.
  });
}
