/**
 * The SysV init script started, reloaded and stopped against a temporary configuration,
 * and the systemd unit checked by systemd-analyze.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAEMON_BIN, ROOT, exchange, makeTempDir, readIfExists, removeDir, waitFor } from '../support/daemon.js';
import { block, freePort, writeConfig } from './support.js';

const INIT_SCRIPT = join(ROOT, 'tools', 'init.d', 'xinetd-ts');
const UNIT = join(ROOT, 'tools', 'systemd', 'xinetd-ts.service');

function echoService(name: string, port: number): string {
  return block(name, ['type = INTERNAL UNLISTED', 'socket_type = stream', 'protocol = tcp', 'wait = no', 'bind = 127.0.0.1', `port = ${port}`, `id = ${name}`]).replace(`service ${name}`, 'service echo');
}

describe('SysV init script', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-init');
    env = {
      ...process.env,
      DAEMON: DAEMON_BIN,
      CONFIG: join(dir, 'xinetd.conf'),
      PIDFILE: join(dir, 'xinetd-ts.pid'),
      OPTIONS: `-filelog ${join(dir, 'daemon.log')}`,
    };
  });

  afterEach(() => {
    const pidfile = env.PIDFILE!;
    if (existsSync(pidfile)) {
      try {
        process.kill(Number(readFileSync(pidfile, 'utf8')), 'SIGKILL');
      } catch {
        // Already stopped.
      }
    }
    removeDir(dir);
  });

  function script(action: string): { status: number | null; output: string } {
    const result = spawnSync('/bin/sh', [INIT_SCRIPT, action], { env, encoding: 'utf8', timeout: 30_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it('starts the daemon in the background, reloads it, and stops it', async () => {
    const [first, second] = [await freePort(), await freePort()];
    writeConfig(dir, echoService('echo-one', first));
    expect(script('start').status).toBe(0);
    const pid = Number(readFileSync(env.PIDFILE!, 'utf8'));
    expect(script('status').output).toContain(`xinetd-ts is running (pid ${pid})`);
    expect((await exchange(first, 'ping\n', { end: true })).data).toBe('ping\n');

    writeConfig(dir, echoService('echo-one', first) + echoService('echo-two', second));
    expect(script('reload').status).toBe(0);
    await waitFor('the reload', () => (readIfExists(join(dir, 'daemon.log')).includes('Reconfigured: new=1 old=1') ? true : undefined));
    expect((await exchange(second, 'pong\n', { end: true })).data).toBe('pong\n');

    expect(script('stop').status).toBe(0);
    expect(existsSync(env.PIDFILE!)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(script('status').status).toBe(3);
    expect(script('reload').status).toBe(7);
  });

  it('fails start with the daemon\'s message when the configuration has no usable service', () => {
    writeConfig(dir, 'service broken\n{\n');
    const result = script('start');
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/no services could be started/);
  });
});

describe('systemd unit', () => {
  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });

  it('runs the daemon in the foreground and reloads with SIGHUP', () => {
    const unit = readFileSync(UNIT, 'utf8');
    expect(unit).toMatch(/^Type=simple$/m);
    expect(unit).toMatch(/^ExecStart=\S+xinetd-ts -dontfork /m);
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
  });

  it.skipIf(analyze.status !== 0)('passes systemd-analyze verify', () => {
    const dir = makeTempDir('xinetd-ts-unit');
    try {
      const copy = join(dir, 'xinetd-ts.service');
      copyFileSync(UNIT, copy);
      // verify checks that ExecStart exists, so point it at this checkout's daemon.
      writeFileSync(copy, readFileSync(copy, 'utf8').replace('/usr/local/bin/xinetd-ts', DAEMON_BIN));
      // verify also runs man for each Documentation= page, so lay out this checkout's pages
      // the way an installed package has them.
      const manDir = join(dir, 'man');
      for (const [page, section] of [['xinetd-ts.8', 'man8'], ['xinetd-ts.conf.5', 'man5']] as const) {
        mkdirSync(join(manDir, section), { recursive: true });
        copyFileSync(join(ROOT, 'man', page), join(manDir, section, page));
      }
      const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', env: { ...process.env, MANPATH: manDir } });
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
      expect(result.status).toBe(0);
    } finally {
      removeDir(dir);
    }
  });
});
