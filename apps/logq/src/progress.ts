/**
 * The progress bar of a long ingest. It appears on stderr only when stderr is a
 * terminal, and only once the ingest has run for a second, so short runs and pipes
 * stay quiet.
 */
import cliProgress from 'cli-progress';
import type { TextOutput } from './io.js';

const SHOW_AFTER_MS = 1000;

export class IngestProgress {
  private bar: cliProgress.SingleBar | null = null;
  private due = false;
  private done = 0;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly stderr: TextOutput,
    private readonly totalBytes: number,
  ) {
    this.timer = stderr.isTTY ? setTimeout(() => this.show(), SHOW_AFTER_MS) : null;
    this.timer?.unref();
  }

  /** Clears the bar so that a line can be written; the next advance draws it again. */
  pause(): void {
    this.bar?.stop();
    this.bar = null;
  }

  private ensureShown(): void {
    if (this.due && !this.bar) this.show();
  }

  private show(): void {
    this.due = true;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stderr as NodeJS.WritableStream,
        format: 'ingest [{bar}] {percentage}% | {value}/{total} MB | {eta_formatted} left',
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(toMegabytes(this.totalBytes), toMegabytes(this.done));
  }

  advance(bytes: number): void {
    this.done += bytes;
    this.ensureShown();
    this.bar?.update(toMegabytes(this.done));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.bar?.stop();
  }
}

function toMegabytes(bytes: number): number {
  return Math.round(bytes / 1e5) / 10;
}
