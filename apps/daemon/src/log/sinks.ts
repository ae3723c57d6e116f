/**
 * Append-only log files, opened once per path and shared by every service that names the
 * same path. Writes are buffered by pino's destination (sonic-boom) and flushed on exit.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';

type Destination = ReturnType<typeof pino.destination>;

export type SinkErrorHandler = (path: string, error: Error) => void;

export class FileSink {
  readonly path: string;
  readonly destination: Destination;
  private failed = false;

  constructor(path: string, onError: SinkErrorHandler) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.destination = pino.destination({ dest: path, append: true, sync: false });
    // One report per fault: a full disk would otherwise log on every line.
    this.destination.on('error', (error: Error) => {
      if (this.failed) return;
      this.failed = true;
      onError(path, error);
    });
    this.destination.on('ready', () => {
      this.failed = false;
    });
  }

  write(line: string): void {
    this.destination.write(`${line}\n`);
  }

  /** Reopens the path, so that a log rotated by renaming continues in a new file. */
  reopen(): void {
    this.destination.reopen();
  }

  flush(): void {
    try {
      this.destination.flushSync();
    } catch {
      // Nothing more can be done for a file that cannot be written at exit.
    }
  }

  /** Waits until the file is open, at most `timeoutMs`, then writes out what is buffered. */
  async settle(timeoutMs: number): Promise<void> {
    // sonic-boom opens the file asynchronously and keeps fd at -1 until then.
    const opening = (this.destination as unknown as { fd: number }).fd < 0;
    if (opening && !this.failed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.destination.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.flush();
  }

  close(): void {
    this.flush();
    this.destination.end();
  }
}

/** FileSinks by absolute path, so that services sharing a file share one descriptor. */
export class SinkPool {
  private readonly sinks = new Map<string, FileSink>();
  private readonly onError: SinkErrorHandler;

  constructor(onError: SinkErrorHandler) {
    this.onError = onError;
  }

  get(path: string): FileSink {
    let sink = this.sinks.get(path);
    if (!sink) {
      sink = new FileSink(path, this.onError);
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

  flushAll(): void {
    for (const sink of this.sinks.values()) sink.flush();
  }

  async settleAll(timeoutMs: number): Promise<void> {
    await Promise.all([...this.sinks.values()].map((sink) => sink.settle(timeoutMs)));
  }
}
