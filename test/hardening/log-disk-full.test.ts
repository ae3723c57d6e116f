/**
 * A full disk under the daemon's logs. The daemon keeps serving and reports the fault once
 * per file. It keeps at most 1 MiB of lines per file in memory, counts the rest, and writes
 * the kept lines once space is freed. logq counts every complete line that reached the
 * disk and holds back a line cut by the full disk.
 */
import { mkdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { IS_ROOT, block, waitForLine, writeConfig } from '../servers/support.js';
import { completeLines, countMatches, fillDisk, logqIngest, rssKiB, seenBy, tmpfsLauncher } from './log-faults-support.js';
import { cpuTicks } from './support.js';

/** A long id makes each START and EXIT line about 4 KB, so that a few hundred connections overflow the 1 MiB queue. */
const LONG_ID = `echo${'x'.repeat(4000)}`;
const SERVICE_LINE = /^\d\d\/\d{1,2}\/\d{1,2}@\d\d:\d\d:\d\d: (START|EXIT): echox+ /;
const BEFORE = 3;
const DURING = 200;

function echoService(serviceLog: string): string {
  const lines = ['type = INTERNAL UNLISTED', `id = ${LONG_ID}`, 'socket_type = stream', 'protocol = tcp', 'bind = 127.0.0.1', 'port = 0', 'wait = no', 'cps = 10000 1'];
  return block('echo', [...lines, `log_type = FILE ${serviceLog}`, 'log_on_success = PID HOST EXIT', 'log_on_failure = HOST']);
}

async function echoAll(port: number, count: number): Promise<number> {
  let served = 0;
  for (let i = 0; i < count; i += 1) if ((await exchange(port, 'ping\n', { end: true })).data === 'ping\n') served += 1;
  return served;
}

describe.skipIf(!IS_ROOT)('full disk under the logs (needs root for mount)', () => {
  let dir: string;
  let logs: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-diskfull');
    logs = join(dir, 'logs');
    mkdirSync(logs);
  });

  afterEach(async () => {
    // The tmpfs lives in the daemon's mount namespace and goes away with it.
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it('service and JSONL logs on a full disk', async () => {
    const daemonLog = join(dir, 'daemon.log');
    const serviceLog = join(logs, 'service.log');
    const args = ['-f', writeConfig(dir, echoService(serviceLog)), '-filelog', daemonLog, '-jsonlog', join(logs, 'events.jsonl')];
    daemon = await startDaemon(args, {}, tmpfsLauncher(logs, '4m'));
    const pid = daemon.process.pid!;
    const port = daemon.ports.get(LONG_ID)!;
    const service = seenBy(pid, serviceLog);
    const json = seenBy(pid, join(logs, 'events.jsonl'));

    expect(await echoAll(port, BEFORE)).toBe(BEFORE);
    await waitFor('the first lines on disk', () => (completeLines(service).lines.length === 2 * BEFORE ? true : undefined));
    const sizeAtFill = statSync(service).size;
    const filled = fillDisk(seenBy(pid, join(logs, 'filler')));
    const rssBefore = rssKiB(pid);

    // Half the connections, a retry or more, then the other half: the lines kept from before
    // a retry must still count against the limit after it.
    expect(await echoAll(port, DURING / 2)).toBe(DURING / 2);
    await new Promise((done) => setTimeout(done, 1500));
    expect(await echoAll(port, DURING / 2)).toBe(DURING / 2);
    await waitForLine(daemonLog, /unable to write log file \S+\/service\.log: ENOSPC/);
    await waitForLine(daemonLog, /unable to write log file \S+\/events\.jsonl: ENOSPC/);
    const idleFrom = cpuTicks(pid);
    const idleStart = Date.now();
    // Idle through two retries while the disk stays full: a retry loop that spun would show here.
    await new Promise((done) => setTimeout(done, 2500));
    const idleCpuMs = (cpuTicks(pid) - idleFrom) * 10;
    const idleMs = Date.now() - idleStart;
    const rssDuring = rssKiB(pid);
    expect(idleCpuMs).toBeLessThan(idleMs / 2);
    const faultLog = readFileSync(daemonLog, 'utf8');
    expect(countMatches(faultLog, /unable to write log file \S+\/service\.log/g)).toBe(1);
    expect(countMatches(faultLog, /unable to write log file \S+\/events\.jsonl/g)).toBe(1);

    // logq while the disk is full: the line cut by ENOSPC is held back, every complete line counted.
    const db = join(dir, 'logq.duckdb');
    const onDisk = completeLines(service);
    const first = logqIngest(db, service);
    expect(first.read).toBe(onDisk.lines.length);
    expect(first.events + first.rejects).toBe(first.read);
    expect(first.rejects).toBe(0);
    expect(first.heldBack).toBe(Buffer.byteLength(onDisk.tail));

    unlinkSync(seenBy(pid, join(logs, 'filler')));
    const [, lost] = await waitForLine(daemonLog, /log file \S+\/service\.log is written again; (\d+) lines were lost because they did not fit in memory/);
    const [, lostJson] = await waitForLine(daemonLog, /log file \S+\/events\.jsonl is written again; (\d+) lines were lost because they did not fit in memory/);
    const dropped = Number(lost);
    const expected = 2 * (BEFORE + DURING);
    await waitFor('every kept line on disk', () => (completeLines(service).lines.length + dropped === expected ? true : undefined));
    const final = completeLines(service);
    console.log(
      `full disk: ${filled} bytes of filler, ${DURING} connections served during the fault, ` +
        `${dropped} of ${expected} service lines and ${lostJson} JSONL lines dropped past the 1 MiB queue, ` +
        `RSS ${rssBefore} KiB before and ${rssDuring} KiB during, idle CPU ${idleCpuMs} ms over ${idleMs} ms`,
    );
    expect(dropped).toBeGreaterThan(0);
    // What the fault kept in memory, then wrote: the queue's limit, plus at most the lines
    // handed to the kernel before the first failure.
    expect(statSync(service).size - sizeAtFill).toBeLessThanOrEqual((1 << 20) + 64 * 1024);
    expect(final.tail).toBe('');
    expect(final.lines.filter((line) => !SERVICE_LINE.test(line))).toEqual([]);
    for (const line of completeLines(json).lines) expect(() => JSON.parse(line)).not.toThrow();

    const second = logqIngest(db, service);
    console.log(`logq on the full disk: ${first.read} lines read, ${first.events} events, ${first.rejects} rejects, ${first.heldBack} bytes held back; after: ${second.read} more lines, ${second.rejects} rejects`);
    expect(first.read + second.read).toBe(final.lines.length);
    expect(second.events + second.rejects).toBe(second.read);
    expect(second.rejects).toBe(0);
    expect(second.heldBack).toBe(0);
    expect(daemon.process.exitCode).toBeNull();
  });

  it('daemon log on a full disk reports on stderr', async () => {
    const daemonLog = join(logs, 'daemon.log');
    const serviceLog = join(logs, 'service.log');
    daemon = await startDaemon(['-f', writeConfig(dir, echoService(serviceLog)), '-filelog', daemonLog], {}, tmpfsLauncher(logs, '256k'));
    const pid = daemon.process.pid!;
    const port = daemon.ports.get(LONG_ID)!;
    const program = seenBy(pid, daemonLog);
    await waitForLine(program, /Started working/);
    fillDisk(seenBy(pid, join(logs, 'filler')));

    expect(await echoAll(port, 20)).toBe(20);
    // A reload logs lines naming the 4,000-character id, more than the daemon log's last block holds.
    daemon.process.kill('SIGHUP');
    const stderrFault = /ERROR: unable to write log file \S+\/daemon\.log: ENOSPC/g;
    await waitFor('the daemon log fault on stderr', () => (stderrFault.test(daemon!.stderr()) ? true : undefined));
    expect(await echoAll(port, 5)).toBe(5);
    await new Promise((done) => setTimeout(done, 1500));
    expect(countMatches(daemon.stderr(), stderrFault)).toBe(1);

    unlinkSync(seenBy(pid, join(logs, 'filler')));
    await waitForLine(program, /log file \S+\/daemon\.log is written again; no line was lost/);
    const text = readFileSync(program, 'utf8');
    expect(countMatches(text, /unable to write log file \S+\/service\.log: ENOSPC/g)).toBe(1);
    expect(text).toMatch(/Starting reconfiguration/);
    expect(completeLines(program).tail).toBe('');
    const service = seenBy(pid, serviceLog);
    await waitFor('the EXIT lines of all 25 connections', () => (countMatches(readFileSync(service, 'utf8'), /: EXIT: /g) === 25 ? true : undefined));
  });

  it('lines left at exit are counted on stderr', async () => {
    const serviceLog = join(logs, 'service.log');
    daemon = await startDaemon(['-f', writeConfig(dir, echoService(serviceLog)), '-filelog', join(dir, 'daemon.log')], {}, tmpfsLauncher(logs, '256k'));
    const pid = daemon.process.pid!;
    fillDisk(seenBy(pid, join(logs, 'filler')));
    expect(await echoAll(daemon.ports.get(LONG_ID)!, 3)).toBe(3);
    await waitForLine(join(dir, 'daemon.log'), /unable to write log file \S+\/service\.log: ENOSPC/);
    expect(await daemon.stop('SIGTERM')).toBe(0);
    expect(daemon.stderr()).toMatch(/ERROR: log file \S+\/service\.log still failed at exit: 6 lines were not written/);
    daemon = undefined;
  });
});
