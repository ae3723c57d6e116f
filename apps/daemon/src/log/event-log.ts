/**
 * The daemon's logging: one method per event, each writing the classic line that xinetd
 * would write (only when the service's `log_type` and `log_on_*` flags ask for it) and a
 * JSONL record carrying every field.
 */
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import pino from 'pino';
import type { ServiceConfig } from '#config';
import {
  PINO_LEVELS,
  eventFields,
  eventSeverity,
  formatProgramLine,
  formatServiceBody,
  formatServiceLine,
  messageFields,
  type DaemonMessage,
  type FailReason,
  type LineParts,
  type ServiceEvent,
  type Severity,
  type Source,
} from '#logformat';
import { oneLine } from './one-line.js';
import type { AppendFileEvents } from './append-file.js';
import { fileFaultText, fileRecoveredText, fileReplacedText, fileUnwrittenText } from './fault-messages.js';
import { SinkPool, type FileSink, type LineStream } from './sinks.js';
import { DEFAULT_SYSLOG_SOCKET, SyslogSink, priority, severityLevel } from './syslog.js';

/** The ident of the daemon's own lines; fail2ban and logwatch look for `xinetd[pid]`. */
export const PROGRAM_NAME = 'xinetd';

export interface EventLogOptions {
  /** `-filelog` path; null writes the daemon's messages to `stderr`, or to syslog with `syslogFacility`. */
  programLog: string | null;
  /** `-syslog` facility for the daemon's own messages, or null. */
  syslogFacility?: string | null;
  /** The local syslog socket; /dev/log unless `-syslogsocket` names another. */
  syslogSocket?: string;
  jsonLog: string | null;
  debug: boolean;
  /** Base for relative `log_type FILE` paths. */
  baseDir: string;
  stderr: NodeJS.WritableStream;
}

/** Returns the parts of a classic line that a service shows, or null when the line is not written. */
function classicParts(config: ServiceConfig, kind: ServiceEvent['event']): LineParts | null {
  const success = config.logOnSuccess;
  const failure = config.logOnFailure;
  const parts: LineParts = { pid: success.has('PID'), host: false, exit: success.has('EXIT'), duration: success.has('DURATION') };
  switch (kind) {
    case 'START':
      return success.size > 0 ? { ...parts, host: success.has('HOST') } : null;
    case 'EXIT':
      return parts.exit || parts.duration ? parts : null;
    case 'FAIL':
      return failure.size > 0 ? { ...parts, host: failure.has('HOST') } : null;
    case 'USERID':
    case 'NOID':
      return success.has('USERID') || failure.has('USERID') ? parts : null;
    case 'TRAFFIC':
      return success.has('TRAFFIC') ? parts : null;
  }
}

/** How many error messages are kept for the start-up report; the log has them all. */
const MAX_KEPT_PROBLEMS = 20;

export class EventLog {
  /** The first error and critical messages, for the start-up summary. */
  readonly problems: string[] = [];
  private readonly options: EventLogOptions;
  private readonly sinks: SinkPool;
  private readonly program: FileSink | null;
  private readonly json: pino.Logger | null;
  private readonly jsonDestination: LineStream | null;
  private syslog: SyslogSink | null = null;

  constructor(options: EventLogOptions) {
    this.options = options;
    this.sinks = new SinkPool(this.fileEvents());
    this.program = options.programLog === null ? null : this.sinks.get(resolve(options.programLog));
    if (options.jsonLog === null) {
      this.json = null;
      this.jsonDestination = null;
    } else {
      this.jsonDestination = this.sinks.get(resolve(options.jsonLog)).stream;
      this.json = pino(
        { base: { host: hostname() }, timestamp: pino.stdTimeFunctions.isoTime, level: 'trace' },
        this.jsonDestination,
      );
    }
  }

  /** Returns the absolute path of a `log_type FILE` log, taking relative paths from the start directory. */
  serviceLogPath(config: ServiceConfig): string | null {
    if (config.logType?.kind !== 'FILE') return null;
    const path = config.logType.path;
    return isAbsolute(path) ? path : resolve(this.options.baseDir, path);
  }

  started(config: ServiceConfig, pid: number, source: Source): void {
    this.service(config, { event: 'START', service: config.id, pid, source });
  }

  exited(config: ServiceConfig, pid: number, status: number | null, signal: number | null, durationMs: number): void {
    this.service(config, { event: 'EXIT', service: config.id, pid, status, signal, durationMs });
  }

  traffic(config: ServiceConfig, bytesIn: number, bytesOut: number): void {
    this.service(config, { event: 'TRAFFIC', service: config.id, bytesIn, bytesOut });
  }

  failed(config: ServiceConfig, reason: FailReason, source: Source): void {
    this.service(config, { event: 'FAIL', service: config.id, reason, source });
  }

  userid(config: ServiceConfig, text: string): void {
    this.service(config, { event: 'USERID', service: config.id, text });
  }

  noid(config: ServiceConfig, source: Source, reason: string): void {
    this.service(config, { event: 'NOID', service: config.id, source, reason });
  }

  notice(text: string): void {
    this.message({ severity: 'NOTICE', text });
  }

