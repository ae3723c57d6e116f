/**
 * How far logq has read each file. A file is known by its device and inode, so a log
 * renamed by rotation is resumed under its new name, and by its content (the hash of its
 * first line, then of the bytes before a stored offset), so a copy or a compressed
 * rotation resumes too, and a shorter copy whose lines were all loaded adds nothing. A row
 * is never reused for other content. When the content no longer matches, a new row starts
 * at byte 0.
 */
import type { BigIntStats } from 'node:fs';
import type { ByteSource } from './byte-source.js';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { hashFirstLine, hashTail } from './fingerprint.js';
import { readCompleteLines } from './reader.js';
import { timestampValue } from './records.js';

export interface StoredFile {
  id: number;
  byteOffset: number;
  lineCount: number;
  firstLineHash: string | null;
  tailHash: string | null;
}

/** The start of a read: the end of what a stored row covers, or byte 0 for a new file. */
export type ReadPlan =
  /**
   * `from` is where reading resumes. It is `stored`, the row of this device and inode, or
   * the row of another file with the same content read further; `stored` is null for a copy.
   */
  | { kind: 'resume'; stored: StoredFile | null; from: StoredFile }
  /** `restartReason` is set when the device and inode were seen before with other content. */
  | { kind: 'new'; restartReason?: string };

async function findStoredFile(connection: DuckDBConnection, stats: BigIntStats): Promise<StoredFile | null> {
  const reader = await connection.runAndReadAll(
    `SELECT id, byte_offset, line_count, first_line_hash, tail_hash FROM files
     WHERE device = $device AND inode = $inode ORDER BY id DESC LIMIT 1`,
    { device: stats.dev, inode: stats.ino },
  );
  const row = reader.getRows()[0];
  return row ? storedFromRow(row) : null;
}

function storedFromRow(row: readonly DuckDBValue[]): StoredFile {
  const [id, byteOffset, lineCount, firstLineHash, tailHash] = row;
  return {
    id: Number(id),
    byteOffset: Number(byteOffset),
    lineCount: Number(lineCount),
    firstLineHash: firstLineHash === null ? null : String(firstLineHash),
    tailHash: tailHash === null ? null : String(tailHash),
  };
}

/** Returns why the file no longer starts with what was read before, or null when it does. */
async function findContentChange(source: ByteSource, stored: StoredFile): Promise<string | null> {
  if (source.size < stored.byteOffset) {
    return `it is ${source.size} bytes, smaller than the ${stored.byteOffset} bytes read before`;
  }
  if (stored.byteOffset === 0) return null;
  if ((await hashFirstLine(source)) !== stored.firstLineHash) return 'its first line changed';
  if ((await hashTail(source, stored.byteOffset)) !== stored.tailHash) {
    return `its content before byte ${stored.byteOffset} changed`;
  }
  return null;
}

/** Rows with the same first line, checked from the one read furthest; enough for a rotation chain. */
const MAX_CANDIDATES = 32;

/**
 * Finds the row, under any name or inode, whose loaded bytes this file starts with, read
 * furthest. A renamed, copied, compressed or copytruncated log then resumes where any of
 * its copies stopped, so no line loads twice.
 */
async function findSameContent(connection: DuckDBConnection, source: ByteSource, firstLineHash: string): Promise<StoredFile | null> {
  const reader = await connection.runAndReadAll(
    `SELECT id, byte_offset, line_count, first_line_hash, tail_hash FROM files
     WHERE first_line_hash = $hash AND byte_offset <= $size
     ORDER BY byte_offset DESC, id DESC LIMIT ${MAX_CANDIDATES}`,
    { hash: firstLineHash, size: source.size },
  );
  for (const row of reader.getRows()) {
    const candidate = storedFromRow(row);
    if ((await hashTail(source, candidate.byteOffset)) === candidate.tailHash) return candidate;
  }
  return null;
}

/** The number of complete lines of a file, the last of them as the parser reads it, and the offset after it. */
interface LastLine {
  lineCount: number;
  text: string;
  endOffset: number;
}

/** Reads the whole file for its last complete line. Returns null when it has none or is binary. */
async function readLastLine(source: ByteSource): Promise<LastLine | null> {
  let last: LastLine | null = null;
  const result = await readCompleteLines(source, 0, (data, lineCount, endOffset) => {
    const start = data.lastIndexOf(0x0a, data.length - 2) + 1;
    last = { lineCount: (last?.lineCount ?? 0) + lineCount, text: data.toString('utf8', start, data.length - 1), endOffset };
  });
  return result.binary ? null : last;
}

