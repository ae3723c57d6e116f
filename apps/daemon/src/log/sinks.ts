/**
 * Append-only log files, opened once per path and shared by every service that names the
 * same path. Writes are buffered by pino's destination (sonic-boom) and flushed on exit.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';

type Destination = ReturnType<typeof pino.destination>;

export type SinkErrorHandler = (path: string, error: Error) => void;

/** The effect of one write on the `log_type FILE` size limits. */
export type SizeState = 'ok' | 'crossed-soft' | 'crossed-hard' | 'closed';

export class FileSink {
  readonly path: string;
  readonly destination: Destination;
  private failed = false;
  /** Bytes in the file, counted from its size when opened; the size limits compare against it. */
  private size: number;
  /** Past the hard limit the file takes no more lines until it is reopened. */
  private closedBySize = false;

  constructor(path: string, onError: SinkErrorHandler) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.size = currentSize(path);
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

  /**
   * Writes a line unless the file is past its hard limit, and says which limit this line
   * crossed, so that the caller reports each crossing once.
   */
  writeLimited(line: string, soft: number | null, hard: number | null): SizeState {
    if (this.closedBySize) return 'closed';
    const before = this.size;
    const text = `${line}\n`;
    this.destination.write(text);
    this.size += Buffer.byteLength(text);
    if (hard !== null && this.size > hard) {
      this.closedBySize = true;
      return 'crossed-hard';
    }
    return soft !== null && before <= soft && this.size > soft ? 'crossed-soft' : 'ok';
  }

  /** Reopens the path, so that a log rotated by renaming continues in a new file. */
  reopen(): void {
    this.destination.reopen();
    this.size = currentSize(this.path);
    this.closedBySize = false;
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
