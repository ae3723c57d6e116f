/**
 * Whole inetd.conf files: the text `convert-inetd` writes, and the entries that
 * `-inetd_compat` adds to a configuration.
 */

import { newOwner, type DiagnosticCollector } from './diagnostics.js';
import { convertInetdService, formatXinetdEntry, type ConvertOptions } from './inetd-convert.js';
import { parseInetdConf } from './inetd-line.js';
import type { Entry } from './parser.js';
import { readTextFile } from './sources.js';

export interface InetdProblem {
  readonly line: number;
  readonly message: string;
  readonly hint: string;
}

export interface ConvertResult {
  /** xinetd.conf text: one entry per service line, comments kept. */
  readonly text: string;
  /** Lines that could not be converted; each is kept in `text` as a comment. */
  readonly problems: readonly InetdProblem[];
}

/** Converts inetd.conf text to xinetd.conf text. `source` names the input in the header comment. */
export function convertInetdConf(text: string, source: string, options: Omit<ConvertOptions, 'mode'> = {}): ConvertResult {
  const output = [`# Converted from ${source} by xinetd-ts convert-inetd.`, ''];
  const problems: InetdProblem[] = [];
  for (const line of parseInetdConf(text)) {
    if (line.kind === 'comment') {
      output.push(line.text.replace(/\r$/, ''));
      continue;
    }
    const converted = line.kind === 'service' ? convertInetdService(line.service, { ...options, mode: 'convert' }) : null;
    const problem = line.kind === 'invalid' ? line : converted?.problem;
    if (problem !== null && problem !== undefined) {
      const lineNumber = line.kind === 'service' ? line.service.line : line.line;
      problems.push({ line: lineNumber, message: problem.message, hint: problem.hint });
      output.push(`# not converted (${problem.message}): ${(line.kind === 'service' ? line.service.text : line.text).trim()}`);
      continue;
    }
    if (converted !== null && line.kind === 'service') output.push(formatXinetdEntry(converted, line.service));
  }
  return { text: `${output.join('\n').replace(/\n*$/, '')}\n`, problems };
}

/**
 * Reads inetd.conf as xinetd's `-inetd_compat` does and passes each service entry to
 * `onEntry`, every attribute positioned at its inetd.conf line. Entries whose id is in
 * `hiddenIds` are skipped, because a service file with the same id takes precedence.
 */
export function readInetdEntries(
  path: string,
  hiddenIds: ReadonlySet<string>,
  diagnostics: DiagnosticCollector,
  onEntry: (entry: Entry) => void,
): boolean {
  const file = readTextFile(path);
  // Debian's init script passes -inetd_compat by default, so a missing file is normal.
  if (!file.ok && file.code === 'CONFIG_FILE_NOT_FOUND') {
    diagnostics.report('CONFIG_INETD_MISSING', `${path} does not exist, so -inetd_compat adds no services`);
    return false;
  }
  if (!file.ok) {
    diagnostics.report(file.code, `cannot read ${path} for -inetd_compat: ${file.reason}`, { hint: 'check the path, or drop -inetd_compat' });
    return false;
  }
  for (const line of parseInetdConf(file.text)) {
    if (line.kind === 'comment') continue;
    const position = { file: path, line: line.kind === 'service' ? line.service.line : line.line };
    if (line.kind === 'invalid') {
      diagnostics.report('CONFIG_INETD_BAD_LINE', line.message, { position, hint: line.hint });
      continue;
    }
    const converted = convertInetdService(line.service, { mode: 'compat' });
    const owner = newOwner(line.service.name);
    if (converted.problem !== null) {
      diagnostics.report('CONFIG_INETD_BAD_LINE', converted.problem.message, { position, owner, hint: converted.problem.hint });
      continue;
    }
    const id = converted.attributes.find(([name]) => name === 'id')?.[1][0] ?? line.service.name;
    if (hiddenIds.has(id.toLowerCase())) {
      diagnostics.report('CONFIG_INETD_HIDDEN', `entry "${id}" is skipped: a service with the same id was read before`, { position });
      continue;
    }
    const assignments = converted.attributes.map(([name, values]) => ({ name, operator: '=' as const, values, position }));
    onEntry({ kind: 'service', name: line.service.name, position, assignments, owner, fromInetdConf: true });
  }
  return true;
}
