/**
 * Debian's own servers and clients under the daemon, on loopback: tftpd-hpa (wait = yes
 * over UDP), rsync in inetd mode, and git daemon --inetd with git clone.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, startDaemon, type RunningDaemon } from '../support/daemon.js';
import { TCP, UDP, block, defaultsLoggingTo, waitForLine, writeConfig } from './support.js';

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('real servers', () => {
  let dir: string;
  let log: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-real');
    log = join(dir, 'service.log');
  });

  afterEach(async () => {
    await daemon?.stop('SIGTERM');
    daemon = undefined;
    removeDir(dir);
  });

  it('serves a file with in.tftpd (wait = yes, udp) to the tftp client, twice', async () => {
    const root = join(dir, 'tftproot');
    const download = join(dir, 'download');
    mkdirSync(root);
    mkdirSync(download);
    const content = `tftp payload ${'z'.repeat(3000)}\n`;
    writeFileSync(join(root, 'file.txt'), content);
    const service = block('tftp', [...UDP, 'wait = yes', 'user = root', 'server = /usr/sbin/in.tftpd', `server_args = -s ${root} -t 1`]);
    daemon = await startDaemon(['-f', writeConfig(dir, defaultsLoggingTo(log) + service)]);
    const port = String(daemon.ports.get('tftp')!);
    for (let round = 1; round <= 2; round++) {
      run('tftp', ['-m', 'binary', '127.0.0.1', port, '-c', 'get', 'file.txt'], download);
      expect(readFileSync(join(download, 'file.txt'), 'utf8')).toBe(content);
      await waitForLine(log, new RegExp(`(EXIT: tftp status=0[^\\n]*\\n[^]*){${round}}`), `EXIT number ${round} of in.tftpd`);
    }
    expect(readFileSync(log, 'utf8')).toMatch(/START: tftp pid=\d+ from=127\.0\.0\.1/);
  });

  it('lists and copies a module with rsync --daemon in inetd mode', async () => {
    const data = join(dir, 'data');
    const copy = join(dir, 'copy');
    mkdirSync(data);
    writeFileSync(join(data, 'a.txt'), 'alpha\n');
    writeFileSync(join(data, 'b.txt'), 'beta\n');
    const conf = join(dir, 'rsyncd.conf');
    writeFileSync(conf, `use chroot = no\n[mod]\n\tpath = ${data}\n\tread only = yes\n`);
    const service = block('rsync', [...TCP, 'wait = no', 'user = root', 'server = /usr/bin/rsync', `server_args = --daemon --config=${conf}`]);
    daemon = await startDaemon(['-f', writeConfig(dir, defaultsLoggingTo(log) + service)]);
    const url = `rsync://127.0.0.1:${daemon.ports.get('rsync')!}/mod/`;
    expect(run('rsync', [url], dir)).toMatch(/a\.txt[^]*b\.txt/);
    run('rsync', ['-a', url, `${copy}/`], dir);
    expect(readFileSync(join(copy, 'b.txt'), 'utf8')).toBe('beta\n');
    await waitForLine(log, /(EXIT: rsync status=0[^\n]*\n[^]*){2}/, 'two EXIT lines of rsync');
  });

  it('clones a repository from git daemon --inetd', async () => {
    const base = join(dir, 'git');
    mkdirSync(base);
    const env = ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main'];
    run('git', [...env, 'init', '-q', join(base, 'work')], dir);
    writeFileSync(join(base, 'work', 'README'), 'cloned through xinetd-ts\n');
    run('git', [...env, '-C', join(base, 'work'), 'add', 'README'], dir);
    run('git', [...env, '-C', join(base, 'work'), 'commit', '-qm', 'first'], dir);
    run('git', ['clone', '-q', '--bare', join(base, 'work'), join(base, 'repo.git')], dir);
    const service = block('git', [...TCP, 'wait = no', 'user = root', 'server = /usr/bin/git', `server_args = daemon --inetd --export-all --base-path=${base}`]);
    daemon = await startDaemon(['-f', writeConfig(dir, defaultsLoggingTo(log) + service)]);
    run('git', ['clone', '-q', `git://127.0.0.1:${daemon.ports.get('git')!}/repo.git`, join(dir, 'clone')], dir);
    expect(readFileSync(join(dir, 'clone', 'README'), 'utf8')).toBe('cloned through xinetd-ts\n');
    await waitForLine(log, /EXIT: git status=0/);
  });
});
