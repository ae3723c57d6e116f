/**
 * hosts.allow and hosts.deny for every service without NOLIBWRAP, re-read when they
 * change. Each new version's problems are logged once with file and line.
 */
import { basename, join } from 'node:path';
import type { ServiceConfig } from '#config';
import { checkWrappers, parseWrapTable, type WrapClient, type WrapTable, type WrapVerdict } from '#acl';
import type { EventLog } from '../log/event-log.js';
import { ParsedFile } from './file-cache.js';

/**
 * Returns the daemon name that libwrap checks. That is the `libwrap` attribute if set, the
 * service name for internal and redirect services, and otherwise argv[0]'s basename, which
 * is the server's basename unless NAMEINARGS.
 */
export function wrapperName(config: ServiceConfig): string {
  if (config.libwrap !== null) return config.libwrap;
  if (config.types.has('INTERNAL') || config.redirect !== null) return config.name;
  return basename(config.argv[0] ?? config.server ?? config.name);
}

/** Builds the table of an unreadable file. An unreadable hosts.deny denies everyone, so a permission mistake never widens access. */
function unreadableTable(path: string, error: Error, effect: 'allow' | 'deny'): WrapTable {
  const message = `unable to read ${path}: ${(error as NodeJS.ErrnoException).code ?? error.message}`;
  const rules = effect === 'deny' ? [{ line: 0, text: '(unreadable file)', daemons: null, clients: null, effect, broken: true }] : [];
  const consequence = effect === 'deny' ? 'every client is rejected until it can be read' : 'no client is allowed by it';
  return { rules, problems: [{ line: 0, message: `${message}; ${consequence}`, broken: false }], needsNames: false };
}

export class HostsFiles {
  private readonly allow: ParsedFile<WrapTable>;
  private readonly deny: ParsedFile<WrapTable>;

  constructor(dir: string, log: EventLog) {
    this.allow = this.open(join(dir, 'hosts.allow'), 'allow', log);
    this.deny = this.open(join(dir, 'hosts.deny'), 'deny', log);
  }

  /** True when deciding needs the client's host name. */
  needsNames(): boolean {
    return this.allow.get().needsNames || this.deny.get().needsNames;
  }

  check(daemon: string, client: WrapClient): WrapVerdict {
    return checkWrappers(this.allow.get(), this.deny.get(), daemon, client);
  }

  private open(path: string, effect: 'allow' | 'deny', log: EventLog): ParsedFile<WrapTable> {
    const parse = (text: string, readError: Error | null) =>
      readError ? unreadableTable(path, readError, effect) : parseWrapTable(text, effect);
    const report = (table: WrapTable) => {
      const consequence = effect === 'allow' ? 'the line is ignored' : 'the line rejects every client until it is fixed';
      for (const problem of table.problems) {
        log.error(`${path}:${problem.line}: ${problem.message}${problem.broken ? `; ${consequence}` : ''}`);
      }
    };
    return new ParsedFile(path, parse, report);
  }
}
