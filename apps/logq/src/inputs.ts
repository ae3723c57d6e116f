/**
 * Expands the paths given to `logq ingest`: a directory stands for the regular files
 * directly in it, and a pattern with `*`, `?` or `[…]` (quoted, so the shell left it
 * alone) for the files it matches; `**` matches any number of directories.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

export interface InputFile {
  /** The path as the user would recognise it: given, or found in a given directory. */
  path: string;
  absolutePath: string;
}

const WILDCARD = /[*?[]/;
const MAX_DEPTH = 16;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Converts a glob to a regular expression over absolute paths. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function listFiles(directory: string, recursive: boolean, depth = 0): string[] {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isFile()) files.push(path);
    else if (recursive && entry.isDirectory() && depth < MAX_DEPTH) files.push(...listFiles(path, true, depth + 1));
  }
  return files;
}

function expandGlob(pattern: string): string[] {
  const absolute = resolve(pattern);
  const parts = absolute.split(sep);
  const firstWild = parts.findIndex((part) => WILDCARD.test(part));
  const base = parts.slice(0, firstWild).join(sep) || sep;
  const recursive = absolute.includes('**') || firstWild < parts.length - 1;
  const matcher = globToRegExp(absolute);
  return listFiles(base, recursive).filter((path) => matcher.test(path));
}

function expandOne(given: string): string[] {
  if (isDirectory(given)) return listFiles(given, false);
  if (!exists(given) && WILDCARD.test(given)) return expandGlob(given);
  return [given];
}

function identity(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Returns the files to read, each once even when several arguments name it. An argument
 * that matches nothing is kept as given, so that reading it reports why.
 */
export function expandInputs(given: readonly string[]): InputFile[] {
  const seen = new Set<string>();
  const files: InputFile[] = [];
  for (const argument of given) {
    const expanded = expandOne(argument);
    for (const path of expanded.length > 0 ? expanded : [argument]) {
      const key = identity(path);
      if (seen.has(key)) continue;
      seen.add(key);
      files.push({ path, absolutePath: resolve(path) });
    }
  }
  return files;
}
