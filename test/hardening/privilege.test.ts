/**
 * What a server inherits from the daemon: its configured user and groups rather than root,
 * and the connection on fds 0-2 with nothing else, neither the daemon's logs, its other
 * listeners nor the spawner's channel. Both start paths: the spawner and the plain spawn.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { IS_ROOT, TCP, UDP, block, waitForLine, writeConfig } from '../servers/support.js';

const FD_REPORT = join(__dirname, 'fd-report.pl');

interface Inherited {
  descriptors: Map<number, string>;
  ids: string;
}

function parseReport(text: string): Inherited {
  const lines = text.trim().split('\n');
  const ids = lines.pop() ?? '';
  const descriptors = new Map(lines.map((line) => [Number(line.split(' ')[0]), line.slice(line.indexOf(' ') + 1)] as const));
  return { descriptors, ids };
}

function services(log: string): string {
  const logged = [`log_type = FILE ${log}`, 'log_on_success = PID HOST EXIT', 'log_on_failure = HOST'];
  return (
    block('report', [...TCP, 'wait = no', 'user = nobody', 'groups = no', `server = ${FD_REPORT}`, ...logged]) +
    block('grouped', [...TCP, 'wait = no', 'user = nobody', 'groups = yes', `server = ${FD_REPORT}`, ...logged]) +
    block('other', [...TCP, 'wait = no', 'user = nobody', 'server = /bin/true']) +
    block('daytime', ['type = INTERNAL UNLISTED', ...UDP.slice(1), 'wait = yes'])
  );
}

describe.skipIf(!IS_ROOT)('what a server inherits', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-privilege');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it.each([
    ['the spawner', {}],
    ['the plain spawn', { XINETD_TS_HELPER: '/nonexistent/xinetd-ts-helper' }],
  ])('server user and fds through %s', async (_path, env: NodeJS.ProcessEnv) => {
    const serviceLog = join(dir, 'service.log');
    const args = ['-f', writeConfig(dir, services(serviceLog)), '-filelog', join(dir, 'daemon.log'), '-jsonlog', join(dir, 'events.jsonl')];
    daemon = await startDaemon(args, env);
    const port = daemon.ports.get('report')!;
    // The service log opens on its first line; the measured connection comes after it.
    await exchange(port, '');
    await waitForLine(serviceLog, /EXIT: report/);
    const got = parseReport((await exchange(port, '')).data);
    const targets = [...got.descriptors.values()];
    expect([...got.descriptors.keys()]).toEqual([0, 1, 2]);
    expect(targets[0]).toMatch(/^socket:\[\d+\]$/);
    expect(new Set(targets).size).toBe(1);
    expect(got.ids).toBe('uid=65534 euid=65534 gid=65534 egid=65534 groups=');
    // groups = yes needs the helper; without it the service is refused, not run with root's groups.
    if (env.XINETD_TS_HELPER !== undefined) {
      expect(daemon.ports.has('grouped')).toBe(false);
      expect(daemon.stderr()).toMatch(/service grouped .*the child helper .* is missing/);
      return;
    }
    const grouped = parseReport((await exchange(daemon.ports.get('grouped')!, '')).data);
    expect(grouped.ids).toMatch(/^uid=65534 euid=65534 gid=65534 egid=65534 groups=/);
    expect(grouped.ids.split('groups=')[1]!.split(' ')).not.toContain('0');
  });

  it('service without user is rejected', async () => {
    const rootless = block('rootless', [...TCP, 'wait = no', `server = ${FD_REPORT}`]);
    const kept = block('kept', [...TCP, 'wait = no', 'user = nobody', `server = ${FD_REPORT}`]);
    daemon = await startDaemon(['-f', writeConfig(dir, rootless + kept), '-filelog', join(dir, 'daemon.log')]);
    expect([...daemon.ports.keys()]).toEqual(['kept']);
    // The start-up summary reaches the pipe in several writes; the error count comes last.
    await waitFor('the start-up error', () => (/rootless.*missing attribute "user"/.test(daemon!.stderr()) ? true : undefined));
  });
});
