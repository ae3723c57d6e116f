/**
 * Soak: one daemon under mixed traffic for a while (XINETD_TS_SOAK_SECONDS, 60 s by
 * default): internal TCP and UDP services, external servers that echo, sleep or are killed
 * by signals, refusals by address, instances and per_source, a wait = yes service, and a
 * reload (alternating two configurations) in the middle of a flood every sixth of the run,
 * at most every minute. The daemon's memory, descriptors, processes and listeners are
 * sampled every second, and checked for drift once the traffic stops.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, readIfExists, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { freePort, waitForLine, writeConfig } from '../servers/support.js';
import { extent, family, quarter, sampleOnce, Sampler, type Sample } from './sampler.js';
import { soakConfig, SOAK_SERVICES, type SoakPorts, type Variant } from './soak-config.js';
import { cpuTicks } from './support.js';
import { askUdp, boundedLoop, openConnection, pause, replyOnClose } from './traffic.js';

const SECONDS = Number(process.env.XINETD_TS_SOAK_SECONDS ?? 60);
const RELOAD_MS = Math.min(60, Math.max(5, SECONDS / 6)) * 1000;
/** Pause between rounds of each client loop; keeps the load modest on a shared 2-core machine. */
const GAP_MS = 25;
const KILL_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGHUP', 'SIGSEGV', 'SIGUSR1'];
const DAYTIME = /\d\d:\d\d:\d\d/;

type Tally = Record<string, number>;

function count(tally: Tally, key: string, by = 1): void {
  tally[key] = (tally[key] ?? 0) + by;
}

