/** Temporary files and system databases for the tests; never compiled into dist. */

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { loadConfig, type LoadOptions } from './load.js';
import type { Diagnostic, LoadedConfig, ServiceConfig } from './types.js';

export const SERVICES_FILE = [
  '# name port/protocol aliases',
  'echo 7/tcp',
  'echo 7/udp',
  'discard 9/tcp sink null',
  'discard 9/udp sink null',
  'daytime 13/tcp',
  'daytime 13/udp',
  'chargen 19/tcp ttytst source',
  'chargen 19/udp ttytst source',
  'ftp 21/tcp',
  'telnet 23/tcp',
  'time 37/tcp timserver',
  'time 37/udp timserver',
  'tftp 69/udp',
  'auth 113/tcp authentication tap ident',
  'tcpmux 1/tcp',
  '',
].join('\n');

export const PROTOCOLS_FILE = 'ip 0 IP\nicmp 1 ICMP\ntcp 6 TCP\nudp 17 UDP\n';
export const PASSWD_FILE = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nftpd:x:1001:1002::/srv/ftp:/bin/false\n';
export const GROUP_FILE = 'root:x:0:\nnogroup:x:65534:\nftp:x:1002:\nstaff:x:50:\n';

/** A temporary directory holding a configuration, its system databases and a server program. */
export class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'xinetd-config-'));
  /** An executable regular file to use as `server`. */
  readonly server: string;

  constructor() {
    this.write('etc/services', SERVICES_FILE);
    this.write('etc/protocols', PROTOCOLS_FILE);
    this.write('etc/passwd', PASSWD_FILE);
    this.write('etc/group', GROUP_FILE);
    this.server = this.write('bin/server', '#!/bin/sh\nexit 0\n', 0o755);
  }

  path(relative: string): string {
    return join(this.dir, relative);
  }

  write(relative: string, text: string, mode = 0o644): string {
    const path = this.path(relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  }

  options(extra: LoadOptions = {}): LoadOptions {
    return {
      servicesFile: this.path('etc/services'),
      protocolsFile: this.path('etc/protocols'),
      passwdFile: this.path('etc/passwd'),
      groupFile: this.path('etc/group'),
      baseDir: this.dir,
      ...extra,
    };
  }

  /** Writes `text` as xinetd.conf and loads it; `@SERVER@` stands for the executable server. */
  load(text: string, extra: LoadOptions = {}): LoadedConfig {
    this.write('xinetd.conf', text.replaceAll('@SERVER@', this.server));
    return loadConfig(this.path('xinetd.conf'), this.options(extra));
  }

  /** Returns the number of lines of a file, counting a last line without its newline. */
  lineCount(path: string): number {
    return readFileSync(path, 'utf8').split('\n').length;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function codes(config: LoadedConfig): string[] {
  return config.diagnostics.map((diagnostic) => diagnostic.code);
}

/** Codes of warnings and errors only, leaving out info diagnostics. */
export function problemCodes(config: LoadedConfig): string[] {
  return config.diagnostics.filter((diagnostic) => diagnostic.severity !== 'info').map((diagnostic) => diagnostic.code);
}

export function findDiagnostic(config: LoadedConfig, code: string): Diagnostic | undefined {
  return config.diagnostics.find((diagnostic) => diagnostic.code === code);
}

export function serviceIds(config: LoadedConfig): string[] {
  return config.services.map((service) => service.id);
}

export function service(config: LoadedConfig, id: string): ServiceConfig {
  const found = config.services.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`service ${id} not loaded; diagnostics: ${codes(config).join(', ')}`);
  return found;
}

/** Returns a complete external tcp service entry, with `extra` lines before the closing brace. */
export function externalService(name: string, extra: string[] = []): string {
  return [
    `service ${name}`,
    '{',
    '\tsocket_type = stream',
    '\twait = no',
    '\tuser = root',
    '\tserver = @SERVER@',
    ...extra.map((line) => `\t${line}`),
    '}',
    '',
  ].join('\n');
}

/** Returns an INTERNAL service entry, with `extra` lines before the closing brace. */
export function internalService(name: string, extra: string[] = []): string {
  return [
    `service ${name}`,
    '{',
    '\ttype = INTERNAL',
    '\tsocket_type = stream',
    '\twait = no',
    ...extra.map((line) => `\t${line}`),
    '}',
    '',
  ].join('\n');
}