  info(text: string): void {
    this.message({ severity: 'INFO', text });
  }

  warning(text: string): void {
    this.message({ severity: 'WARNING', text });
  }

  error(text: string): void {
    this.message({ severity: 'ERROR', text });
  }

  debug(text: string): void {
    if (this.options.debug) this.message({ severity: 'DEBUG', text });
  }

  message(message: DaemonMessage): void {
    if ((message.severity === 'ERROR' || message.severity === 'CRITICAL') && this.problems.length < MAX_KEPT_PROBLEMS) {
      this.problems.push(message.text);
    }
    const facility = this.options.syslogFacility ?? null;
    if (facility !== null && this.program === null) {
      // Syslog adds the time, the ident and the pid; xinetd's syslog lines have no level word.
      this.syslogSink().write(priority(facility, severityLevel(message.severity)), oneLine(message.text));
    } else {
      const line = oneLine(formatProgramLine(new Date(), PROGRAM_NAME, process.pid, message));
      if (this.program) this.program.write(line);
      else this.options.stderr.write(`${line}\n`);
    }
    this.writeJson(message.severity, messageFields(message));
  }

  /** Flushes the files and waits until logger(1) has sent every syslog line. */
  async close(): Promise<void> {
    await this.settle();
    await this.syslog?.close();
    // The files are closed for good, so this goes to standard error only.
    for (const { path, lines } of this.sinks.unwritten()) {
      const text = fileUnwrittenText(path, lines);
      this.options.stderr.write(`${oneLine(formatProgramLine(new Date(), PROGRAM_NAME, process.pid, { severity: 'ERROR', text }))}\n`);
    }
  }

  /** Reopens every log file (after rotation) and closes the ones no service uses any more. */
  reopen(services: readonly ServiceConfig[]): void {
    const inUse = new Set<string>();
    if (this.program) inUse.add(this.program.path);
    if (this.jsonDestination && this.options.jsonLog) inUse.add(resolve(this.options.jsonLog));
    for (const config of services) {
      const path = this.serviceLogPath(config);
      if (path) inUse.add(path);
    }
    this.sinks.reopen(inUse);
  }

  flush(): void {
    this.sinks.flushAll();
  }

  /** Writes out every buffered line, waiting up to a second for files still being opened. */
  settle(): Promise<void> {
    return this.sinks.settleAll(1000);
  }

  private service(config: ServiceConfig, event: ServiceEvent): void {
    this.writeJson(eventSeverity(event), eventFields(event));
    const logType = config.logType;
    if (logType === null) return;
    const parts = classicParts(config, event.event);
    if (parts === null) return;
    if (logType.kind === 'SYSLOG') {
      this.syslogSink().write(priority(logType.facility, logType.level), oneLine(formatServiceBody(event, parts)));
      return;
    }
    const sink = this.sinks.get(this.serviceLogPath(config)!);
    const state = sink.writeLimited(oneLine(formatServiceLine(new Date(), event, parts)), logType.softLimit, logType.hardLimit);
    if (state === 'crossed-hard') this.error(`Size of ${config.id} log exceeded hard limit`);
    else if (state === 'crossed-soft') this.warning(`Size of ${config.id} log exceeded soft limit`);
  }

  private syslogSink(): SyslogSink {
    this.syslog ??= new SyslogSink(this.options.syslogSocket ?? DEFAULT_SYSLOG_SOCKET, (severity, text) => this.reportSyslogProblem(severity, text));
    return this.syslog;
  }

  private fileEvents(): AppendFileEvents {
    return {
      fault: (path, step, error) => this.reportLogProblem('ERROR', fileFaultText(path, step, error)),
      recovered: (path, dropped) => this.reportLogProblem(dropped === 0 ? 'INFO' : 'WARNING', fileRecoveredText(path, dropped)),
      replaced: (path) => this.reportLogProblem('WARNING', fileReplacedText(path)),
    };
  }

  /** Goes to the -filelog file or standard error, since syslog itself is what failed. */
  private reportSyslogProblem(severity: Severity, text: string): void {
    const line = oneLine(formatProgramLine(new Date(), PROGRAM_NAME, process.pid, { severity, text }));
    if (this.program && !this.program.faulted) this.program.write(line);
    else this.options.stderr.write(`${line}\n`);
    this.writeJson(severity, messageFields({ severity, text }));
  }

  /**
   * Reports a log file's fault on the daemon's own channel, or on standard error while the
   * -filelog file is the one that fails.
   */
  private reportLogProblem(severity: Severity, text: string): void {
    if (!this.program?.faulted) return this.message({ severity, text });
    this.options.stderr.write(`${oneLine(formatProgramLine(new Date(), PROGRAM_NAME, process.pid, { severity, text }))}\n`);
    this.writeJson(severity, messageFields({ severity, text }));
  }

  private writeJson(severity: Severity, fields: object): void {
    if (!this.json) return;
    const level = PINO_LEVELS[severity];
    if (level >= 60) this.json.fatal(fields);
    else if (level >= 50) this.json.error(fields);
    else if (level >= 40) this.json.warn(fields);
    else if (level >= 30) this.json.info(fields);
    else this.json.debug(fields);
  }
}
