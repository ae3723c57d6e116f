/** Loads the new lines of one log file into the events and rejects tables. */
import type { BigIntStats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { fileSource, gunzipSource, isGzipHeader, type ByteSource } from './byte-source.js';
import { parseLine } from '#logformat';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ChunkAppender } from './chunk-appender.js';
import type { AddedRows } from './event-counts.js';
import { LogqError } from './errors.js';
import { insertFile, mtimeOf, pathOfFile, planRead, updateFile } from './file-state.js';
import { countLines, readCompleteLines, splitLines, wasCut, type ReadResult } from './reader.js';
import { SqlPathError, canParseInSql, loadLinesInSql, segmentsOf, type SqlParser } from './sql-loader.js';
import { canParseJsonlInSql, loadJsonlInSql } from './sql-jsonl-loader.js';
import { eventRow, findInvalidField, rejectRow } from './records.js';

export interface IngestTarget {
  connection: DuckDBConnection;
  events: ChunkAppender;
  rejects: ChunkAppender;
  ingestedAt: Date;
  /** Host stored for lines that name none (the classic file log and -filelog lines). */
  host: string | null;
  /** Set when DuckDB may parse the common line forms itself (see sql-loader.ts). */
  sqlParser?: SqlParser;
  /** Called with the content bytes of each batch read and the content length (decompressed for gzip), for the progress bar. */
  onBytes?: (bytes: number, contentSize: number) => void;
}

/** How far after the ingest a time stamp may lie before it is reported, for clock skew. */
export const FUTURE_SLACK_MS = 24 * 3600 * 1000;

/** A kind of suspicious line that still loads: how many there were, and the first one. */
export interface LineNote {
  count: number;
  firstLine: number;
}

export interface FileSummary {
  /** The path as given on the command line. */
  path: string;
  startOffset: number;
  linesRead: number;
  events: number;
  rejects: number;
  foreign: number;
  heldBackBytes: number;
  /** Set when a known file changed, so it was read again from byte 0. */
  restartReason?: string;
  /** Lines with bytes that are not UTF-8, stored with U+FFFD in their place. */
  invalidUtf8?: LineNote;
  /** Events dated more than a day after the ingest. */
  future?: LineNote;
  /** Lines longer than MAX_LINE_BYTES, stored cut to that length with a note of their length. */
  cutLines?: LineNote;
  /** Path of an already-loaded file that this one repeats, so its loaded lines were skipped. */
  sameContentAs?: string;
}

/** `added` names the rows this read appended to the events table, when there are any. */
export type FileOutcome = { summary: FileSummary; error?: LogqError; added?: AddedRows };

/** Per-file state of one read. `byteOffset` and `lineCount` move forward with each batch. */
export interface ReadState {
  absolutePath: string;
  fileId: number | null;
  byteOffset: number;
  lineCount: number;
  reference: Date;
  summary: FileSummary;
}

function describeOpenError(path: string, error: unknown): LogqError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new LogqError('LOGQ_FILE_NOT_FOUND', `${path}: file not found, so nothing was loaded from it. Check the path`);
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new LogqError(
      'LOGQ_FILE_UNREADABLE',
      `${path}: permission denied, so nothing was loaded from it. Run logq as a user that can read the file, or grant read access`,
    );
  }
  return new LogqError('LOGQ_FILE_READ_FAILED', `${path}: failed to open the file, so nothing was loaded from it: ${reason}. Check the file and run ingest again`, { cause: error });
}

/** Opens a regular file, or returns why it cannot be ingested. Non-files are checked before open, which blocks on a FIFO. */
async function openLogFile(path: string): Promise<{ handle: FileHandle; source: ByteSource; stats: BigIntStats } | LogqError> {
  let stats: BigIntStats;
  try {
    stats = await stat(path, { bigint: true });
  } catch (error) {
    return describeOpenError(path, error);
  }
  if (stats.isDirectory()) {
    return new LogqError('LOGQ_FILE_IS_DIRECTORY', `${path}: is a directory with no files in it, so nothing was loaded from it. Pass the directory that contains the logs`);
  }
  if (!stats.isFile()) {
    return new LogqError(
      'LOGQ_FILE_NOT_REGULAR',
      `${path}: not a regular file (a FIFO, socket or device), so nothing was loaded from it. Copy the log to a file and ingest that`,
    );
  }
  try {
    const handle = await open(path, 'r');
    const openedStats = await handle.stat({ bigint: true });
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    const source = isGzipHeader(head) ? await gunzipSource(path) : fileSource(handle, Number(openedStats.size));
    return { handle, source, stats: openedStats };
  } catch (error) {
    return describeOpenError(path, error);
  }
}