function linesMatching(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

describe('soak', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-soak');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it(`mixed traffic for ${SECONDS} s with reloads every ${RELOAD_MS / 1000} s`, { timeout: SECONDS * 1000 + 180_000 }, async () => {
    const log = join(dir, 'daemon.log');
    const serviceLog = join(dir, 'service.log');
    const ports = Object.fromEntries(await Promise.all(['echo', 'echoUdp', 'daytime', 'daytimeUdp', 'cat', 'napper', 'victim', 'limited', 'persrc', 'guarded', 'held', 'extra'].map(async (name) => [name, await freePort()]))) as SoakPorts;
    let variant: Variant = 'A';
    daemon = await startDaemon(['-f', writeConfig(dir, soakConfig(ports, 'A', serviceLog)), '-filelog', log]);
    const pid = daemon.process.pid!;
    const running = daemon;

    async function reload(next: Variant): Promise<void> {
      writeConfig(dir, soakConfig(ports, next, serviceLog));
      const before = linesMatching(readIfExists(log), /Reconfigured/g);
      running.process.kill('SIGHUP');
      await waitFor('the reload', () => (linesMatching(readIfExists(log), /Reconfigured/g) > before ? true : undefined), 30_000);
      variant = next;
    }

    const idleChildren = 1 + SOAK_SERVICES.A.held;
    async function quiet(what: string): Promise<void> {
      await waitFor(what, () => (family(pid).length - 1 === idleChildren ? true : undefined), 60_000);
    }

    // Warm-up: the spawner starts at the first external connection; one reload each way.
    expect((await exchange(ports.cat, 'warm\n', { end: true })).data).toBe('warm\n');
    expect(await replyOnClose(ports.held)).toMatch(/^held \d+\n$/);
    expect(await askUdp(ports.echoUdp, 'warm')).toBe('warm');
    await reload('B');
    await reload('A');
    await quiet('the warm-up servers to exit');
    const idle = sampleOnce(pid, Date.now());
    const cpuBefore = cpuTicks(pid);

    const tally: Tally = {};
    /** The first few unexpected replies, printed with the figures. */
    const problems: string[] = [];
    const startedAt = Date.now();
    const deadline = startedAt + SECONDS * 1000;
    const maxRounds = SECONDS * 100;
    const sampler = new Sampler(pid);

    const echoLike = async (round: number) => {
      const payload = `soak ${round}\n`;
      const echoed = await exchange(ports.echo, payload, { end: true }).catch(() => null);
      count(tally, echoed?.data === payload ? 'echo ok' : 'echo bad');
      const time = await exchange(ports.daytime, '').catch(() => null);
      count(tally, time !== null && DAYTIME.test(time.data) ? 'daytime ok' : 'daytime bad');
    };
    const udp = async (round: number) => {
      count(tally, (await askUdp(ports.echoUdp, `udp ${round}`)) === `udp ${round}` ? 'udp echo ok' : 'udp echo lost');
      const time = await askUdp(ports.daytimeUdp, 'time?');
      count(tally, time !== null && DAYTIME.test(time) ? 'udp daytime ok' : 'udp daytime lost');
    };
    const cat = async (round: number) => {
      const payload = `cat ${round}\n`;
      const echoed = await exchange(ports.cat, payload, { end: true }).catch(() => null);
      count(tally, echoed?.data === payload ? 'cat ok' : 'cat bad');
    };
    const nappers = async () => {
      const replies = await Promise.all([1, 2, 3].map(() => replyOnClose(ports.napper).catch(() => null)));
      count(tally, 'napper closed', replies.filter((reply) => reply === '').length);
    };
    const victims = async (round: number) => {
      const socket = await openConnection(ports.victim).catch(() => null);
      if (socket === null) return count(tally, 'victim connect failed');
      const closed = new Promise<boolean>((done) => {
        socket.once('close', () => done(true));
        setTimeout(() => done(false), 15_000);
      });
      socket.on('error', () => undefined);
      const server = await waitFor('a victim server', () => victimServers(pid).at(0), 15_000).catch(() => undefined);
      if (server !== undefined) {
        process.kill(server, KILL_SIGNALS[round % KILL_SIGNALS.length]);
        count(tally, 'victims killed');
      }
      count(tally, (await closed) ? 'victim closed' : 'victim left open');
      socket.destroy();
    };
    const refusals = async () => {
      const denied = await exchange(ports.guarded, 'let me in\n', { end: true, localAddress: '127.0.0.2' }).catch(() => null);
      count(tally, denied?.data === '' ? 'only_from refused' : 'only_from served');
      const allowed = await exchange(ports.guarded, 'me\n', { end: true }).catch(() => null);
      count(tally, allowed?.data === 'me\n' ? 'only_from allowed' : 'only_from allowed failed');
      await Promise.all([
        ...[1, 2, 3, 4].map(() => replyOnClose(ports.limited).catch(() => null)),
        ...[1, 2, 3].map(() => replyOnClose(ports.persrc, { localAddress: '127.0.0.3' }).catch(() => null)),
      ]);
      count(tally, 'limit rounds');
    };
    const held = async () => {
      const reply = await replyOnClose(ports.held).catch((error: Error) => error.message);
      const ok = /^held \d+\n$/.test(reply);
      count(tally, ok ? 'held ok' : 'held bad');
      if (!ok && problems.length < 10) problems.push(`held at ${Date.now() - startedAt} ms: ${JSON.stringify(reply)}`);
    };
    const reloads = async () => {
      const flood = async () => {
        const floodEcho = Array.from({ length: 40 }, (_, index) => exchange(ports.echo, `flood ${index}\n`, { end: true }).catch(() => null));
        const floodCat = Array.from({ length: 15 }, (_, index) => exchange(ports.cat, `flood ${index}\n`, { end: true }).catch(() => null));
        await pause(5);
        const reloaded = reload(variant === 'A' ? 'B' : 'A');
        const results = await Promise.all([...floodEcho, ...floodCat]);
        count(tally, 'flood ok', results.filter((result, index) => result?.data === `flood ${index < 40 ? index : index - 40}\n`).length);
        count(tally, 'flood connections', results.length);
        await reloaded;
        count(tally, 'reloads during floods');
      };
      await boundedLoop(deadline, Math.ceil((SECONDS * 1000) / RELOAD_MS), 0, async () => {
        await pause(Math.min(RELOAD_MS, Math.max(0, deadline - Date.now())));
        if (Date.now() < deadline) await flood();
      });
    };

    const loops = [echoLike, udp, cat, nappers, victims, refusals, held].map((body) => boundedLoop(deadline, maxRounds, GAP_MS, body));
    await Promise.all([...loops, reloads()]);
    const samples = sampler.stop();
    const elapsed = Date.now() - startedAt;
    const cpuMs = (cpuTicks(pid) - cpuBefore) * 10;

    if (variant === 'B') await reload('A');
    await quiet('the servers to exit after the run');
    const settled = await waitFor('the descriptors to settle', () => {
      const now = sampleOnce(pid, startedAt);
      return now.fds <= idle.fds ? now : undefined;
    }, 60_000).catch(() => sampleOnce(pid, startedAt));

    report(SECONDS, tally, samples, idle, settled, elapsed, cpuMs, readFileSync(serviceLog, 'utf8'), readFileSync(log, 'utf8'));
    if (problems.length > 0) console.log(`unexpected replies:\n${problems.join('\n')}`);

    expect(daemon.process.exitCode).toBeNull();
    for (const bad of ['echo bad', 'daytime bad', 'cat bad', 'held bad', 'only_from served', 'only_from allowed failed', 'victim left open', 'victim connect failed']) {
      expect(tally[bad] ?? 0, bad).toBe(0);
    }
    expect(tally['flood ok']).toBe(tally['flood connections']);
    expect(tally['udp echo ok'] ?? 0).toBeGreaterThan(0);
    expect(tally['victims killed'] ?? 0).toBeGreaterThan(0);
    expect(tally['reloads during floods'] ?? 0).toBeGreaterThanOrEqual(Math.floor((SECONDS * 1000) / RELOAD_MS) - 1);
    expect(settled.fds).toBe(idle.fds);
    expect(settled.children).toBe(idle.children);
    expect(settled.listeners).toBe(SOAK_SERVICES.A.total);
    // Every killed server's exit and every refusal by address reached the service log.
    const serviceLines = readFileSync(serviceLog, 'utf8');
    expect(linesMatching(serviceLines, /EXIT: victim signal=/g)).toBe(tally['victims killed']);
    expect(linesMatching(serviceLines, /FAIL: guarded address from=127\.0\.0\.2/g)).toBe(tally['only_from refused']);
    const daemonLog = readFileSync(log, 'utf8');
    expect(daemonLog.match(/^.*(ERROR|CRITICAL).*$/gm) ?? []).toEqual([]);
    const secondQuarter = extent(quarter(samples, 1).map((sample) => sample.rssKiB));
    const lastQuarter = extent(quarter(samples, 3).map((sample) => sample.rssKiB));
    // Garbage collection makes RSS wander; a leak shows as growth well beyond that.
    expect(lastQuarter.max).toBeLessThan(secondQuarter.max * 1.25 + 24 * 1024);
  });
});

