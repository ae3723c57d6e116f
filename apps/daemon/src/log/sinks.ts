/**
 * Append-only log files, opened once per path and shared by every service that names the
 * same path. Lines are queued and written asynchronously by AppendFile, which also rides
 * out write faults, and flushed on exit.
 */
import { statSync } from 'node:fs';
import { AppendFile, type AppendFileEvents } from './append-file.js';

/** The effect of one write on the `log_type FILE` size limits. */
export type SizeState = 'ok' | 'crossed-soft' | 'crossed-hard' | 'closed';

/** The stream interface that pino writes its JSON lines to. */
export interface LineStream {
  write(text: string): boolean;
}

export class FileSink {
  readonly path: string;
  readonly stream: LineStream;
  private readonly file: AppendFile;
  /** Bytes in the file, counted from its size when opened; the size limits compare against it. */
  private size: number;
  /** Past the hard limit the file takes no more lines until it is reopened. */
  private closedBySize = false;

  constructor(path: string, events: AppendFileEvents) {
    this.path = path;
    this.size = currentSize(path);
    this.file = new AppendFile(path, events);
    this.stream = { write: (text) => this.file.write(text) };
  }

  write(line: string): void {
    this.file.write(`${line}\n`);
  }

  /**
   * Writes a line unless the file is past its hard limit, and says which limit this line
   * crossed, so that the caller reports each crossing once.
   */
  writeLimited(line: string, soft: number | null, hard: number | null): SizeState {
    if (this.closedBySize) return 'closed';
    const before = this.size;
    const text = `${line}\n`;
    this.file.write(text);
    this.size += Buffer.byteLength(text);
    if (hard !== null && this.size > hard) {
      this.closedBySize = true;
      return 'crossed-hard';
    }
    return soft !== null && before <= soft && this.size > soft ? 'crossed-soft' : 'ok';
  }

  /** Reopens the path, so that a log rotated by renaming continues in a new file. */
  reopen(): void {
    this.file.reopen();
    this.size = currentSize(this.path);
    this.closedBySize = false;
  }

  get faulted(): boolean {
    return this.file.faulted;
  }

  get unwritten(): number {
    return this.file.unwritten;
  }

  flush(): void {
    this.file.flushSync();
  }

  /** Waits for the write in flight, at most `timeoutMs`, then writes out what is queued. */
  async settle(timeoutMs: number): Promise<void> {
    await this.file.idle(timeoutMs);
    this.flush();
  }

  close(): void {
    this.file.close();
  }
}

function currentSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** FileSinks by absolute path, so that services sharing a file share one descriptor. */
export class SinkPool {
  private readonly sinks = new Map<string, FileSink>();
  private readonly events: AppendFileEvents;

  constructor(events: AppendFileEvents) {
    this.events = events;
  }

  get(path: string): FileSink {
    let sink = this.sinks.get(path);
    if (!sink) {
      sink = new FileSink(path, this.events);
      this.sinks.set(path, sink);
    }
    return sink;
  }

  /** Reopens the files still in use and closes the others. */
  reopen(inUse: ReadonlySet<string>): void {
    for (const [path, sink] of this.sinks) {
      if (inUse.has(path)) {
        sink.reopen();
      } else {
        sink.close();
        this.sinks.delete(path);
      }
    }
  }

  /** Lists the files with lines that were not written, as left after a flush at exit. */
  unwritten(): Array<{ path: string; lines: number }> {
    return [...this.sinks.values()].filter((sink) => sink.unwritten > 0).map((sink) => ({ path: sink.path, lines: sink.unwritten }));
  }

  flushAll(): void {
    for (const sink of this.sinks.values()) sink.flush();
  }

  async settleAll(timeoutMs: number): Promise<void> {
    await Promise.all([...this.sinks.values()].map((sink) => sink.settle(timeoutMs)));
  }
}
