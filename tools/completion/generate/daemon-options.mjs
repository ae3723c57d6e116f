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
 * Reads the usage text: for each `[-option value]` or `[-a | -b]` group of the first line,
 * the option's value name (or null), and each `xinetd-ts NAME [...]` line after it as a
 * subcommand with its options and its operand.
 */
function parseUsage(usage) {
  const [main, ...rest] = usage.split(/\\n|\n/);
  const values = {};
  for (const group of main.matchAll(/\[([^\]]+)\]/g)) {
    for (const alternative of group[1].split(' | ')) {
      const [option, value] = alternative.trim().split(' ');
      if (option.startsWith('-')) values[option] = value ?? null;
    }
  }
  const subcommands = rest.flatMap((line) => {
    const m = /xinetd-ts ([a-z][\w-]*)(.*)$/.exec(line);
    if (!m) return [];
    const groups = [...m[2].matchAll(/\[([^\]]+)\]/g)].map((group) => group[1].trim().split(' '));
    const options = groups.filter(([word]) => word.startsWith('-')).map(([option, value]) => ({ option, value: value ?? null }));
    const operand = groups.find(([word]) => !word.startsWith('-'))?.[0] ?? null;
    return [{ name: m[1], options, operand }];
  });
  return { values, subcommands };
}

/**
 * Returns `{ valueOptions, flagOptions, ignored, usage, values, subcommands }`: the options
 * that take a value, the flags, the ones accepted and ignored, the usage text, the value
 * name of each option in it, and the subcommands, as options.ts lists them.
 */
export function readDaemonOptions(root) {
  const path = join(root, 'apps', 'daemon', 'src', 'options.ts');
  const source = readFileSync(path, 'utf8');
  const usageMatch = /export const USAGE =\s*((?:'[^']*'\s*\+?\s*)+);/.exec(source);
  if (!usageMatch) throw new Error(`${path}: no "export const USAGE = '...'" string`);
  const usage = [...usageMatch[1].matchAll(/'([^']*)'/g)].map((m) => m[1]).join('');
  return {
    valueOptions: readArray(source, 'VALUE_OPTIONS', path),
    flagOptions: readArray(source, 'FLAG_OPTIONS', path),
    ignored: readArray(source, 'ACCEPTED_NO_OPS', path),
    usage,
    ...parseUsage(usage),
  };
}
