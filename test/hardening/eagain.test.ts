/**
 * Process exhaustion: with the daemon and its helpers in a pids cgroup whose limit leaves
 * no room for another process, fork fails with EAGAIN. The daemon logs once per burst and
 * service, burns no CPU, keeps its listeners, and starts servers again once the limit is
 * raised. Root ignores RLIMIT_NPROC, so a cgroup is the only limit that binds here.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { TCP, block, childrenOf, waitForLine, writeConfig } from '../servers/support.js';
import { PidsCgroup, pidsHierarchy } from './pids-cgroup.js';
import { cpuTicks, listenersOf } from './support.js';

const HIERARCHY = pidsHierarchy();
const ACCEPT_ONCE = join(__dirname, 'accept-once.pl');
const BURST = 10;

function logged(lines: string[]): string[] {
  return ['log_on_success = PID EXIT', 'log_on_failure = HOST', ...lines];
}

/** The daemon and every process below it. */
function family(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(family)];
}

function familyTicks(pid: number): number {
  return family(pid).reduce((sum, member) => {
    try {
      return sum + cpuTicks(member);
    } catch {
      return sum;
    }
  }, 0);
}

function count(path: string, pattern: RegExp): number {
  return readFileSync(path, 'utf8').match(pattern)?.length ?? 0;
}

/** Connects and resolves with what the server wrote once it closes; the connection may wait in the backlog. */
function pendingReply(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply from port ${port} within 30 s`));
    }, 30_000);
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.on('error', () => undefined);
  });
}

async function refusedBurst(port: number): Promise<void> {
  for (let i = 0; i < BURST; i += 1) expect((await exchange(port, 'ping\n', { end: true })).data).toBe('');
}

describe.skipIf(HIERARCHY === null)('process exhaustion (EAGAIN)', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;
  let cgroup: PidsCgroup | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-eagain');
  });

  afterEach(async () => {
    cgroup?.limit('max');
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    cgroup?.remove();
    cgroup = undefined;
    removeDir(dir);
  });

  it('through the helper: spawner, its forks and a wait = yes holder', async () => {
    const log = join(dir, 'daemon.log');
    const serviceLog = join(dir, 'service.log');
    const config =
      block('cat', [...TCP, 'wait = no', 'user = nobody', 'server = /bin/cat', ...logged([`log_type = FILE ${serviceLog}`])]) +
      block('held', [...TCP, 'wait = yes', 'user = nobody', `server = ${ACCEPT_ONCE}`, ...logged([`log_type = FILE ${serviceLog}`])]);
    daemon = await startDaemon(['-f', writeConfig(dir, config), '-filelog', log]);
    const pid = daemon.process.pid!;
    const cat = daemon.ports.get('cat')!;
    const held = daemon.ports.get('held')!;
    expect(await pendingReply(held)).toMatch(/^held \d+\n$/);
    await waitForLine(serviceLog, /EXIT: held/);

    cgroup = new PidsCgroup(HIERARCHY!, `xinetd-ts-eagain-${pid}`);
    cgroup.add(family(pid));
    // Not one task more: the spawner, started at the first connection, cannot start.
    cgroup.limit(cgroup.current());
    const before = familyTicks(pid);
    const startedAt = Date.now();
    await refusedBurst(cat);
    // One task more: the spawner starts, but its fork for the server fails.
    cgroup.limit(cgroup.current() + 1);
    await refusedBurst(cat);
    await waitForLine(serviceLog, new RegExp(`(FAIL: cat fork[^]*){${2 * BURST}}`), `${2 * BURST} FAIL lines`);
    expect(family(pid).some((member) => readFileSync(`/proc/${member}/cmdline`, 'utf8').includes('-S'))).toBe(true);

    const waiting = pendingReply(held);
    await waitForLine(log, /ERROR: service held: unable to start/);
    // Left alone while still short: a holder asking again in a loop would burn this second.
    await new Promise((done) => setTimeout(done, 1000));
    const ticks = familyTicks(pid) - before;
    const elapsed = Date.now() - startedAt;
    console.log(`EAGAIN, helper path: ${2 * BURST} connections failed, ${cgroup.refusals()} forks refused, daemon and helpers CPU ${ticks * 10} ms over ${elapsed} ms`);
    expect(ticks * 10).toBeLessThan(elapsed / 2);
    expect(count(log, /ERROR: service cat: unable to start \/bin\/cat: EAGAIN: no process could be created/g)).toBe(1);
    expect(count(log, /ERROR: service held: unable to start/g)).toBe(1);
    expect(count(log, /ERROR/g)).toBe(2);
    expect(listenersOf(family(pid))).toBe(2);

    cgroup.limit('max');
    expect(await waiting).toMatch(/^held \d+\n$/);
    expect((await exchange(cat, 'ping\n', { end: true })).data).toBe('ping\n');
    await waitForLine(log, /INFO: service cat: processes free again, starting servers/);
    await waitForLine(log, /INFO: service held: processes free again, starting servers/);
    expect(daemon.process.exitCode).toBeNull();
  });

  it('through plain spawn, without the helper', async () => {
    const log = join(dir, 'daemon.log');
    const serviceLog = join(dir, 'service.log');
    const config = block('cat', [...TCP, 'wait = no', 'user = nobody', 'server = /bin/cat', ...logged([`log_type = FILE ${serviceLog}`])]);
    daemon = await startDaemon(['-f', writeConfig(dir, config), '-filelog', log], { XINETD_TS_HELPER: join(dir, 'no-such-helper') });
    const pid = daemon.process.pid!;
    const cat = daemon.ports.get('cat')!;
    expect((await exchange(cat, 'ping\n', { end: true })).data).toBe('ping\n');
    await waitForLine(serviceLog, /START: cat/);

    cgroup = new PidsCgroup(HIERARCHY!, `xinetd-ts-eagain-${pid}`);
    cgroup.add(family(pid));
    cgroup.limit(cgroup.current());
    const before = cpuTicks(pid);
    const startedAt = Date.now();
    await refusedBurst(cat);
    await refusedBurst(cat);
    await waitForLine(serviceLog, new RegExp(`(FAIL: cat fork[^]*){${2 * BURST}}`), `${2 * BURST} FAIL lines`);
    const ticks = cpuTicks(pid) - before;
    const elapsed = Date.now() - startedAt;
    console.log(`EAGAIN, plain spawn: ${2 * BURST} connections failed, ${cgroup.refusals()} forks refused, daemon CPU ${ticks * 10} ms over ${elapsed} ms`);
    expect(count(log, /ERROR: service cat: unable to start \/bin\/cat: EAGAIN: no process could be created/g)).toBe(1);
    expect(count(log, /ERROR/g)).toBe(1);
    expect(listenersOf([pid])).toBe(1);

    cgroup.limit('max');
    expect((await exchange(cat, 'ping\n', { end: true })).data).toBe('ping\n');
    await waitForLine(log, /INFO: service cat: processes free again, starting servers/);
    await waitFor('the daemon to stay up', () => (daemon!.process.exitCode === null ? true : undefined));
  });
});
