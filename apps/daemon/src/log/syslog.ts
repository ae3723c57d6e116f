/**
 * Lines to the local syslog socket. /dev/log is a unix datagram socket (rsyslog, journald
 * and busybox syslogd all listen on one there), and Node has no unix datagram sockets. So
 * the daemon keeps one logger(1) process from util-linux running and writes it one
 * `<PRI>message` line per message over a pipe. logger sends each as a datagram tagged
 * `xinetd[<daemon pid>]`, the ident and pid that xinetd's syslog() calls produce.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Severity } from '#logformat';

const FACILITY_CODES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
};

const LEVEL_CODES: Record<string, number> = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 };

const SEVERITY_LEVELS: Record<Severity, string> = {
  CRITICAL: 'crit', ERROR: 'err', WARNING: 'warning', NOTICE: 'notice', INFO: 'info', DEBUG: 'debug',
};

export const DEFAULT_SYSLOG_SOCKET = '/dev/log';

/** After logger fails, wait this long before starting it again, so a missing socket is not retried per line. */
const RETRY_MS = 10_000;

export function isFacility(name: string): boolean {
  return FACILITY_CODES[name.toLowerCase()] !== undefined;
}

export function priority(facility: string, level: string): number {
  return (FACILITY_CODES[facility.toLowerCase()] ?? FACILITY_CODES.daemon!) * 8 + (LEVEL_CODES[level.toLowerCase()] ?? LEVEL_CODES.info!);
}

export function severityLevel(severity: Severity): string {
  return SEVERITY_LEVELS[severity];
}

export type SyslogErrorHandler = (text: string) => void;

export class SyslogSink {
  private readonly socketPath: string;
  private readonly onError: SyslogErrorHandler;
  private logger: ChildProcess | null = null;
  private failedAt = 0;

  constructor(socketPath: string, onError: SyslogErrorHandler) {
    this.socketPath = socketPath;
    this.onError = onError;
  }

  write(pri: number, message: string): void {
    const logger = this.running();
    // One line is one message: a newline inside would split it in two.
    logger?.stdin?.write(`<${pri}>${message.replace(/[\r\n]+/g, ' ')}\n`);
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

  private running(): ChildProcess | null {
    if (this.logger) return this.logger;
    if (Date.now() - this.failedAt < RETRY_MS) return null;
    const args = ['--socket', this.socketPath, '--socket-errors=on', '--prio-prefix', '--tag', 'xinetd', `--id=${process.pid}`];
    const logger = spawn('logger', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    logger.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    logger.stdin?.on('error', () => undefined);
    logger.on('error', (error) => this.fail(logger, `unable to start logger(1): ${error.message}; install util-linux's logger`));
    logger.once('exit', (code) => {
      if (code !== 0 || stderr) this.fail(logger, `logger(1) for ${this.socketPath} exited with status ${code}: ${stderr.trim() || 'no message'}; is a syslog daemon listening there?`);
      else if (this.logger === logger) this.logger = null;
    });
    this.logger = logger;
    return logger;
  }

  private fail(logger: ChildProcess, text: string): void {
    if (this.logger === logger) this.logger = null;
    this.failedAt = Date.now();
    this.onError(text);
  }
}
