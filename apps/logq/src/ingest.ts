/** The `logq ingest` command: loads log files into the database in one transaction. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkAppender } from './chunk-appender.js';
import { addEventCounts, type AddedRows } from './event-counts.js';
import { findRepeatedEvents, formatRepeated } from './repeated-events.js';
import { openDatabase, type Database } from './db.js';
import { formatError } from './errors.js';
import { EXIT_INPUT, EXIT_OK, type ExitStatus } from './exit-codes.js';
import { ingestFile, type FileSummary, type IngestTarget, type LineNote } from './ingest-file.js';
import { expandInputs, type InputFile } from './inputs.js';
import { IngestProgress } from './progress.js';
import { currentTime, type CliIo } from './io.js';
import { resolveDatabaseLocation } from './paths.js';
import { MAX_LINE_BYTES } from './reader.js';
import { ensureSchema } from './schema.js';
import { createViews } from './views.js';

export interface IngestOptions {
  db?: string;
  host?: string;
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Formats one summary line: counts first, then what a reader must know about the file. */
export function formatSummary(summary: FileSummary): string {
  const counts = [
    plural(summary.linesRead, 'line') + ' read',
    plural(summary.events, 'event'),
    plural(summary.rejects, 'reject'),
    `${summary.foreign} foreign`,
  ].join(', ');
  const notes: string[] = [];
  if (summary.sameContentAs) notes.push(`its first ${plural(summary.startOffset, 'byte')} were already loaded from ${summary.sameContentAs}, which had the same content then`);
  else if (summary.restartReason) notes.push(`read again from the start because ${summary.restartReason}`);
  else if (summary.startOffset > 0 && summary.linesRead === 0) notes.push(`no new lines since the last ingest, which read ${plural(summary.startOffset, 'byte')}`);
  else if (summary.startOffset > 0) notes.push(`resumed at byte ${summary.startOffset}`);
  if (summary.invalidUtf8) {
    notes.push(`${describeNote(summary.invalidUtf8, 'line')} with bytes that are not UTF-8, stored with U+FFFD in their place`);
  }
  if (summary.cutLines) {
    notes.push(`${describeNote(summary.cutLines, 'line')} longer than ${plural(MAX_LINE_BYTES, 'byte')}, stored cut to that length with a note of their length`);
  }
  if (summary.future) notes.push(`${describeNote(summary.future, 'event')} dated more than a day after now; check the clock of the host that wrote it`);
  if (summary.heldBackBytes > 0) {
    notes.push(`held back an incomplete last line (${plural(summary.heldBackBytes, 'byte')}, no newline yet) for the next ingest`);
  }
  return `${summary.path}: ${counts}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}\n`;
}

function describeNote(note: LineNote, noun: string): string {
  return `${plural(note.count, noun)} (first at line ${note.firstLine})`;
}

function addTotals(totals: FileSummary, summary: FileSummary): void {
  totals.linesRead += summary.linesRead;
  totals.events += summary.events;
  totals.rejects += summary.rejects;
  totals.foreign += summary.foreign;
}

/** Returns a file's size as stored, or 0 when it cannot be read. Reading the file later reports the problem. */
function storedSize(file: InputFile): number {
  try {
    return statSync(file.absolutePath).size;
  } catch {
    return 0;
  }
}

async function ingestAll(
  database: Database,
  files: readonly InputFile[],
  options: IngestOptions,
  io: CliIo,
  stagingDir: string | null,
): Promise<{ totals: FileSummary; failed: number }> {
  const connection = database.connection;
  await ensureSchema(connection, database.path);
  await createViews(connection);
  const sizes = files.map(storedSize);
  const progress = new IngestProgress(io.stderr, sizes.reduce((total, size) => total + size, 0));
  const target: IngestTarget = {
    connection,
    events: await ChunkAppender.create(connection, 'events'),
    rejects: await ChunkAppender.create(connection, 'rejects'),
    ingestedAt: currentTime(io),
    host: options.host ?? null,
    onBytes: (bytes, contentSize) => progress.advance(bytes, contentSize),
    ...(stagingDir ? { sqlParser: { stagingDir, zone: Intl.DateTimeFormat().resolvedOptions().timeZone } } : {}),
  };
  const totals: FileSummary = { path: 'total', startOffset: 0, linesRead: 0, events: 0, rejects: 0, foreign: 0, heldBackBytes: 0 };
  let failed = 0;
  const added: AddedRows[] = [];
  const pathOf = new Map<number, string>();
  for (const [index, file] of files.entries()) {
    progress.startFile(sizes[index]!);
    const { summary, error, added: rows } = await ingestFile(target, file.path, file.absolutePath);
    if (rows) {
      added.push(rows);
      pathOf.set(rows.fileId, file.path);
    }
    if (error) {
      progress.pause();
      io.stderr.write(formatError(error));
      failed++;
    }
    progress.pause();
    if (!error || summary.linesRead > 0) io.stdout.write(formatSummary(summary));
    addTotals(totals, summary);
    progress.finishFile();
  }
  progress.stop();
  target.events.close();
  target.rejects.close();
  await addEventCounts(connection, added);
  for (const repeated of await findRepeatedEvents(connection, added)) io.stderr.write(formatRepeated(pathOf.get(repeated.fileId) ?? '', repeated));
  return { totals, failed };
}

function formatRate(lines: number, elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(lines / seconds) : 0;
  return ` in ${seconds.toFixed(2)} s (${rate.toLocaleString('en-US')} lines/s)`;
}

/**
 * Runs `logq ingest`. Everything happens in one transaction, so an interrupted ingest
 * leaves the database as it was. Files that cannot be read are reported and skipped.
 */
export async function runIngest(files: readonly string[], options: IngestOptions, io: CliIo): Promise<ExitStatus> {
  const inputs = expandInputs(files);
  const started = performance.now();
  const location = resolveDatabaseLocation(options.db, io.env);
  const database = await openDatabase(location.path, location.chosen ? 'write' : 'create');
  // LOGQ_PARSER=js turns the SQL path off, for comparing the two parsers and as a way
  // round a fault in it.
  const stagingDir = io.env.LOGQ_PARSER === 'js' ? null : mkdtempSync(join(tmpdir(), 'logq-ingest-'));
  let result: { totals: FileSummary; failed: number };
  try {
    await database.connection.run('BEGIN TRANSACTION');
    try {
      result = await ingestAll(database, inputs, options, io, stagingDir);
      await database.connection.run('COMMIT');
    } catch (error) {
      // Report the original error. Even if ROLLBACK fails, closing the database discards
      // the uncommitted transaction.
      await database.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    database.close();
    if (stagingDir) rmSync(stagingDir, { recursive: true, force: true });
  }

  const { totals, failed } = result;
  const skipped = failed > 0 ? `; ${plural(failed, 'file')} not fully read (see the messages above)` : '';
  io.stdout.write(
    `database ${database.path}: ${plural(totals.linesRead, 'line')} read, ${plural(totals.events, 'event')}, ` +
      `${plural(totals.rejects, 'reject')}, ${totals.foreign} foreign${skipped}${formatRate(totals.linesRead, performance.now() - started)}\n`,
  );
  return failed > 0 ? EXIT_INPUT : EXIT_OK;
}
