/**
 * Bad input: random and mutated configurations, huge files and directories, and the
 * file-level problems. The loader must only ever return diagnostics, never throw.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DIAGNOSTIC_CODES } from './codes.js';
import { loadConfig } from './load.js';
import { codes, externalService, findDiagnostic, internalService, Sandbox, serviceIds } from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => {
  sandbox.remove();
});

const VALID = [
  'defaults', '{', '\tinstances = 10', '\tlog_on_success += PID', '}',
  ...internalService('echo', ['only_from = 127.0.0.1 10.{1,2}', 'cps = 5 5']).split('\n'),
  ...externalService('ftp', ['server_args = -l', 'log_type = FILE /tmp/ftp.log 10K']).split('\n'),
];

const TOKENS = [
  'service', 'defaults', 'include', 'includedir', '{', '}', '=', '+=', '-=', 'wait', 'no', 'yes', 'type',
  'INTERNAL', 'flags', 'NAMEINARGS', 'only_from', '10.{1,', 'cps', '0', '-1', '99999999999', '#', '\r', '\t',
  'log_type', 'FILE', 'SYSLOG', 'access_times', '24:00-1:00', 'redirect', 'rpc_version', '1-0', 'env', 'A=',
];

/** Loads `text` and checks that every diagnostic has a registered code and its registered severity. */
function expectWellFormed(text: string): void {
  const config = sandbox.load(text);
  for (const diagnostic of config.diagnostics) {
    expect(DIAGNOSTIC_CODES[diagnostic.code as keyof typeof DIAGNOSTIC_CODES]?.severity).toBe(diagnostic.severity);
  }
}

describe('random configurations', () => {
  it('never throw, only report', () => {
    const line = fc.array(fc.constantFrom(...TOKENS), { maxLength: 8 }).map((words) => words.join(' '));
    fc.assert(fc.property(fc.array(line, { maxLength: 40 }), (lines) => expectWellFormed(lines.join('\n'))), { numRuns: 300 });
  });

  it('survive arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (text) => expectWellFormed(text.replaceAll('\0', ''))), { numRuns: 300 });
  });

  it('survive mutations of a valid file', () => {
    const mutation = fc.record({
      index: fc.nat(VALID.length - 1),
      kind: fc.constantFrom('delete', 'duplicate', 'replace', 'truncate'),
      token: fc.constantFrom(...TOKENS),
    });
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
      const lines = [...VALID];
      for (const { index, kind, token } of mutations) {
        const at = Math.min(index, lines.length - 1);
        if (kind === 'delete') lines.splice(at, 1);
        else if (kind === 'duplicate') lines.splice(at, 0, lines[at] ?? '');
        else if (kind === 'replace') lines[at] = `${token} = ${token}`;
        else lines[at] = (lines[at] ?? '').slice(0, Math.floor((lines[at] ?? '').length / 2));
      }
      expectWellFormed(lines.join('\n').replaceAll('@SERVER@', sandbox.server));
    }), { numRuns: 300 });
  });

  it('keep the valid services when one entry is mutated', () => {
    fc.assert(fc.property(fc.constantFrom(...TOKENS), fc.constantFrom(...TOKENS), (name, value) => {
      const config = sandbox.load(internalService('echo') + internalService('daytime', [`${name} = ${value}`]) + internalService('time'));
      expect(serviceIds(config)).toEqual(expect.arrayContaining(['echo', 'time']));
    }), { numRuns: 200 });
  });
});

describe('large input', { timeout: 60_000 }, () => {
  it('reads a 10 MB file', () => {
    const entry = internalService('echo', ['only_from = 127.0.0.1', 'log_on_success = PID HOST']);
    const copies = Math.ceil((10 * 1024 * 1024) / entry.length);
    const config = sandbox.load(entry.repeat(copies));
    expect(config.services).toHaveLength(1);
    expect(codes(config).filter((code) => code === 'CONFIG_DUPLICATE_SERVICE')).toHaveLength(copies - 1);
  });

  it('reads a directory of 10,000 files', () => {
    for (let i = 0; i < 10_000; i++) {
      const lines = [`service s${i}`, '{', '\ttype = INTERNAL UNLISTED', `\tport = ${20000 + i}`, '\tsocket_type = stream', '\twait = no', '\tdisable = yes', '}', ''];
      sandbox.write(`xinetd.d/s${String(i).padStart(5, '0')}`, lines.join('\n'));
    }
    const config = sandbox.load('includedir xinetd.d\n');
    expect(config.files).toHaveLength(10_001);
    expect(codes(config).filter((code) => code === 'CONFIG_SERVICE_DISABLED')).toHaveLength(10_000);
  });
});

describe('file problems', () => {
  it('reports an include cycle once and keeps going', () => {
    sandbox.write('a.conf', 'include b.conf\n' + internalService('echo'));
    sandbox.write('b.conf', 'include a.conf\n' + internalService('daytime'));
    const config = loadConfig(sandbox.path('a.conf'), sandbox.options());
    expect(codes(config)).toEqual(['CONFIG_INCLUDE_CYCLE']);
    expect(serviceIds(config)).toEqual(['daytime', 'echo']);
  });

  it.each([['a directory', 'adir'], ['a FIFO', 'fifo'], ['a device', '/dev/zero']])('refuses to include %s', (_kind, path) => {
    mkdirSync(sandbox.path('adir'));
    execFileSync('mkfifo', [sandbox.path('fifo')]);
    const config = sandbox.load(`include ${path}\n` + internalService('echo'));
    expect(findDiagnostic(config, 'CONFIG_FILE_UNREADABLE')?.message).toContain('not a regular file');
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('reports a dangling symbolic link in an includedir', () => {
    mkdirSync(sandbox.path('d'));
    symlinkSync(sandbox.path('missing'), sandbox.path('d/gone'));
    const config = sandbox.load('includedir d\n' + internalService('echo'));
    expect(findDiagnostic(config, 'CONFIG_NOT_REGULAR_FILE')?.message).toContain('ENOENT');
  });

  it('reports CR-LF line endings with a hint on the broken value', () => {
    const config = sandbox.load(internalService('echo').replaceAll('\n', '\r\n'));
    expect(codes(config)).toContain('CONFIG_CRLF_LINE_ENDINGS');
    expect(serviceIds(config)).toEqual([]);
    expect(config.diagnostics.some((diagnostic) => diagnostic.hint?.includes('LF line endings'))).toBe(true);
  });

  it('skips a file with a NUL byte', () => {
    writeFileSync(sandbox.path('bin.conf'), `${internalService('echo')}\0\0garbage`);
    const config = sandbox.load('include bin.conf\n' + internalService('daytime'));
    const nul = findDiagnostic(config, 'CONFIG_NUL_BYTE');
    expect(nul?.position).toEqual({ file: sandbox.path('bin.conf'), line: 7 });
    expect(serviceIds(config)).toEqual(['daytime']);
  });

  it('rejects a 100 KB line and the service it is in', () => {
    const long = `only_from = ${'127.0.0.1 '.repeat(10_240)}`;
    const config = sandbox.load(internalService('echo', [long]) + internalService('daytime'));
    const diagnostic = findDiagnostic(config, 'CONFIG_LINE_TOO_LONG');
    expect(diagnostic?.position?.line).toBe(6);
    expect(diagnostic?.service).toBe('echo');
    expect(serviceIds(config)).toEqual(['daytime']);
  });
});