// The text stored for a line of any row that starts with the same first line: the rows a
// copy was resumed from contain the lines before its own.
const STORED_LINE_SQL = `
SELECT line FROM events WHERE line_number = $line AND file_id IN (SELECT id FROM files WHERE first_line_hash = $hash)
UNION ALL
SELECT text FROM rejects WHERE line_number = $line AND file_id IN (SELECT id FROM files WHERE first_line_hash = $hash)`;

/**
 * Finds a row read further than this file is long whose content this file repeats: the
 * same first line, and its last complete line is the line stored under the same number.
 * Such a file, a truncated gzip copy or an older copy of a loaded log, adds no line, so
 * the returned plan starts after its last complete line.
 */
async function findLongerCopy(connection: DuckDBConnection, source: ByteSource, firstLineHash: string): Promise<StoredFile | null> {
  const reader = await connection.runAndReadAll(
    `SELECT id, byte_offset, line_count, first_line_hash, tail_hash FROM files
     WHERE first_line_hash = $hash AND byte_offset > $size ORDER BY byte_offset DESC, id DESC LIMIT 1`,
    { hash: firstLineHash, size: source.size },
  );
  const row = reader.getRows()[0];
  if (!row) return null;
  const last = await readLastLine(source);
  if (last === null) return null;
  const stored = await connection.runAndReadAll(STORED_LINE_SQL, { line: last.lineCount, hash: firstLineHash });
  if (!stored.getRows().some(([text]) => text === last.text)) return null;
  return { ...storedFromRow(row), byteOffset: last.endOffset, lineCount: last.lineCount };
}

export async function planRead(connection: DuckDBConnection, source: ByteSource, stats: BigIntStats): Promise<ReadPlan> {
  const stored = await findStoredFile(connection, stats);
  const change = stored ? await findContentChange(source, stored) : null;
  const firstLineHash = await hashFirstLine(source);
  const same = firstLineHash === null ? null : await findSameContent(connection, source, firstLineHash);
  const own = stored && change === null ? stored : null;
  if (own && (!same || same.byteOffset <= own.byteOffset)) return { kind: 'resume', stored: own, from: own };
  if (same) return { kind: 'resume', stored: own, from: same };
  // A copy gets a row of its own, so that the stored row's line numbers are never reused.
  const longer = firstLineHash === null ? null : await findLongerCopy(connection, source, firstLineHash);
  if (longer) return { kind: 'resume', stored: null, from: longer };
  return change === null ? { kind: 'new' } : { kind: 'new', restartReason: change };
}

export interface FileProgress {
  path: string;
  stats: BigIntStats;
  byteOffset: number;
  lineCount: number;
  ingestedAt: Date;
}

export function mtimeOf(stats: BigIntStats): Date {
  return new Date(Number(stats.mtimeNs / 1_000_000n));
}

/** Inserts a files row for a file read from byte 0 and returns its id. */
export async function insertFile(connection: DuckDBConnection, path: string, stats: BigIntStats, ingestedAt: Date): Promise<number> {
  const reader = await connection.runAndReadAll(
    `INSERT INTO files (path, device, inode, byte_offset, size, line_count, mtime, first_ingested_at, ingested_at)
     VALUES ($path, $device, $inode, 0, $size, 0, $mtime, $now, $now)
     RETURNING id`,
    { path, device: stats.dev, inode: stats.ino, size: stats.size, mtime: timestampValue(mtimeOf(stats)), now: timestampValue(ingestedAt) },
  );
  return Number(reader.getRows()[0]?.[0]);
}

/** Stores how far the file has been read, with the hashes that the next ingest checks. */
export async function updateFile(connection: DuckDBConnection, id: number, handle: ByteSource, progress: FileProgress): Promise<void> {
  const firstLineHash = progress.byteOffset > 0 ? await hashFirstLine(handle) : null;
  const tailHash = progress.byteOffset > 0 ? await hashTail(handle, progress.byteOffset) : null;
  await connection.run(
    `UPDATE files SET path = $path, byte_offset = $offset, size = $size, line_count = $lines,
       first_line_hash = $first, tail_hash = $tail, mtime = $mtime, ingested_at = $now
     WHERE id = $id`,
    {
      id,
      path: progress.path,
      offset: progress.byteOffset,
      size: progress.stats.size,
      lines: progress.lineCount,
      first: firstLineHash,
      tail: tailHash,
      mtime: timestampValue(mtimeOf(progress.stats)),
      now: timestampValue(progress.ingestedAt),
    },
  );
}

export async function pathOfFile(connection: DuckDBConnection, id: number): Promise<string> {
  const reader = await connection.runAndReadAll('SELECT path FROM files WHERE id = $id', { id });
  return String(reader.getRows()[0]?.[0] ?? `file #${id}`);
}