function binaryError(path: string, binary: NonNullable<ReadResult['binary']>): LogqError {
  if (binary.kind === 'gzip') {
    return new LogqError('LOGQ_FILE_BINARY', `${path}: gzip data inside gzip data, so nothing was loaded from it. Decompress it once (zcat ${path} > FILE) and ingest the result`);
  }
  return new LogqError(
    'LOGQ_FILE_BINARY',
    `${path}: binary file (NUL byte at offset ${binary.offset}), so nothing was loaded from it. Pass an xinetd log or the daemon's JSONL`,
  );
}

/** Says where the lines before a gzip file's damage were loaded: now, from a copy before, or both. */
function loadedBefore(state: ReadState): string {
  const copy = state.summary.sameContentAs;
  if (!copy) return 'The lines before it were loaded';
  const fromCopy = state.lineCount - state.summary.linesRead;
  if (state.summary.linesRead === 0) return `The lines before it were already loaded from ${copy}`;
  return `The lines before it were loaded: the first ${fromCopy} already from ${copy}, the other ${state.summary.linesRead} now`;
}

function gzipDamageError(state: ReadState, damage: string): LogqError {
  const loaded = loadedBefore(state);
  return new LogqError(
    'LOGQ_FILE_READ_FAILED',
    `${state.summary.path}: gzip data is truncated or corrupt (${damage}) after line ${state.lineCount}. ${loaded}; replace the file with a complete copy to load the rest`,
  );
}

async function ensureFileId(target: IngestTarget, state: ReadState, stats: BigIntStats): Promise<number> {
  if (state.fileId === null) state.fileId = await insertFile(target.connection, state.absolutePath, stats, target.ingestedAt);
  return state.fileId;
}

export function noteLine(summary: FileSummary, key: 'invalidUtf8' | 'future' | 'cutLines', lineNumber: number, count = 1): void {
  const note = summary[key];
  if (!note) summary[key] = { count, firstLine: lineNumber };
  else {
    note.count += count;
    note.firstLine = Math.min(note.firstLine, lineNumber);
  }
}

/** Loads one line through the JS parser; `lineNumber` is given for lines the SQL path left over. */
export function loadLine(target: IngestTarget, state: ReadState, fileId: number, line: string, lineNumber = state.lineCount + 1): void {
  state.lineCount = Math.max(state.lineCount, lineNumber);
  if (line.indexOf('\uFFFD') >= 0) noteLine(state.summary, 'invalidUtf8', lineNumber);
  if (wasCut(line)) noteLine(state.summary, 'cutLines', lineNumber);
  // A CRLF log parses like an LF one, and the stored line keeps its bytes.
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  const result = parseLine(text, { reference: state.reference });
  const invalidField = result.ok ? findInvalidField(result.record) : null;

  if (result.ok && invalidField === null) {
    const record = result.record;
    if (record.host === null) record.host = target.host;
    if (record.time !== null && record.time.getTime() > target.ingestedAt.getTime() + FUTURE_SLACK_MS) {
      noteLine(state.summary, 'future', lineNumber);
    }
    target.events.addRow(eventRow(fileId, lineNumber, result.form, result.record, line));
    state.summary.events++;
    return;
  }
  const foreign = !result.ok && result.foreign;
  const reason = result.ok ? (invalidField ?? '') : result.reason;
  target.rejects.addRow(rejectRow(fileId, state.absolutePath, lineNumber, line, reason, foreign));
  if (foreign) state.summary.foreign++;
  else state.summary.rejects++;
}

function loadLinesInJs(target: IngestTarget, state: ReadState, fileId: number, data: Buffer): void {
  for (const line of splitLines(data)) loadLine(target, state, fileId, line);
}

