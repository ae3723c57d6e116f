/**
 * Configuration values that look like options, paths or shell syntax, and environment
 * passing. A server gets its `server_args` words as plain argv entries, never read by the
 * daemon or a shell. A relative or `..` server path is a configuration error. A server
 * gets only the daemon variables that `passenv` names, through each way the daemon
 * starts servers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { REPORT_SERVER, TCP, block, writeConfig } from '../servers/support.js';

const NODE = process.execPath;
const SECRET = 'XINETD_TS_TEST_SECRET';
const SECRET_VALUE = 'do-not-leak-7f3a';

/** Words a shell or an option parser would act on; the daemon must pass each one through as written. */
const HOSTILE_ARGS = ['--foo', '-x', '-', '--', '--help', '../x', '/etc/shadow', '$(id)', '`id`', ';', 'a|b', '&&', '>out', '*', '"a', 'b"', "it's", '\\', '$HOME', '%s%n', '-f/etc/passwd'];

/** The ways the daemon starts a server: through its compiled helper, and by itself when the helper is missing. */
const SPAWN_PATHS: [string, NodeJS.ProcessEnv][] = [
  ['the helper', {}],
  ['the plain spawn', { XINETD_TS_HELPER: '/nonexistent/xinetd-ts-helper' }],
];

interface Report {
  argv0: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

describe('hostile configuration values', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-hostile-config');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  describe('server arguments', () => {
    it.each(SPAWN_PATHS)('reach the server as plain words through %s', async (_path, env) => {
      const service = block('args', [...TCP, 'wait = no', 'user = root', `server = ${NODE}`, `server_args = ${REPORT_SERVER} ${HOSTILE_ARGS.join(' \t ')}`]);
      daemon = await startDaemon(['-f', writeConfig(dir, service), '-filelog', join(dir, 'daemon.log')], env);
      const report = JSON.parse((await exchange(daemon.ports.get('args')!, '')).data) as Report;
      expect(report.argv0).toBe('node');
      expect(report.args).toEqual(HOSTILE_ARGS);
      // A shell would have created it from ">out" in the server's working directory.
      expect(existsSync(join(report.cwd, 'out'))).toBe(false);
    });

    it('keep NAMEINARGS argv[0] that looks like an option', async () => {
      const service = block('named', [...TCP, 'wait = no', 'user = root', 'flags = NAMEINARGS', `server = ${NODE}`, `server_args = --inspect ${REPORT_SERVER} -e`]);
      daemon = await startDaemon(['-f', writeConfig(dir, service)]);
      const report = JSON.parse((await exchange(daemon.ports.get('named')!, '')).data) as Report;
      // Node reads options only from argv[1] on, so an argv[0] of --inspect changes nothing.
      expect(report.argv0).toBe('--inspect');
      expect(report.args).toEqual(['-e']);
    });
  });

  describe('server paths', () => {
    it.each([
      ['a relative path', 'bin/node', 'is a relative path', 'give the absolute path'],
      ['a path up from the directory', '../node', 'is a relative path', 'give the absolute path'],
      ['an absolute path through ..', '/usr/../usr/bin/env', 'contains ".."', 'without "..": /usr/bin/env'],
      ['a word that looks like an option', '--version', 'is a relative path', 'give the absolute path'],
    ])('reject %s, naming file, line and service', async (_case, server, reason, hint) => {
      const bad = block('badpath', [...TCP, 'wait = no', 'user = root', `server = ${server}`]);
      const good = block('good', [...TCP, 'wait = no', 'user = root', `server = ${NODE}`, `server_args = ${REPORT_SERVER}`]);
      const config = writeConfig(dir, bad + good);
      const log = join(dir, 'daemon.log');
      daemon = await startDaemon(['-f', config, '-filelog', log]);
      const line = readFileSync(config, 'utf8').split('\n').findIndex((text) => text.includes(`server = ${server}`)) + 1;
      const error = await waitFor('the server path error', () => readFileSync(log, 'utf8').split('\n').find((text) => text.includes(reason)));
      expect(error).toContain(`${config}:${line}`);
      expect(error).toContain('service badpath');
      expect(error).toContain(`server ${server}`);
      expect(error).toContain(hint);
      expect([...daemon.ports.keys()]).toEqual(['good']);
    });
  });

  describe('environment passing', () => {
    async function environmentOf(service: string, spawnEnv: NodeJS.ProcessEnv): Promise<Record<string, string>> {
      daemon = await startDaemon(['-f', writeConfig(dir, service)], { [SECRET]: SECRET_VALUE, KEEP_ME: 'kept', ...spawnEnv });
      const reply = await exchange(daemon.ports.get('env')!, '');
      return Object.fromEntries(reply.data.split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    }

    /** Returns a service that runs env(1), which prints the environment it was started with. */
    function envService(extra: string[]): string {
      return block('env', [...TCP, 'wait = no', 'user = root', 'server = /usr/bin/env', ...extra]);
    }

    for (const [path, spawnEnv] of SPAWN_PATHS) {
      it(`passes only the passenv names through ${path}`, async () => {
        const env = await environmentOf(envService(['passenv = KEEP_ME']), spawnEnv);
        expect(env).toEqual({ KEEP_ME: 'kept', REMOTE_HOST: '127.0.0.1' });
      });

      it(`passes nothing of the daemon's with an empty passenv through ${path}`, async () => {
        const env = await environmentOf(envService(['passenv =', 'env = ONLY=this']), spawnEnv);
        expect(env).toEqual({ ONLY: 'this', REMOTE_HOST: '127.0.0.1' });
      });
    }

    it('narrows the defaults passenv with -=', async () => {
      const defaults = `defaults\n{\n\tpassenv = KEEP_ME ${SECRET}\n}\n`;
      const env = await environmentOf(defaults + envService([`passenv -= ${SECRET}`]), {});
      expect(env).toEqual({ KEEP_ME: 'kept', REMOTE_HOST: '127.0.0.1' });
    });

    it('lets env set a name without reading the daemon value', async () => {
      const env = await environmentOf(envService(['passenv =', `env = ${SECRET}=public`]), {});
      expect(env[SECRET]).toBe('public');
    });

    it('shows only the configured variables in the server /proc environ', async () => {
      const service = block('env', [...TCP, 'wait = no', 'user = root', 'server = /bin/cat', 'passenv = KEEP_ME']);
      daemon = await startDaemon(['-f', writeConfig(dir, service)], { [SECRET]: SECRET_VALUE, KEEP_ME: 'kept' });
      // cat runs until the connection closes, so its environ can be read while it runs.
      const socket = connect({ port: daemon.ports.get('env')!, host: '127.0.0.1' });
      try {
        const environ = await waitFor('the server process', () => serverEnviron(daemon!.process.pid!));
        expect(environ.sort()).toEqual(['KEEP_ME=kept', 'REMOTE_HOST=127.0.0.1']);
      } finally {
        socket.destroy();
      }
    });

    it('passes the whole environment when no passenv is configured, as xinetd does', async () => {
      const env = await environmentOf(envService([]), {});
      expect(env[SECRET]).toBe(SECRET_VALUE);
    });
  });
});

/** Returns the environ entries of the daemon's cat(1) server, or undefined while it is not running yet. */
function serverEnviron(daemonPid: number): string[] | undefined {
  for (const pid of descendants(daemonPid)) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8') !== 'cat\0') continue;
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

function descendants(pid: number): number[] {
  return childPids(pid).flatMap((child) => [child, ...descendants(child)]);
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
