/**
 * The progress bar of a long ingest. It appears on stderr only when stderr is a
 * terminal, and only once the ingest has run for a second, so short runs and pipes
 * stay quiet.
 */
import cliProgress from 'cli-progress';
import type { TextOutput } from './io.js';

const SHOW_AFTER_MS = 1000;

/**
 * The progress bar counts bytes of the files as stored, so its total is the sum of their
 * sizes. The reader reports content bytes, which for a gzip file are decompressed bytes,
 * so each file's share grows in proportion to the content read.
 */
export class IngestProgress {
  private bar: cliProgress.SingleBar | null = null;
  private due = false;
  private done = 0;
  /** The bytes counted before the current file. */
  private fileStart = 0;
  /** The current file's size as stored. */
  private fileBytes = 0;
  /** The current file's content bytes read so far. */
  private contentRead = 0;
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

  /** The bytes counted so far, in file bytes as stored. */
  get doneBytes(): number {
    return this.done;
  }

  /** Starts counting a file of `fileBytes` bytes as stored (compressed, for gzip). */
  startFile(fileBytes: number): void {
    this.fileStart = this.done;
    this.fileBytes = fileBytes;
    this.contentRead = 0;
  }

  /**
   * Counts `contentBytes` more of the current file's `contentSize` bytes of content as
   * the same share of its size as stored. A file that grew since it was opened counts
   * no more than its size.
   */
  advance(contentBytes: number, contentSize: number): void {
    this.contentRead += contentBytes;
    const share = contentSize > 0 ? Math.min(1, this.contentRead / contentSize) : 1;
    this.update(this.fileStart + Math.round(this.fileBytes * share));
  }

  /**
   * Counts the whole current file, so the bar ends at the total. It covers bytes left
   * unread: a resumed file's start, or a file skipped or read only in part.
   */
  finishFile(): void {
    // No redraw here: cli-progress shows the ETA of a bar started at its total as NULL, and the
    // next file's first batch draws it again.
    this.done = this.fileStart + this.fileBytes;
    this.bar?.update(toMegabytes(this.done));
  }

  private update(done: number): void {
    this.done = done;
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
