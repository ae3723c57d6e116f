/**
 * Process exhaustion: with the daemon and its helpers in a pids cgroup whose limit leaves
 * no room for another process, fork fails with EAGAIN. The daemon logs once per burst and
 * service, burns no CPU, keeps its listeners, and starts servers again once the limit is
 * raised. Root ignores RLIMIT_NPROC, so a cgroup is the only limit that binds here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { TCP, block, freePort, openDescriptors, waitForLine, writeConfig } from '../servers/support.js';
import { PidsCgroup, pidsHierarchy } from './pids-cgroup.js';
import { family } from './sampler.js';
import { cpuTicks, listenersOf } from './support.js';
import { replyOnClose } from './traffic.js';

const HIERARCHY = pidsHierarchy();
const ACCEPT_ONCE = join(__dirname, 'accept-once.pl');
const BURST = 10;

function logged(lines: string[]): string[] {
  return ['log_on_success = PID EXIT', 'log_on_failure = HOST', ...lines];
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

  it('helper path: spawner and holder', async () => {
    const log = join(dir, 'daemon.log');
    const serviceLog = join(dir, 'service.log');
    const config =
      block('cat', [...TCP, 'wait = no', 'user = nobody', 'server = /bin/cat', ...logged([`log_type = FILE ${serviceLog}`])]) +
      block('held', [...TCP, 'wait = yes', 'user = nobody', `server = ${ACCEPT_ONCE}`, ...logged([`log_type = FILE ${serviceLog}`])]);
    daemon = await startDaemon(['-f', writeConfig(dir, config), '-filelog', log]);
    const pid = daemon.process.pid!;
    const cat = daemon.ports.get('cat')!;
    const held = daemon.ports.get('held')!;
    expect(await replyOnClose(held)).toMatch(/^held \d+\n$/);
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

    const waiting = replyOnClose(held);
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

  it('plain spawn path', async () => {
    const log = join(dir, 'daemon.log');
    const serviceLog = join(dir, 'service.log');
    const config = block('cat', [...TCP, 'wait = no', 'user = nobody', 'server = /bin/cat', ...logged([`log_type = FILE ${serviceLog}`])]);
    daemon = await startDaemon(['-f', writeConfig(dir, config), '-filelog', log], { XINETD_TS_HELPER: join(dir, 'no-such-helper') });
    const pid = daemon.process.pid!;
    const cat = daemon.ports.get('cat')!;
    expect((await exchange(cat, 'ping\n', { end: true })).data).toBe('ping\n');
    await waitForLine(serviceLog, /START: cat/);
    const idleDescriptors = await waitFor('the first connection to close', () => (family(pid).length === 1 ? openDescriptors(pid) : undefined));

    cgroup = new PidsCgroup(HIERARCHY!, `xinetd-ts-eagain-${pid}`);
    cgroup.add(family(pid));
    cgroup.limit(cgroup.current());
    const before = cpuTicks(pid);
    const startedAt = Date.now();
    await refusedBurst(cat);
    await refusedBurst(cat);
    await waitForLine(serviceLog, new RegExp(`(FAIL: cat fork[^]*){${2 * BURST}}`), `${2 * BURST} FAIL lines`);
    await new Promise((done) => setTimeout(done, 1000));
    const ticks = cpuTicks(pid) - before;
    const elapsed = Date.now() - startedAt;
    expect(ticks * 10).toBeLessThan(elapsed / 2);
    console.log(`EAGAIN, plain spawn: ${2 * BURST} connections failed, ${cgroup.refusals()} forks refused, daemon CPU ${ticks * 10} ms over ${elapsed} ms (one idle second included)`);
    expect(count(log, /ERROR: service cat: unable to start \/bin\/cat: EAGAIN: no process could be created/g)).toBe(1);
    expect(count(log, /ERROR/g)).toBe(1);
    expect(listenersOf([pid])).toBe(1);

    cgroup.limit('max');
    expect((await exchange(cat, 'ping\n', { end: true })).data).toBe('ping\n');
    await waitForLine(log, /INFO: service cat: processes free again, starting servers/);
    // The failed spawns left no pipe or socket behind.
    await waitFor(`the descriptors to return to ${idleDescriptors}`, () => (openDescriptors(pid) === idleDescriptors ? true : undefined));
    expect(daemon.process.exitCode).toBeNull();
  });

  it('holder start retried after deactivation', async () => {
    const log = join(dir, 'daemon.log');
    const port = await freePort();
    // cps = 1 1: the helper's second request within a second closes the service for one second.
    const config = block('held', [...TCP.filter((line) => line !== 'port = 0'), `port = ${port}`, 'wait = yes', 'user = nobody', `server = ${ACCEPT_ONCE}`, 'cps = 1 1']);
    daemon = await startDaemon(['-f', writeConfig(dir, config), '-filelog', log]);
    const pid = daemon.process.pid!;
    expect(await replyOnClose(port)).toMatch(/^held \d+\n$/);
    await waitFor('the server to exit', () => (family(pid).length === 2 ? true : undefined));

    cgroup = new PidsCgroup(HIERARCHY!, `xinetd-ts-eagain-${pid}`);
    cgroup.add(family(pid));
    // One task fewer than now: no server can start, and once the helper exits, no helper either.
    cgroup.limit(cgroup.current() - 1);
    const dropped = replyOnClose(port);
    await waitForLine(log, /Deactivating service held/);
    await waitForLine(log, /ERROR: service held: unable to start \S+xinetd-ts-child: EAGAIN; the service does not listen until it starts/);
    expect(await dropped).toBe('');
    expect(listenersOf(family(pid))).toBe(0);
    const refused = cgroup.refusals();
    // The retry after five seconds fails too, without another line.
    await waitFor('a second attempt', () => (cgroup!.refusals() > refused ? true : undefined), 15_000);
    expect(count(log, /unable to start \S+xinetd-ts-child/g)).toBe(1);

    cgroup.limit('max');
    await waitFor('the service to listen again', () => (listenersOf(family(pid)) === 1 ? true : undefined), 15_000);
    expect(await replyOnClose(port)).toMatch(/^held \d+\n$/);
    await waitForLine(log, /INFO: service held: the helper started again; the service listens/);
    expect(count(log, /unable to start \S+xinetd-ts-child/g)).toBe(1);
    expect(daemon.process.exitCode).toBeNull();
  });
});
