/**
 * The committed shell completions match what the generator writes from logq's commander
 * program and the daemon's option tables, and Debian's bash and zsh load them.
 * Needs bash and zsh (`apt-get install -y zsh`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, makeTempDir, removeDir } from '../support/daemon.js';

const DIR = join(ROOT, 'tools', 'completion');
const GENERATOR = join(DIR, 'generate', 'generate.mjs');

/** Sources `file` in bash, completes `words` with the cursor on the last one, and returns the candidates. */
function bashComplete(file: string, func: string, words: string[]): string[] {
  const script = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); ${func}; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const output = execFileSync('bash', ['-c', script, 'bash', file, ...words], { encoding: 'utf8' });
  return output.split('\n').filter((line) => line !== '');
}

describe('shell completions', () => {
  let home: string;

  beforeAll(() => {
    home = makeTempDir('xinetd-ts-completion');
  });

  afterAll(() => removeDir(home));

  it('are current with the CLI definitions', () => {
    const result = spawnSync(process.execPath, [GENERATOR, '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('register with bash', () => {
    for (const [file, command, func] of [['logq.bash', 'logq', '_logq'], ['xinetd-ts.bash', 'xinetd-ts', '_xinetd_ts']] as const) {
      const output = execFileSync('bash', ['-c', `source "$1"; complete -p ${command}`, 'bash', join(DIR, file)], { encoding: 'utf8' });
      expect(output.trim()).toBe(`complete -o filenames -F ${func} ${command}`);
    }
  });

  it('complete logq commands and options in bash', () => {
    const file = join(DIR, 'logq.bash');
    expect(bashComplete(file, '_logq', ['logq', 'fa'])).toEqual(['fails']);
    expect(bashComplete(file, '_logq', ['logq', 'fails', '--s'])).toEqual(['--since', '--source', '--service']);
    expect(bashComplete(file, '_logq', ['logq', '--db', 'x.duckdb', 'fails', '--j'])).toEqual(['--json']);
    expect(bashComplete(file, '_logq', ['logq', 'fails', '--since', ''])).toEqual([]);
    expect(bashComplete(file, '_logq', ['logq', 'help', 'in'])).toEqual(['ingest']);
  });

  it('complete file names where logq takes files', () => {
    const file = join(DIR, 'logq.bash');
    const prefix = join(ROOT, 'tools', 'completion', 'logq.b');
    expect(bashComplete(file, '_logq', ['logq', 'ingest', prefix])).toEqual([`${prefix}ash`]);
    expect(bashComplete(file, '_logq', ['logq', 'fails', '--db', prefix])).toEqual([`${prefix}ash`]);
  });

  it('complete xinetd-ts options in bash', () => {
    const file = join(DIR, 'xinetd-ts.bash');
    expect(bashComplete(file, '_xinetd_ts', ['xinetd-ts', '-st'])).toEqual(['-stayalive']);
    expect(bashComplete(file, '_xinetd_ts', ['xinetd-ts', '-limit', ''])).toEqual([]);
    const config = join(ROOT, 'examples', 'xinetd.co');
    expect(bashComplete(file, '_xinetd_ts', ['xinetd-ts', '-f', config])).toEqual([`${config}nf`]);
  });

  it('complete the convert-inetd command in bash', () => {
    const file = join(DIR, 'xinetd-ts.bash');
    expect(bashComplete(file, '_xinetd_ts', ['xinetd-ts', 'conv'])).toEqual(['convert-inetd']);
    expect(bashComplete(file, '_xinetd_ts', ['xinetd-ts', 'convert-inetd', '-d'])).toEqual(['-daemon-dir']);
    const examples = join(ROOT, 'examples', 'xinetd.');
    expect(bashComplete(file, '_xinetd_ts', ['xinetd-ts', 'convert-inetd', '-daemon-dir', examples])).toEqual([`${examples}d`]);
  });

  it('register with zsh compinit', () => {
    const script = `fpath=(${DIR} $fpath); autoload -U compinit; compinit -u -d ${join(home, 'zcompdump')}; print -r -- $_comps[logq] $_comps[xinetd-ts]`;
    const output = execFileSync('zsh', ['-f', '-c', script], { encoding: 'utf8', env: { ...process.env, HOME: home } });
    expect(output.trim()).toBe('_logq _xinetd-ts');
    for (const file of ['_logq', '_xinetd-ts']) {
      expect(spawnSync('zsh', ['-n', join(DIR, file)]).status, file).toBe(0);
    }
  });
});