/** Loads each run of the batch through SQL where it can, else through the JS parser. */
async function loadSegments(target: IngestTarget, state: ReadState, fileId: number, data: Buffer): Promise<void> {
  const jsonl = data[0] === 0x7b;
  const accepts = jsonl ? canParseJsonlInSql : canParseInSql;
  const loadInSql = jsonl ? loadJsonlInSql : loadLinesInSql;
  for (const segment of segmentsOf(data, accepts)) {
    const inSql = segment.inSql && (await loadInSql(target, state, fileId, segment.data, countLines(segment.data)));
    if (!inSql) loadLinesInJs(target, state, fileId, segment.data);
  }
}

async function readIntoTables(target: IngestTarget, state: ReadState, handle: ByteSource, stats: BigIntStats): Promise<ReadResult> {
  return readCompleteLines(handle, state.byteOffset, async (data, lineCount, endOffset) => {
    const fileId = await ensureFileId(target, state, stats);
    if (target.sqlParser === undefined) loadLinesInJs(target, state, fileId, data);
    else await loadSegments(target, state, fileId, data);
    state.summary.linesRead += lineCount;
    target.onBytes?.(endOffset - state.byteOffset, handle.size);
    state.byteOffset = endOffset;
  });
}

function emptySummary(path: string): FileSummary {
  return { path, startOffset: 0, linesRead: 0, events: 0, rejects: 0, foreign: 0, heldBackBytes: 0 };
}

function newState(path: string, absolutePath: string, stats: BigIntStats): ReadState {
  return {
    absolutePath,
    fileId: null,
    byteOffset: 0,
    lineCount: 0,
    // Syslog stamps carry no year, so it comes from the file's mtime: no line can be later.
    reference: mtimeOf(stats),
    summary: emptySummary(path),
  };
}

async function readAndRecord(target: IngestTarget, state: ReadState, handle: ByteSource, stats: BigIntStats): Promise<FileOutcome> {
  let error: LogqError | undefined;
  try {
    const result = await readIntoTables(target, state, handle, stats);
    if (result.binary) return { summary: state.summary, error: binaryError(state.summary.path, result.binary) };
    // The bytes after the last newline of a damaged gzip file will not be completed by a
    // later write, so the damage is reported instead of a held-back line.
    if (handle.damage) error = gzipDamageError(state, handle.damage);
    else state.summary.heldBackBytes = result.heldBackBytes;
  } catch (cause) {
    if (cause instanceof SqlPathError) throw cause;
    // Lines loaded before the failure stay, and the stored offset covers exactly them.
    const reason = cause instanceof Error ? cause.message : String(cause);
    error = new LogqError(
      'LOGQ_FILE_READ_FAILED',
      `${state.summary.path}: read failed after line ${state.lineCount}: ${reason}. The lines before it were loaded; run ingest again to retry the rest`,
      { cause },
    );
  }
  const fileId = await ensureFileId(target, state, stats);
  await updateFile(target.connection, fileId, handle, {
    path: state.absolutePath,
    stats,
    byteOffset: state.byteOffset,
    lineCount: state.lineCount,
    ingestedAt: target.ingestedAt,
  });
  return error ? { summary: state.summary, error } : { summary: state.summary };
}

/**
 * Loads the lines of `path` that were not loaded before, within the caller's transaction.
 * Returns the counts, and an error when the file was skipped or read only in part.
 */
export async function ingestFile(target: IngestTarget, path: string, absolutePath: string): Promise<FileOutcome> {
  const opened = await openLogFile(absolutePath);
  if (opened instanceof LogqError) return { summary: emptySummary(path), error: opened };
  const { handle, source, stats } = opened;
  try {
    const state = newState(path, absolutePath, stats);
    const plan = await planRead(target.connection, source, stats);
    if (plan.kind === 'resume') {
      state.fileId = plan.stored?.id ?? null;
      state.byteOffset = plan.from.byteOffset;
      state.lineCount = plan.from.lineCount;
      state.summary.startOffset = plan.from.byteOffset;
      if (plan.from.id !== plan.stored?.id) state.summary.sameContentAs = await pathOfFile(target.connection, plan.from.id);
    } else if (plan.restartReason) {
      state.summary.restartReason = plan.restartReason;
    }
    const afterLine = state.lineCount;
    const outcome = await readAndRecord(target, state, source, stats);
    return state.fileId === null ? outcome : { ...outcome, added: { fileId: state.fileId, afterLine } };
  } finally {
    await handle.close();
  }
}
