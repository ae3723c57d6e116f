import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadConfig } from './load.js';
import { codes, findDiagnostic, internalService, problemCodes, Sandbox, service, serviceIds } from './test-support.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => {
  sandbox.remove();
});

function makeFifo(path: string): void {
  // Node has no mkfifo; the coreutils tool is on every Linux.
  execFileSync('mkfifo', [path]);
}

describe('include', () => {
  it('parses the included file in place and lists every file read', () => {
    const included = sandbox.write('more.conf', internalService('daytime'));
    const config = sandbox.load(`${internalService('echo')}include ${included}\n${internalService('time')}`);
    expect(problemCodes(config)).toEqual([]);
    expect(serviceIds(config)).toEqual(['echo', 'daytime', 'time']);
    expect(config.files).toEqual([sandbox.path('xinetd.conf'), included]);
  });

  it('resolves a relative include against baseDir, not the including file', () => {
    sandbox.write('conf/sub/inner', internalService('time'));
    sandbox.write('conf/sub/outer', 'include conf/sub/inner\n');
    const config = sandbox.load('include conf/sub/outer\n');
    expect(problemCodes(config)).toEqual([]);
    expect(serviceIds(config)).toEqual(['time']);
  });

  it('reports a missing included file and keeps going', () => {
    const config = sandbox.load(`include ${sandbox.path('absent')}\n${internalService('echo')}`);
    expect(problemCodes(config)).toEqual(['CONFIG_FILE_NOT_FOUND']);
    expect(findDiagnostic(config, 'CONFIG_FILE_NOT_FOUND')?.position?.line).toBe(1);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('reports a directory given to include as unreadable', () => {
    mkdirSync(sandbox.path('adir'));
    const config = sandbox.load(`include ${sandbox.path('adir')}\n${internalService('echo')}`);
    expect(problemCodes(config)).toEqual(['CONFIG_FILE_UNREADABLE']);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('stops an include cycle', () => {
    sandbox.write('a', `include ${sandbox.path('b')}\n${internalService('echo')}`);
    sandbox.write('b', `include ${sandbox.path('a')}\n${internalService('daytime')}`);
    const config = sandbox.load(`include ${sandbox.path('a')}\n`);
    expect(problemCodes(config)).toEqual(['CONFIG_INCLUDE_CYCLE']);
    expect(serviceIds(config)).toEqual(['daytime', 'echo']);
  });

  it('reports include without a path', () => {
    const config = sandbox.load(`include\n${internalService('echo')}`);
    expect(problemCodes(config)).toEqual(['CONFIG_MISSING_NAME']);
    expect(serviceIds(config)).toEqual(['echo']);
  });
});

describe('includedir', () => {
  it('reads files in byte order, skipping ignored names', () => {
    // U+FF01 sorts before U+1F600 in UTF-8 bytes but after it in UTF-16 code units.
    const names = ['b', 'B', 'a', '_z', 'a.conf', '.hidden', 'c~', 'd.rpmnew', 'Z9', 'é', '\u{1F600}', '\uFF01'];
    for (const [index, name] of names.entries()) {
      sandbox.write(`xinetd.d/${name}`, internalService('echo', [`id = ${name.replace(/\W/g, '_')}-${index}`, 'port = 7']));
    }
    const config = sandbox.load(`includedir ${sandbox.path('xinetd.d')}\n`);
    // Every eligible file defines echo on port 7, so all but the first are duplicates;
    // the files list shows the order they were read in.
    expect(config.files.slice(1).map((file) => file.slice(sandbox.path('xinetd.d/').length))).toEqual(['B', 'Z9', '_z', 'a', 'b', 'é', '\uFF01', '\u{1F600}']);
  });

  it('follows symbolic links to regular files', () => {
    const target = sandbox.write('elsewhere', internalService('echo'));
    mkdirSync(sandbox.path('xinetd.d'));
    symlinkSync(target, sandbox.path('xinetd.d/echo'));
    const config = sandbox.load(`includedir ${sandbox.path('xinetd.d')}\n`);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('skips non-regular entries with a warning', () => {
    sandbox.write('xinetd.d/echo', internalService('echo'));
    mkdirSync(sandbox.path('xinetd.d/subdir'));
    makeFifo(sandbox.path('xinetd.d/fifo'));
    symlinkSync(sandbox.path('nowhere'), sandbox.path('xinetd.d/dangling'));
    const config = sandbox.load(`includedir ${sandbox.path('xinetd.d')}\n`);
    expect(problemCodes(config)).toEqual(['CONFIG_NOT_REGULAR_FILE', 'CONFIG_NOT_REGULAR_FILE', 'CONFIG_NOT_REGULAR_FILE']);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('does not warn about skipped names with a dot', () => {
    sandbox.write('xinetd.d/echo.dpkg-old', internalService('echo'));
    const config = sandbox.load(`includedir ${sandbox.path('xinetd.d')}\n`);
    expect(codes(config)).toEqual([]);
    expect(serviceIds(config)).toEqual([]);
  });

  it('reports a missing directory', () => {
    const config = sandbox.load(`includedir ${sandbox.path('absent.d')}\n${internalService('echo')}`);
    expect(problemCodes(config)).toEqual(['CONFIG_FILE_NOT_FOUND']);
    expect(serviceIds(config)).toEqual(['echo']);
  });

  it('resolves a relative directory against baseDir', () => {
    sandbox.write('xinetd.d/echo', internalService('echo'));
    const config = loadConfig('xinetd.conf', sandbox.options({ baseDir: sandbox.dir }));
    expect(codes(config)).toEqual(['CONFIG_FILE_NOT_FOUND']);
    sandbox.write('xinetd.conf', 'includedir xinetd.d\n');
    expect(serviceIds(loadConfig('xinetd.conf', sandbox.options()))).toEqual(['echo']);
  });
});

describe('defaults across files', () => {
  it('merges a defaults entry of an included file into the same defaults', () => {
    const included = sandbox.write('more', 'defaults\n{\n\tinstances = 7\n}\n');
    const config = sandbox.load(`defaults\n{\n\tbind = 127.0.0.1\n}\ninclude ${included}\n${internalService('echo')}`);
    expect(problemCodes(config)).toEqual([]);
    expect(service(config, 'echo').instances).toBe(7);
    expect(service(config, 'echo').bind).toBe('127.0.0.1');
  });

  it('ignores a second defaults entry in the same file', () => {
    const text = `defaults\n{\n\tinstances = 7\n}\ndefaults\n{\n\tinstances = 9\n\tbogus = 1\n}\n${internalService('echo')}`;
    const config = sandbox.load(text);
    expect(problemCodes(config)).toEqual(['CONFIG_DUPLICATE_DEFAULTS']);
    expect(service(config, 'echo').instances).toBe(7);
  });

  it('warns when an included defaults sets an attribute again', () => {
    const included = sandbox.write('more', 'defaults\n{\n\tinstances = 9\n}\n');
    const config = sandbox.load(`defaults\n{\n\tinstances = 7\n}\ninclude ${included}\n${internalService('echo')}`);
    expect(problemCodes(config)).toEqual(['CONFIG_DUPLICATE_ATTRIBUTE']);
    expect(service(config, 'echo').instances).toBe(7);
  });
});
