/**
 * Reads the daemon's option tables from apps/daemon/src/options.ts, so that the shell
 * completions and the man page test follow the parser without a second list to keep.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readArray(source, name, path) {
  const match = new RegExp(`const ${name} = (?:new Set\\()?\\[([^\\]]*)\\]`).exec(source);
  if (!match) throw new Error(`${path}: no "const ${name} = [...]" table; update tools/completion/generate/daemon-options.mjs to the new layout`);
  return [...match[1].matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

/**
 * Returns `{ valueOptions, flagOptions, ignored, usage }`: the options that take a value,
 * the flags, the ones accepted and ignored, and the usage line, as options.ts lists them.
 */
export function readDaemonOptions(root) {
  const path = join(root, 'apps', 'daemon', 'src', 'options.ts');
  const source = readFileSync(path, 'utf8');
  const usage = /export const USAGE =\s*((?:'[^']*'\s*\+?\s*)+);/.exec(source);
  if (!usage) throw new Error(`${path}: no "export const USAGE = '...'" string`);
  return {
    valueOptions: readArray(source, 'VALUE_OPTIONS', path),
    flagOptions: readArray(source, 'FLAG_OPTIONS', path),
    ignored: readArray(source, 'ACCEPTED_NO_OPS', path),
    usage: [...usage[1].matchAll(/'([^']*)'/g)].map((m) => m[1]).join(''),
  };
}
