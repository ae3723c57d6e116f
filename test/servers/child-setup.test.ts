/**
 * What an external server gets from the daemon: user, groups, umask, nice, rlimits,
 * environment, argv, descriptors and a blocking stdin. Each case runs a server that
 * reports what it got over the connection.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { HERE, IS_ROOT, REPORT_SERVER, TCP, block, serversOf, defaultsLoggingTo, openDescriptors, waitForLine, writeConfig } from './support.js';

interface Report {
  argv0: string;
  args: string[];
  uid: number;
  gid: number;
  groups: string;
  umask: string;
  nice: number;
  files: [string, string];
  cpu: [string, string];
  stack: [string, string];
  env: Record<string, string>;
  stdinNonBlocking: boolean;
  cwd: string;
}

const NODE = process.execPath;

function reporter(name: string, extra: string[]): string {
  return block(name, [...TCP, 'wait = no', 'user = root', `server = ${NODE}`, `server_args = ${REPORT_SERVER} one two`, ...extra]);
}

describe('child set-up', () => {
  let dir: string;
  let log: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-child');
    log = join(dir, 'service.log');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  async function start(services: string): Promise<RunningDaemon> {
    daemon = await startDaemon(['-f', writeConfig(dir, defaultsLoggingTo(log) + services)]);
    return daemon;
  }

  async function report(service: string): Promise<Report> {
    const reply = await exchange(daemon!.ports.get(service)!, '');
    return JSON.parse(reply.data) as Report;
  }

  it('plain server: argv, environment, cwd, blocking stdin', async () => {
    await start(reporter('plain', ['env = FOO=bar EMPTY=']));
    const got = await report('plain');
    expect(got.argv0).toBe('node');
    expect(got.args).toEqual(['one', 'two']);
    expect(got.env.FOO).toBe('bar');
    expect(got.env.EMPTY).toBe('');
    expect(got.env.REMOTE_HOST).toBe('127.0.0.1');
    expect(got.env.PATH).toBe(process.env.PATH);
    expect(got.stdinNonBlocking).toBe(false);
    expect(got.cwd).toBe('/');
    expect(got.umask).toBe('22');
  });

  it('passes only the passenv names, then env, then REMOTE_HOST', async () => {
    await start(reporter('narrow', ['passenv = PATH NO_SUCH_VARIABLE', 'env = FOO=1']));
    const got = await report('narrow');
    expect(Object.keys(got.env).sort()).toEqual(['FOO', 'PATH', 'REMOTE_HOST']);
  });

  it('gives argv[0] from server_args with NAMEINARGS', async () => {
    await start(block('named', [...TCP, 'wait = no', 'user = root', 'flags = NAMEINARGS', `server = ${NODE}`, `server_args = custom-name ${REPORT_SERVER} x`]));
    const got = await report('named');
    expect(got.argv0).toBe('custom-name');
    expect(got.args).toEqual(['x']);
  });

  it('applies umask, nice and rlimits through the helper', async () => {
    await start(reporter('tuned', ['umask = 027', 'nice = 5', 'rlimit_files = 100', 'rlimit_cpu = 7', 'rlimit_stack = 4M', 'flags = NAMEINARGS']).replace(`server_args = ${REPORT_SERVER}`, `server_args = tuned-node ${REPORT_SERVER}`));
    const got = await report('tuned');
    expect(got.argv0).toBe('tuned-node');
    expect(got.umask).toBe('27');
    expect(got.nice).toBe(5);
    expect(got.files).toEqual(['100', '100']);
    expect(got.cpu).toEqual(['7', '7']);
    expect(got.stack).toEqual([String(4 * 1024 * 1024), String(4 * 1024 * 1024)]);
    expect(got.stdinNonBlocking).toBe(false);
    expect(got.env.REMOTE_HOST).toBe('127.0.0.1');
  });

  it.skipIf(!IS_ROOT)('switches user, and gives supplementary groups only with groups = yes', async () => {
    await start(
      reporter('nogroups', ['groups = no']).replace('user = root', 'user = nobody') +
        reporter('rootgroups', ['groups = yes']) +
        reporter('rootnogroups', ['groups = no']),
    );
    const nobody = await report('nogroups');
    expect([nobody.uid, nobody.gid, nobody.groups]).toEqual([65534, 65534, '']);
    expect((await report('rootgroups')).groups).toBe('0');
    expect((await report('rootnogroups')).groups).toBe('');
  });

  it.each([
    ['a server without set-up attributes', []],
    ['a server with a umask', ['umask = 077']],
  ])('leaves only fds 0-2 open in the server on %s', async (_path, extra) => {
    await start(block('fds', [...TCP, 'wait = no', 'user = root', 'server = /bin/ls', 'server_args = /proc/self/fd', ...extra]));
    const reply = await exchange(daemon!.ports.get('fds')!, '');
    // ls itself holds one more descriptor: the directory it lists.
    expect(reply.data.trim().split('\n')).toEqual(['0', '1', '2', '3']);
  });

  it('sets TCP_NODELAY and SO_KEEPALIVE on the connection only for the flags', async () => {
    const server = join(HERE, 'sockopts.pl');
    await start(
      block('flagged', [...TCP, 'wait = no', 'user = root', `server = ${server}`, 'flags = NODELAY KEEPALIVE']) +
        block('unflagged', [...TCP, 'wait = no', 'user = root', `server = ${server}`]),
    );
    expect((await exchange(daemon!.ports.get('flagged')!, '')).data).toBe('nodelay=1 keepalive=1\n');
    expect((await exchange(daemon!.ports.get('unflagged')!, '')).data).toBe('nodelay=0 keepalive=0\n');
  });
});

describe('servers that fail to start', () => {
  let dir: string;
  let log: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-fail');
    log = join(dir, 'service.log');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it.each([
    ['a server without set-up attributes', []],
    ['a server with a umask', ['umask = 077']],
  ])('logs the error and FAIL when the server disappeared, on %s, and keeps serving', async (_path, extra) => {
    const server = join(dir, 'server.sh');
    writeFileSync(server, '#!/bin/sh\necho served\n');
    chmodSync(server, 0o755);
    const config = writeConfig(dir, defaultsLoggingTo(log) + block('gone', [...TCP, 'wait = no', 'user = root', `server = ${server}`, ...extra]));
    daemon = await startDaemon(['-f', config]);
    const port = daemon.ports.get('gone')!;
    rmSync(server);
    await exchange(port, '');
    await waitForLine(log, /FAIL: gone fork from=127\.0\.0\.1/);
    expect(daemon.stderr()).toMatch(/ERROR: service gone: unable to start .*server\.sh: .*ENOENT|No such file/);
    writeFileSync(server, '#!/bin/sh\necho served\n');
    chmodSync(server, 0o755);
    expect((await exchange(port, '')).data).toBe('served\n');
  });

  it('logs an rlimit the kernel refuses with the step and the OS error', async () => {
    const config = writeConfig(dir, defaultsLoggingTo(log) + block('huge', [...TCP, 'wait = no', 'user = root', 'server = /bin/true', 'rlimit_files = 99999999999']));
    daemon = await startDaemon(['-f', config]);
    const reply = await exchange(daemon.ports.get('huge')!, '');
    expect(reply.data).toBe('');
    await waitForLine(log, /FAIL: huge fork from=127\.0\.0\.1/);
    // The daemon writes its stderr and its service log apart, so either may come first.
    const setrlimitError = /ERROR: service huge: unable to start \/bin\/true: setrlimit\(rlimit_files\): Operation not permitted/;
    await waitFor('the setrlimit error on stderr', () => (setrlimitError.test(daemon!.stderr()) ? true : undefined));
    expect(readFileSync(log, 'utf8')).not.toMatch(/EXIT: huge/);
  });

  it('vanishing clients and deaf servers leak nothing', async () => {
    const config = writeConfig(
      dir,
      defaultsLoggingTo(log) +
        block('quick', [...TCP, 'wait = no', 'user = root', 'server = /bin/true']) +
        block('deaf', [...TCP, 'wait = no', 'user = root', 'server = /bin/sleep', 'server_args = 0.2']),
    );
    daemon = await startDaemon(['-f', config]);
    const pid = daemon.process.pid!;
    await exchange(daemon.ports.get('quick')!, '');
    // The service log opens on its first line; count the daemon's descriptors after that.
    await waitForLine(log, /EXIT: quick/);
    const before = openDescriptors(pid);
    const vanishing = Array.from({ length: 20 }, () => exchange(daemon!.ports.get('quick')!, 'x', { end: true }).catch(() => undefined));
    const deaf = Array.from({ length: 5 }, () => exchange(daemon!.ports.get('deaf')!, 'y'.repeat(256 * 1024)).catch(() => undefined));
    await Promise.all([...vanishing, ...deaf]);
    await waitForLine(log, /(EXIT: deaf[^\n]*\n[^]*){5}/, 'five EXIT lines of deaf');
    await waitForLine(log, /(EXIT: quick[^\n]*\n[^]*){21}/, 'every EXIT line of quick');
    expect(openDescriptors(pid)).toBe(before);
    expect(serversOf(pid)).toEqual([]);
  });
});

describe('without the compiled helper', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-nohelper');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it('spawns plain servers itself and refuses set-up attributes', async () => {
    const plain = block('plain', [...TCP, 'wait = no', 'user = root', `server = ${NODE}`, `server_args = ${REPORT_SERVER} one`, 'env = FOO=bar']);
    const tuned = block('tuned', [...TCP, 'wait = no', 'user = root', 'server = /bin/true', 'umask = 077']);
    process.env.XINETD_TS_HELPER = join(dir, 'no-such-helper');
    try {
      daemon = await startDaemon(['-f', writeConfig(dir, plain + tuned)]);
    } finally {
      delete process.env.XINETD_TS_HELPER;
    }
    expect([...daemon.ports.keys()]).toEqual(['plain']);
    expect(daemon.stderr()).toMatch(/service tuned .*: the child helper .*no-such-helper is missing: in a checkout, install a C compiler/);
    const got = JSON.parse((await exchange(daemon.ports.get('plain')!, '')).data) as Report;
    expect([got.argv0, got.args, got.env.FOO, got.env.REMOTE_HOST, got.stdinNonBlocking]).toEqual(['node', ['one'], 'bar', '127.0.0.1', false]);
    const fds = block('fds', [...TCP, 'wait = no', 'user = root', 'server = /bin/ls', 'server_args = /proc/self/fd']);
    await daemon.stop('SIGTERM');
    process.env.XINETD_TS_HELPER = join(dir, 'no-such-helper');
    try {
      daemon = await startDaemon(['-f', writeConfig(dir, fds)]);
    } finally {
      delete process.env.XINETD_TS_HELPER;
    }
    expect((await exchange(daemon.ports.get('fds')!, '')).data.trim().split('\n')).toEqual(['0', '1', '2', '3']);
  });
});
