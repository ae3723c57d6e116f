/**
 * Packs the project with `npm pack` and installs the tarball globally into an empty
 * prefix, with production dependencies only, from npm's cache. There the installed
 * `xinetd-ts` serves a connection, the installed `logq` reads its log, and the man
 * pages, examples and tools are in place.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, makeTempDir, readIfExists, removeDir, request, waitFor } from '../support/daemon.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => done(port));
    });
  });
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the npm package', () => {
  let dir: string;
  let prefix: string;
  let installed: string;
  let daemon: ChildProcess | undefined;

  beforeAll(() => {
    dir = makeTempDir('xinetd-ts-package');
    prefix = join(dir, 'prefix');
    npm(['pack', '--pack-destination', dir, '--silent'], ROOT);
    const tarball = join(dir, `${pkg.name}-${pkg.version}.tgz`);
    // Production dependencies come from npm's cache, which `npm ci` filled.
    npm(['install', '-g', '--prefix', prefix, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', tarball], dir);
    installed = join(prefix, 'lib', 'node_modules', pkg.name);
  }, 180_000);

  afterAll(() => {
    daemon?.kill('SIGKILL');
    removeDir(dir);
  });

  it('installs both commands', () => {
    expect(execFileSync(join(prefix, 'bin', 'logq'), ['--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
    const daemonVersion = spawnSync(join(prefix, 'bin', 'xinetd-ts'), ['-version'], { encoding: 'utf8' });
    expect(daemonVersion.status).toBe(0);
    expect(daemonVersion.stderr.trim()).toBe(`xinetd-ts ${pkg.version}`);
  });

  it('leaves out development dependencies and tests', () => {
    const modules = readdirSync(join(installed, 'node_modules'));
    for (const dev of ['typescript', 'vitest', 'nx', 'fast-check', 'playwright-core']) expect(modules).not.toContain(dev);
    expect(modules).toContain('commander');
    expect(existsSync(join(installed, 'apps', 'daemon', 'src')), 'sources').toBe(false);
    const dist = readdirSync(join(installed, 'apps', 'logq', 'dist'));
    expect(dist.filter((name) => name.includes('.test.'))).toEqual([]);
  });

  it('serves a connection and lets logq read the log', async () => {
    const port = await freePort();
    const configFile = join(dir, 'xinetd.conf');
    const serviceLog = join(dir, 'services.log');
    const pidFile = join(dir, 'xinetd.pid');
    writeFileSync(
      configFile,
      `defaults\n{\n\tbind = 127.0.0.1\n\tlog_type = FILE ${serviceLog}\n\tlog_on_failure = HOST\n}\n` +
        `service echo\n{\n\ttype = INTERNAL UNLISTED\n\tsocket_type = stream\n\tprotocol = tcp\n\tport = ${port}\n\twait = no\n\tonly_from = 127.0.0.1\n}\n`,
    );
    daemon = spawn(join(prefix, 'bin', 'xinetd-ts'), ['-dontfork', '-f', configFile, '-pidfile', pidFile], { stdio: 'ignore' });
    await waitFor('the installed daemon to listen', () => (readIfExists(pidFile) !== '' ? true : undefined));
    expect(await request(port, 'packaged\n', 'packaged\n')).toBe('packaged\n');
    await new Promise<void>((done) => {
      const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.9' });
      socket.on('close', () => done());
      socket.on('error', () => done());
    });
    await waitFor('the FAIL line', () => (readIfExists(serviceLog).includes('FAIL: echo address from=127.0.0.9') ? true : undefined));
    const db = join(dir, 'logq.duckdb');
    execFileSync(join(prefix, 'bin', 'logq'), ['ingest', '--db', db, serviceLog], { encoding: 'utf8' });
    const rows = JSON.parse(execFileSync(join(prefix, 'bin', 'logq'), ['fails', '--db', db, '--json'], { encoding: 'utf8' })) as unknown[];
    expect(rows).toMatchObject([{ source: '127.0.0.9', service: 'echo', count: 1 }]);
  });

  it('installs the man pages', () => {
    for (const [section, page] of [['man8', 'xinetd-ts.8'], ['man5', 'xinetd-ts.conf.5'], ['man1', 'logq.1']]) {
      const path = join(prefix, 'share', 'man', section!, page!);
      expect(existsSync(path), path).toBe(true);
      const name = page!.replace(/\.\d$/, '');
      const found = execFileSync('man', ['-w', name], { encoding: 'utf8', env: { ...process.env, MANPATH: join(prefix, 'share', 'man') } });
      // npm links the page to the copy inside the package.
      expect(found.trim()).toBe(realpathSync(path));
    }
  });

  it('ships the examples, tools and schema', () => {
    const files = [
      'examples/xinetd.conf',
      'examples/xinetd.d/echo',
      'tools/fail2ban/filter.d/xinetd-ts.conf',
      'tools/fail2ban/jail.d/xinetd-ts.conf',
      'tools/lnav/xinetd_ts_log.json',
      'tools/lnav/xinetd_ts_jsonl.json',
      'tools/logrotate/xinetd-ts',
      'tools/convert-inetd',
      'tools/completion/logq.bash',
      'tools/completion/_logq',
      'tools/completion/xinetd-ts.bash',
      'tools/completion/_xinetd-ts',
      'libs/logformat/event.schema.json',
      'docs/differences.md',
    ];
    for (const file of files) expect(existsSync(join(installed, file)), file).toBe(true);
    expect(existsSync(join(installed, 'tools', 'completion', 'generate')), 'the generator').toBe(false);
  });
});
