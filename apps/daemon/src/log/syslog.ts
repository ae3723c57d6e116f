/**
 * Lines to the local syslog socket. /dev/log is a unix datagram socket (rsyslog, journald
 * and busybox syslogd all listen on one there), and Node has no unix datagram sockets. So
 * the daemon keeps one logger(1) process from util-linux running and writes it one
 * `<PRI>message` line per message over a pipe. logger sends each as a datagram tagged
 * `xinetd[<daemon pid>]`, the ident and pid that xinetd's syslog() calls produce.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Severity } from '#logformat';
import { syslogRecoveredText } from './fault-messages.js';

const FACILITY_CODES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

const LEVEL_CODES: Record<string, number> = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 };

const SEVERITY_LEVELS: Record<Severity, string> = {
  CRITICAL: 'crit', ERROR: 'err', WARNING: 'warning', NOTICE: 'notice', INFO: 'info', DEBUG: 'debug',
};

export const DEFAULT_SYSLOG_SOCKET = '/dev/log';

/** After logger fails, the socket is tried again at most this often, and only when a line is written. */
const RETRY_MS = 1000;

/** A logger started after a fault that still runs this long after its first line is taken as working. */
const PROBE_MS = 1000;

/** Bytes waiting in logger's pipe beyond which lines are dropped: the syslog daemon does not read them. */
const MAX_PIPED_BYTES = 1 << 20;

/** The end of logger's error output kept for the report. */
const MAX_STDERR = 2048;

export function isFacility(name: string): boolean {
  return FACILITY_CODES[name.toLowerCase()] !== undefined;
}

export function priority(facility: string, level: string): number {
  return (FACILITY_CODES[facility.toLowerCase()] ?? FACILITY_CODES.daemon!) * 8 + (LEVEL_CODES[level.toLowerCase()] ?? LEVEL_CODES.info!);
}

export function severityLevel(severity: Severity): string {
  return SEVERITY_LEVELS[severity];
}

export type SyslogErrorHandler = (severity: 'ERROR' | 'WARNING' | 'INFO', text: string) => void;

function socketPresent(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * Writes to logger(1) and reports each fault of the socket once: missing, refusing lines
 * (logger exits) or not reading them (logger's pipe fills). While a fault lasts, lines are
 * dropped and counted, and the socket is tried again when a line comes, at most once a second.
 */
export class SyslogSink {
  private readonly socketPath: string;
  private readonly onProblem: SyslogErrorHandler;
  private logger: ChildProcess | null = null;
  private state: 'ok' | 'failed' | 'probing' = 'ok';
  private failedAt = 0;
  private dropped = 0;
  /** Lines given to a probing logger, lost too if the probe fails. */
  private probeLines = 0;

  constructor(socketPath: string, onProblem: SyslogErrorHandler) {
    this.socketPath = socketPath;
    this.onProblem = onProblem;
  }

  write(pri: number, message: string): void {
    if (!this.ready()) {
      this.dropped += 1;
      return;
    }
    const logger = this.running();
    if (logger.stdin === null || logger.stdin.writableLength > MAX_PIPED_BYTES) {
      this.dropped += 1;
      this.fail(logger, `syslog socket ${this.socketPath} does not take lines: over ${MAX_PIPED_BYTES >> 20} MiB wait in logger(1)'s pipe; is the syslog daemon hung?`);
      return;
    }
    if (this.state === 'probing') this.probeLines += 1;
    // One line is one message: a newline inside would split it in two.
    logger.stdin.write(`<${pri}>${message.replace(/[\r\n]+/g, ' ')}\n`);
  }

  close(): Promise<void> {
    const logger = this.logger;
    this.logger = null;
    if (!logger || logger.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      logger.once('exit', () => resolve());
      logger.stdin?.end();
    });
  }

  /** Returns whether a line may be sent now: the socket exists and no fault waits for its retry. */
  private ready(): boolean {
    if (this.state === 'failed') {
      if (Date.now() - this.failedAt < RETRY_MS || !socketPresent(this.socketPath)) return false;
      this.state = 'probing';
      this.probeLines = 0;
      return true;
    }
    if (socketPresent(this.socketPath)) return true;
    this.fail(this.logger, `syslog socket ${this.socketPath} is missing: is a syslog daemon running? Lines to syslog are dropped and counted until it is back`);
    return false;
  }

  private running(): ChildProcess {
    if (this.logger) return this.logger;
    const args = ['--socket', this.socketPath, '--socket-errors=on', '--prio-prefix', '--tag', 'xinetd', `--id=${process.pid}`];
    const logger = spawn('logger', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    logger.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-MAX_STDERR);
    });
    logger.stdin?.on('error', () => undefined);
    logger.on('error', (error) => this.fail(logger, `unable to start logger(1): ${error.message}; install util-linux's logger`));
    logger.once('exit', (code) => {
      if (code !== 0 || stderr) this.fail(logger, `logger(1) for ${this.socketPath} exited with status ${code}: ${stderr.trim() || 'no message'}; is a syslog daemon listening there?`);
      else if (this.logger === logger) this.logger = null;
    });
    this.logger = logger;
    if (this.state === 'probing') this.confirmLater(logger);
    return logger;
  }

  /** Ends the fault if `logger` still runs a while after its first line: it would have exited on a send error. */
  private confirmLater(logger: ChildProcess): void {
    const timer = setTimeout(() => {
      if (this.logger !== logger || this.state !== 'probing') return;
      const lost = this.dropped;
      this.state = 'ok';
      this.dropped = 0;
      this.onProblem(lost === 0 ? 'INFO' : 'WARNING', syslogRecoveredText(this.socketPath, lost));
    }, PROBE_MS);
    timer.unref();
  }

  private fail(logger: ChildProcess | null, text: string): void {
    if (logger !== null && this.logger !== logger) return;
    this.logger = null;
    if (logger !== null && logger.exitCode === null) logger.kill();
    this.failedAt = Date.now();
    if (this.state === 'probing') this.dropped += this.probeLines;
    const first = this.state === 'ok';
    this.state = 'failed';
    if (first) this.onProblem('ERROR', text);
  }
}
