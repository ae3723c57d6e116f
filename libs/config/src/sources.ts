/** Reading configuration files and listing `includedir` directories. */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type FileProblemCode = 'CONFIG_FILE_NOT_FOUND' | 'CONFIG_FILE_UNREADABLE';

export type ReadResult = { ok: true; text: string } | { ok: false; code: FileProblemCode; reason: string };

export interface SkippedEntry {
  readonly path: string;
  readonly reason: string;
}

export type DirectoryListing =
  | { ok: true; files: string[]; skipped: SkippedEntry[] }
  | { ok: false; code: FileProblemCode; reason: string };

/** Returns the OS reason of a failed fs call, e.g. `EACCES: permission denied`. */
export function describeFsError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const text = error.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
    return code === undefined ? error.message : `${code}: ${text}`;
  }
  return String(error);
}

function problemCode(error: unknown): FileProblemCode {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' ? 'CONFIG_FILE_NOT_FOUND' : 'CONFIG_FILE_UNREADABLE';
}

/** Files beyond this size are refused, so that a wrong include cannot exhaust memory. */
export const MAX_FILE_SIZE = 64 * 1024 * 1024;

/**
 * Reads a whole text file. A FIFO or device (such as /dev/zero) is refused rather than
 * read, because reading it could block or never end.
 */
export function readTextFile(path: string): ReadResult {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) return { ok: false, code: 'CONFIG_FILE_UNREADABLE', reason: 'not a regular file' };
    if (stats.size > MAX_FILE_SIZE) {
      return { ok: false, code: 'CONFIG_FILE_UNREADABLE', reason: `${stats.size} bytes, more than the ${MAX_FILE_SIZE} allowed` };
    }
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { ok: false, code: problemCode(error), reason: describeFsError(error) };
  }
}

/** xinetd skips any name containing a dot (foo.rpmnew, .swp files) or ending in `~`. */
export function isIncludableName(name: string): boolean {
  return !name.includes('.') && !name.endsWith('~');
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Lists the files an `includedir` reads, in byte order of their names (as strcmp in
 * the C locale). Symbolic links to regular files count as regular files.
 */
export function listIncludeDir(dir: string): DirectoryListing {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    return { ok: false, code: problemCode(error), reason: describeFsError(error) };
  }
  const files: string[] = [];
  const skipped: SkippedEntry[] = [];
  for (const name of names.filter(isIncludableName).sort(byteOrder)) {
    const path = join(dir, name);
    const reason = regularFileProblem(path);
    if (reason === null) files.push(path);
    else skipped.push({ path, reason });
  }
  return { ok: true, files, skipped };
}

function regularFileProblem(path: string): string | null {
  try {
    return statSync(path).isFile() ? null : 'not a regular file';
  } catch (error) {
    return describeFsError(error);
  }
}
