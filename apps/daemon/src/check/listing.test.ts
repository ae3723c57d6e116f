import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkReport } from './run-check.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'check-listing-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function report(text: string): { text: string; errors: number } {
  writeFileSync(join(dir, 'xinetd.conf'), text);
  const result = checkReport({ configFile: join(dir, 'xinetd.conf'), baseDir: dir, inetdConf: null });
  return { text: result.text.replaceAll(dir, '<dir>'), errors: result.errors };
}

function line(text: string, attribute: string): string | undefined {
  return text.split('\n').find((row) => row.startsWith(`\t${attribute} `));
}

const ECHO = ['service echo', '{', '\ttype = INTERNAL UNLISTED', '\tport = 17007', '\tsocket_type = stream', '\twait = no'];

describe('--check listing', () => {
  it('names the origin of each value', () => {
    const { text } = report(['defaults', '{', '\tinstances = 5', '}', ...ECHO, '}', ''].join('\n'));
    expect(line(text, 'instances')).toMatch(/= 5 +# defaults, <dir>\/xinetd.conf:3$/);
    expect(line(text, 'port')).toMatch(/= 17007 +# service, line 8$/);
    expect(line(text, 'protocol')).toMatch(/= tcp +# built-in$/);
    expect(line(text, 'cps')).toMatch(/= 50 10 +# built-in$/);
  });

  it('says when the port came from the services file', () => {
    const daytime = ['service daytime', '{', '\ttype = INTERNAL', '\tsocket_type = stream', '\twait = no', '}', ''];
    const { text } = report(daytime.join('\n'));
    expect(line(text, 'port')).toMatch(/= 13 +# services file$/);
  });

  it('marks the flags and log options the daemon ignores', () => {
    const { text } = report([...ECHO, '\tflags = IPv4 NODELAY NORETRY', '\tlog_type = SYSLOG daemon', '\tlog_on_failure = HOST USERID', '}', ''].join('\n'));
    expect(line(text, 'flags')).toMatch(/# service, line 7; NORETRY parsed, not yet enforced$/);
    expect(line(text, 'log_type')).toMatch(/= SYSLOG daemon info +# service, line 8$/);
    expect(line(text, 'log_on_failure')).toMatch(/= HOST USERID +# service, line 9$/);
  });

  it('counts a service the daemon cannot start as an error', () => {
    const stream = ['service echo', '{', '\ttype = INTERNAL UNLISTED', '\tport = 17007', '\tsocket_type = stream', '\twait = yes', '}', ''];
    const result = report(stream.join('\n'));
    expect(result.errors).toBe(1);
    expect(result.text).toContain('<dir>/xinetd.conf:1: error: service echo: is not started: wait = yes is not supported yet');
    expect(result.text).toContain('# 0 services would start; 1 error, 0 warnings');
  });
});
