/** Lazy access to the system databases a configuration is checked against. */

import { parseGroup, parsePasswd, type UserEntry } from './accounts.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { ProtocolsDatabase } from './protocols-db.js';
import { ServicesDatabase } from './services-db.js';
import { readTextFile } from './sources.js';

export interface SystemFilePaths {
  readonly services: string;
  readonly protocols: string;
  readonly passwd: string;
  readonly group: string;
}

/**
 * Reads each database on first use, so a configuration that never needs one does not
 * depend on it, and reports an unreadable file once.
 */
export class SystemFiles {
  private readonly cache = new Map<keyof SystemFilePaths, unknown>();

  constructor(
    readonly paths: SystemFilePaths,
    private readonly diagnostics: DiagnosticCollector,
  ) {}

  services(): ServicesDatabase | null {
    return this.load('services', ServicesDatabase.parse, 'services that are not UNLISTED cannot get their port');
  }

  /** Falls back to tcp and udp when the protocols file cannot be read. */
  protocols(): ProtocolsDatabase {
    const database = this.load('protocols', ProtocolsDatabase.parse, 'only tcp and udp are accepted');
    return database ?? ProtocolsDatabase.fallback();
  }

  users(): Map<string, UserEntry> | null {
    return this.load('passwd', parsePasswd, 'only numeric user ids can be used');
  }

  groups(): Map<string, number> | null {
    return this.load('group', parseGroup, 'only numeric group ids can be used');
  }

  private load<T>(kind: keyof SystemFilePaths, parse: (text: string) => T, consequence: string): T | null {
    if (this.cache.has(kind)) return this.cache.get(kind) as T | null;
    const path = this.paths[kind];
    const result = readTextFile(path);
    const value = result.ok ? parse(result.text) : null;
    if (!result.ok) {
      this.diagnostics.report('CONFIG_SYSTEM_FILE_UNREADABLE', `cannot read ${path}: ${result.reason}; ${consequence}`);
    }
    this.cache.set(kind, value);
    return value;
  }
}