/** Pids of the running `victim` servers (/bin/sleep 30) below the daemon. */
function victimServers(pid: number): number[] {
  return family(pid).filter((member) => {
    try {
      return readFileSync(`/proc/${member}/cmdline`, 'utf8') === 'sleep\u000030\u0000';
    } catch {
      return false;
    }
  });
}

function report(seconds: number, tally: Tally, samples: Sample[], idle: Sample, settled: Sample, elapsed: number, cpuMs: number, serviceLog: string, daemonLog: string): void {
  const rss = (part: Sample[]) => {
    const { min, max } = extent(part.map((sample) => sample.rssKiB));
    return `${(min / 1024).toFixed(1)}–${(max / 1024).toFixed(1)} MiB`;
  };
  const range = (key: 'fds' | 'children' | 'listeners') => {
    const { min, max } = extent(samples.map((sample) => sample[key]));
    return `${min}–${max}`;
  };
  const lines = [
    `soak: ${seconds} s requested, ${(elapsed / 1000).toFixed(0)} s run, ${samples.length} samples, daemon CPU ${(cpuMs / 1000).toFixed(1)} s (${((100 * cpuMs) / elapsed).toFixed(0)}% of one core)`,
    `traffic: ${Object.entries(tally).map(([key, value]) => `${key} ${value}`).join(', ')}`,
    `service log: START ${linesMatching(serviceLog, /START:/g)}, EXIT ${linesMatching(serviceLog, /EXIT:/g)}, EXIT by signal ${linesMatching(serviceLog, /EXIT: \S+ signal=/g)}, FAIL service_limit ${linesMatching(serviceLog, /FAIL: limited service_limit/g)}, FAIL per_source_limit ${linesMatching(serviceLog, /FAIL: persrc per_source_limit/g)}, FAIL address ${linesMatching(serviceLog, /FAIL: guarded address/g)}`,
    `daemon log: ${daemonLog.split('\n').length - 1} lines, ${linesMatching(daemonLog, /Reconfigured/g)} reloads`,
    `RSS by quarter: ${[0, 1, 2, 3].map((index) => rss(quarter(samples, index))).join(', ')}`,
    `fds: idle ${idle.fds}, during ${range('fds')}, after ${settled.fds}; children: idle ${idle.children}, during ${range('children')}, after ${settled.children}; listeners: idle ${idle.listeners}, during ${range('listeners')}, after ${settled.listeners}`,
  ];
  console.log(lines.join('\n'));
}
