/**
 * Descriptor exhaustion on one stream service, reported once per burst. When accept fails
 * with EMFILE, libuv closes the pending connections itself and does not report the error
 * to Node, so the daemon checks after each accepted connection whether a descriptor is
 * still free.
 */
import { closeSync, openSync } from 'node:fs';

export interface AcceptReporter {
  error(text: string): void;
  info(text: string): void;
}

/** Returns the error code when no descriptor is free now, or null. */
function descriptorShortage(): string | null {
  try {
    closeSync(openSync('/dev/null', 'r'));
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return code === 'EMFILE' || code === 'ENFILE' ? code : null;
  }
}

const ADVICE: Record<string, string> = {
  EMFILE: 'the daemon has used up its descriptor limit; raise it (ulimit -n, LimitNOFILE) or lower "instances"',
  ENFILE: 'the system has used up its descriptors; raise fs.file-max or stop other processes',
};

export class AcceptTrouble {
  private short = false;

  constructor(
    private readonly serviceId: string,
    private readonly reporter: AcceptReporter,
  ) {}

  /** Checks for a free descriptor after an accept, logging the first shortage of a burst and its end. */
  accepted(): void {
    const code = descriptorShortage();
    if (code === null) return this.recovered();
    if (this.short) return;
    this.short = true;
    this.reporter.error(`service ${this.serviceId}: no file descriptor left after accepting a connection (${code}): ${ADVICE[code]}; connections arriving until one frees are closed unserved`);
  }

  /** Logs an accept error that libuv does report (ENOBUFS, ENOMEM), once per burst. */
  failed(error: NodeJS.ErrnoException): void {
    if (this.short) return;
    this.short = true;
    this.reporter.error(`service ${this.serviceId}: accept failed: ${error.code ?? error.message}; the connection was closed unserved`);
  }

  private recovered(): void {
    if (!this.short) return;
    this.short = false;
    this.reporter.info(`service ${this.serviceId}: descriptors free again, accepting connections`);
  }
}
