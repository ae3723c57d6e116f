/** loadConfig: read, assemble, check and freeze a whole configuration. */

import { resolve } from 'node:path';

import { Assembler } from './assemble.js';
import { DiagnosticCollector, type DiagnosticOwner } from './diagnostics.js';
import { removeDuplicates } from './duplicates.js';
import { frozenArray } from './freeze.js';
import { readInetdEntries } from './inetd-file.js';
import { applyServiceLists } from './inherit.js';
import { parseConfigFiles } from './parser.js';
import { buildServiceConfig } from './service-config.js';
import { SystemFiles } from './system-files.js';
import type { LoadedConfig, ServiceConfig, SourcePosition } from './types.js';
import { checkService } from './validate.js';

export interface LoadOptions {
  /** Service name to port database; default /etc/services. */
  servicesFile?: string;
  /** Protocol names; default /etc/protocols. */
  protocolsFile?: string;
  /** User database for `user`; default /etc/passwd. */
  passwdFile?: string;
  /** Group database for `group`; default /etc/group. */
  groupFile?: string;
  /**
   * Directory that relative paths (the main file, include, includedir, server) are
   * resolved against; default the process working directory, as in xinetd.
   */
  baseDir?: string;
  /**
   * An inetd.conf to read after the xinetd files, as `-inetd_compat` does (normally
   * /etc/inetd.conf); unset reads none.
   */
  inetdConf?: string;
}

/**
 * Loads a configuration. A problem in the configuration files or the system databases
 * does not throw: it becomes a diagnostic, a service with an error is left out and the
 * other services load. A missing main file yields CONFIG_FILE_NOT_FOUND and no services.
 */
export function loadConfig(path: string, options: LoadOptions = {}): LoadedConfig {
  const diagnostics = new DiagnosticCollector();
  const baseDir = options.baseDir ?? process.cwd();
  const assembler = new Assembler(diagnostics);
  const files = parseConfigFiles(path, baseDir, diagnostics, (entry) => assembler.add(entry));
  if (options.inetdConf !== undefined && files.length > 0) {
    const inetdConf = readInetdConf(resolve(baseDir, options.inetdConf), assembler, diagnostics);
    if (inetdConf !== null) files.push(inetdConf);
  }

  const { defaults, services: drafts } = assembler;
  const system = systemFiles(options, diagnostics);
  const candidates: { service: ServiceConfig; owner: DiagnosticOwner }[] = [];
  for (const draft of applyServiceLists(drafts, defaults, diagnostics)) {
    const checked = checkService(draft, defaults, { diagnostics, system, baseDir });
    if (checked === null) reportSkipped(draft.owner, draft.position, diagnostics);
    else candidates.push({ service: buildServiceConfig(draft, checked), owner: draft.owner });
  }

  const services = removeDuplicates(candidates, diagnostics);
  const kept = new Set(services.map((candidate) => candidate.service));
  for (const { service, owner } of candidates) {
    if (!kept.has(service)) reportSkipped(owner, service.position, diagnostics);
  }
  return Object.freeze({
    services: frozenArray(services.map((candidate) => candidate.service)),
    diagnostics: diagnostics.finish(),
    files: frozenArray(files),
  });
}

function systemFiles(options: LoadOptions, diagnostics: DiagnosticCollector): SystemFiles {
  const paths = {
    services: options.servicesFile ?? '/etc/services',
    protocols: options.protocolsFile ?? '/etc/protocols',
    passwd: options.passwdFile ?? '/etc/passwd',
    group: options.groupFile ?? '/etc/group',
  };
  return new SystemFiles(paths, diagnostics);
}

/** Adds the entries of an inetd.conf after the xinetd files; returns its path when it was read. */
function readInetdConf(path: string, assembler: Assembler, diagnostics: DiagnosticCollector): string | null {
  const hidden = new Set(assembler.services.map((draft) => draft.owner.label.toLowerCase()));
  return readInetdEntries(path, hidden, diagnostics, (entry) => assembler.add(entry)) ? path : null;
}

function reportSkipped(owner: DiagnosticOwner, position: SourcePosition, diagnostics: DiagnosticCollector): void {
  const count = owner.errorCount === 1 ? '1 error' : `${owner.errorCount} errors`;
  diagnostics.report('CONFIG_SERVICE_SKIPPED', `service is not loaded because of ${count}`, { position, owner });
}
