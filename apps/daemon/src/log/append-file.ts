/**
 * One log file opened for appending, written asynchronously from a bounded queue. A write
 * or open that fails (a full disk, a read-only or immutable file) starts a fault. The
 * file's lines then wait in the queue, and lines beyond the queue's limit are dropped and
 * counted. The write is retried on a timer until it succeeds. A file deleted while in use
 * is reopened by its path, so that its lines do not go to a file that no longer has a name.
 */
import { closeSync, fstatSync, mkdirSync, openSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Bytes a file may queue while it cannot be written; later lines are dropped and counted. */
export const MAX_QUEUED_BYTES = 1 << 20;

/** Time between two attempts to write or open a file that failed. */
export const RETRY_MS = 1000;

export type FaultStep = 'open' | 'write';

export interface AppendFileEvents {
  /** The first failure of a fault; later failures of the same fault are not reported. */
  fault(path: string, step: FaultStep, error: NodeJS.ErrnoException): void;
  /** The queued lines were written after a fault; `dropped` lines did not fit in the queue. */
  recovered(path: string, dropped: number): void;
  /** The file had been deleted while open, and a new one was created at its path. */
  replaced(path: string): void;
}

export class AppendFile {
  readonly path: string;
  private readonly events: AppendFileEvents;
  private fd = -1;
  private queue: string[] = [];
  private queuedBytes = 0;
  /** Bytes handed to the kernel and not yet written; after a partial write, the rest of them. */
  private pending: Buffer | null = null;
  private writing = false;
  private reopenRequested = false;
  private inFault = false;
  private dropped = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(path: string, events: AppendFileEvents) {
    this.path = path;
    this.events = events;
    this.open();
  }

  /** Queues `text` (one or more whole lines) and starts writing it, unless the queue is full. */
  write(text: string): boolean {
    if (this.closed) return false;
    const bytes = Buffer.byteLength(text);
    // The bytes of a failed write count too: each retry moves the queue behind them.
    if (this.queuedBytes + (this.pending?.length ?? 0) + bytes > MAX_QUEUED_BYTES) {
      this.dropped += 1;
      return false;
    }
    this.queue.push(text);
    this.queuedBytes += bytes;
    this.pump();
    return true;
  }

  /** Closes and opens the path again, after the current write completes. */
  reopen(): void {
    if (this.writing) {
      this.reopenRequested = true;
      return;
    }
    this.closeDescriptor();
    if (!this.open()) return;
    this.clearRetry();
    this.pump();
  }

  /** Writes out everything queued, blocking; what cannot be written is left queued. */
  flushSync(): void {
    if (this.fd < 0 || this.writing) return;
    try {
      this.takeQueue();
      while (this.pending && this.pending.length > 0) this.pending = this.pending.subarray(writeSync(this.fd, this.pending));
      this.pending = null;
    } catch {
      // The fault is already reported, or will be by the next asynchronous write.
    }
  }

  /** Resolves once no write is in flight, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.writing && Date.now() < deadline) await new Promise((done) => setTimeout(done, 5));
  }

  /** Whether the file is in a fault: its last write or open failed. */
  get faulted(): boolean {
    return this.inFault;
  }

  /** Lines not written: those still queued, including a partly written one, and those dropped. */
  get unwritten(): number {
    return this.queue.length + (this.pending ? countNewlines(this.pending) : 0) + this.dropped;
  }

  close(): void {
    this.flushSync();
    this.closed = true;
    this.clearRetry();
    if (!this.writing) this.closeDescriptor();
  }

  private open(): boolean {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a', 0o644);
      return true;
    } catch (error) {
      this.fail('open', error as NodeJS.ErrnoException);
      return false;
    }
  }

  private pump(): void {
    if (this.writing || this.fd < 0 || this.retryTimer !== null || this.closed) return;
    if (this.reopenIfDeleted()) return;
    this.takeQueue();
    if (!this.pending) return;
    this.writing = true;
    const buffer = this.pending;
    write(this.fd, buffer, 0, buffer.length, null, (error, written) => this.written(buffer, error, written));
  }

  /** Moves the queued lines into one buffer behind the bytes still pending. */
  private takeQueue(): void {
    if (this.queue.length === 0) return;
    const text = Buffer.from(this.queue.join(''));
    this.pending = this.pending ? Buffer.concat([this.pending, text]) : text;
    this.queue = [];
    this.queuedBytes = 0;
  }

  private written(buffer: Buffer, error: NodeJS.ErrnoException | null, count: number): void {
    this.writing = false;
    if (this.closed) return this.closeDescriptor();
    if (error) {
      this.fail('write', error);
    } else {
      // A partial write, as on a disk that just filled: the rest of the line is written next.
      this.pending = count < buffer.length ? buffer.subarray(count) : null;
      if (this.pending === null && this.inFault) this.recover();
    }
    if (this.reopenRequested) {
      this.reopenRequested = false;
      return this.reopen();
    }
    if (!error) this.pump();
  }

  /**
   * Reopens the path when the open file has no name left. A file that was renamed keeps
   * its lines until the next reopen, as a rotated log does until SIGHUP.
   */
  private reopenIfDeleted(): boolean {
    let links: number;
    try {
      links = fstatSync(this.fd).nlink;
    } catch {
      return false;
    }
    if (links > 0) return false;
    this.closeDescriptor();
    if (!this.open()) return true;
    this.announce(() => this.events.replaced(this.path));
    return false;
  }

  private fail(step: FaultStep, error: NodeJS.ErrnoException): void {
    if (!this.inFault) {
      this.inFault = true;
      this.announce(() => this.events.fault(this.path, step, error));
    }
    this.scheduleRetry();
  }

  private recover(): void {
    const dropped = this.dropped;
    this.inFault = false;
    this.dropped = 0;
    this.announce(() => this.events.recovered(this.path, dropped));
  }

  /** Reports after the current step, because the report may be written to this very file. */
  private announce(report: () => void): void {
    process.nextTick(report);
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.closed) return;
    this.retryTimer = setTimeout(() => this.retry(), RETRY_MS);
    // The timer alone must not keep a stopping daemon alive.
    this.retryTimer.unref();
  }

  private retry(): void {
    this.retryTimer = null;
    if (this.fd < 0 && !this.open()) return;
    // An open that succeeds with nothing to write ends the fault at once.
    if (!this.pending && this.queue.length === 0 && this.inFault) this.recover();
    this.pump();
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private closeDescriptor(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } catch {
      // A descriptor that cannot be closed is gone anyway.
    }
    this.fd = -1;
  }
}

function countNewlines(buffer: Buffer): number {
  let count = 0;
  for (let index = buffer.indexOf(0x0a); index >= 0; index = buffer.indexOf(0x0a, index + 1)) count += 1;
  return count;
}
