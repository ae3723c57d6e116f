/**
 * `xinetd-ts --check` on real-world configurations and on Debian's shipped one, and
 * `convert-inetd` on an inetd.conf, compared with golden files under test/corpus.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAEMON_BIN, ROOT, makeTempDir } from '../support/daemon.js';

const CORPUS = join(ROOT, 'test', 'corpus');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function run(args: string[], cwd: string, input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [DAEMON_BIN, ...args], { cwd, encoding: 'utf8', timeout: 30_000, input });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function normalize(text: string): string {
  return text.replaceAll(CORPUS, '<corpus>');
}

/** Compares `actual` with the golden file, or rewrites the golden file when UPDATE_GOLDEN=1. */
function expectGolden(actual: string, golden: string): void {
  if (UPDATE) writeFileSync(golden, actual);
  expect(actual).toBe(readFileSync(golden, 'utf8'));
}

/** Ids of the services the listing shows, from their `id` lines. */
function listedIds(output: string): string[] {
  return [...output.matchAll(/^\tid +=\s(\S+)/gm)].map((match) => match[1]!);
}

const CASES: Array<[string, string[], number]> = [
  ['tftp', [], 1],
  ['rsync', ['rsync'], 0],
  ['cvspserver', ['cvspserver'], 0],
  ['git-daemon', ['git'], 0],
  ['nrpe', ['nrpe'], 0],
  ['swat', [], 1],
  ['amanda', [], 1],
  ['internal', ['daytime-stream', 'daytime-dgram', 'echo-stream', 'echo-dgram', 'time-stream', 'time-dgram'], 0],
  ['sensor', ['telnet', 'daytime'], 0],
  ['redirect', [], 1],
];

describe('--check on the corpus', () => {
  it.each(CASES)('%s', (name, ids, status) => {
    const dir = join(CORPUS, name);
    const result = run(['--check', '-f', 'xinetd.conf'], dir);
    expect(result.stderr).toBe('');
    expect(listedIds(result.stdout)).toEqual(ids);
    expect(result.status).toBe(status);
    expectGolden(normalize(result.stdout), join(dir, 'expected-check.txt'));
  });

  it('accepts -t for --check', () => {
    const result = run(['-t', '-f', 'xinetd.conf'], join(CORPUS, 'rsync'));
    expect(result.status).toBe(0);
    expect(normalize(result.stdout)).toBe(readFileSync(join(CORPUS, 'rsync', 'expected-check.txt'), 'utf8'));
  });

  it('exits 1 with a diagnostic for a missing file', () => {
    const result = run(['--check', '-f', 'nowhere.conf'], CORPUS);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('error: cannot read configuration file');
  });
});

describe("Debian's shipped configuration", () => {
  it.skipIf(!existsSync('/etc/xinetd.d/echo'))('loads with every service disabled and no problem', () => {
    const result = run(['--check'], CORPUS);
    expect(result.status).toBe(0);
    expect(listedIds(result.stdout)).toEqual([]);
    expectGolden(result.stdout, join(CORPUS, 'debian', 'expected-check.txt'));
  });
});

describe('convert-inetd', () => {
  const inetd = join(CORPUS, 'inetd');

  it('converts the corpus inetd.conf, and the result passes --check', () => {
    const result = run(['convert-inetd', 'inetd.conf'], inetd);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expectGolden(result.stdout, join(inetd, 'expected-xinetd.conf'));
    const dir = makeTempDir('convert');
    try {
      writeFileSync(join(dir, 'xinetd.conf'), result.stdout);
      const check = run(['--check', '-f', 'xinetd.conf'], dir);
      expect(check.stdout).not.toContain(': error:');
      expect(check.status).toBe(0);
      expect(listedIds(check.stdout)).toEqual(['echo-stream', 'echo-dgram', 'daytime-stream', 'time-stream', 'rsync', 'cvspserver', 'nrpe', 'git']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads standard input and runs from tools/', () => {
    const input = readFileSync(join(inetd, 'inetd.conf'), 'utf8');
    const viaStdin = run(['convert-inetd'], inetd, input);
    const viaTool = spawnSync(join(ROOT, 'tools', 'convert-inetd'), ['inetd.conf'], { cwd: inetd, encoding: 'utf8', timeout: 30_000 });
    expect(viaTool.status).toBe(0);
    expect(viaTool.stdout).toBe(readFileSync(join(inetd, 'expected-xinetd.conf'), 'utf8'));
    expect(viaStdin.stdout).toBe(viaTool.stdout.replace('from inetd.conf', 'from standard input'));
  });

  it('keeps a line it cannot convert as a comment and exits 1', () => {
    const result = run(['convert-inetd'], CORPUS, 'tcpmux stream tcp nowait root internal\nftp stream tcp\n');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('# not converted (there is no built-in service "tcpmux"): tcpmux stream tcp nowait root internal');
    expect(result.stderr).toContain('standard input:2: error: the wait/nowait field is missing');
  });

  it('rejects an unknown option with the usage', () => {
    const result = run(['convert-inetd', '-daemon-dri', '/x'], CORPUS);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Usage: xinetd-ts convert-inetd');
  });
});

describe('-inetd_compat', () => {
  it('reads the inetd.conf after the xinetd files', () => {
    const dir = join(CORPUS, 'inetd-compat');
    const result = run(['--check', '-f', 'xinetd.conf', '-inetd_conf', '../inetd/inetd.conf'], dir);
    expect(listedIds(result.stdout)).toEqual(['echo-stream', 'echo-dgram', 'daytime-stream', 'time-stream', 'rsync', 'cvspserver', 'nrpe', 'git']);
    expect(result.stdout).toContain('info: entry "echo-stream" is skipped: a service with the same id was read before');
    expect(result.status).toBe(1);
    expectGolden(normalize(result.stdout), join(dir, 'expected-check.txt'));
  });
});
