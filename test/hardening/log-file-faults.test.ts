/**
 * Log files deleted or made unwritable while the daemon runs: it keeps serving, reports
 * each fault once on its own channel, and logs again when the fault clears, with no line
 * lost while the queue has room.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { IS_ROOT, block, waitForLine, writeConfig } from '../servers/support.js';
import { completeLines, countMatches, logqIngest, mountIn, seenBy, tmpfsLauncher, umountIn } from './log-faults-support.js';
import { cpuTicks } from './support.js';

const SERVICE_LINE = /^\d\d\/\d{1,2}\/\d{1,2}@\d\d:\d\d:\d\d: (START|EXIT): echo /;

function echoService(serviceLog: string): string {
  const lines = ['type = INTERNAL UNLISTED', 'socket_type = stream', 'protocol = tcp', 'bind = 127.0.0.1', 'port = 0', 'wait = no'];
  return block('echo', [...lines, `log_type = FILE ${serviceLog}`, 'log_on_success = PID HOST EXIT', 'log_on_failure = HOST']);
}

async function echoAll(port: number, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) expect((await exchange(port, 'ping\n', { end: true })).data).toBe('ping\n');
}

/** Waits until `path` contains exactly `count` complete lines, all of them START or EXIT lines of echo. */
async function waitForServiceLines(path: string, count: number): Promise<string[]> {
  const lines = await waitFor(`${count} lines in ${path}`, () => {
    const found = existsSync(path) ? completeLines(path).lines : [];
    return found.length === count ? found : undefined;
  });
  expect(lines.filter((line) => !SERVICE_LINE.test(line))).toEqual([]);
  return lines;
}

describe('log file deleted while in use', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-logdeleted');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it('deleted logs are created again', async () => {
    const daemonLog = join(dir, 'daemon.log');
    const serviceLog = join(dir, 'service.log');
    const jsonLog = join(dir, 'events.jsonl');
    daemon = await startDaemon(['-f', writeConfig(dir, echoService(serviceLog)), '-filelog', daemonLog, '-jsonlog', jsonLog]);
    const port = daemon.ports.get('echo')!;
    await echoAll(port, 2);
    await waitForServiceLines(serviceLog, 4);

    for (const path of [daemonLog, serviceLog, jsonLog]) unlinkSync(path);
    await echoAll(port, 3);
    // Every line written after the deletion is in the new file: none went to the deleted one.
    await waitForServiceLines(serviceLog, 6);
    for (const path of [serviceLog, jsonLog]) {
      await waitForLine(daemonLog, new RegExp(`WARNING: log file ${path} was deleted while in use; created it again at the same path`));
    }
    const events = completeLines(jsonLog).lines.map((line) => JSON.parse(line) as { event?: string });
    expect(events.filter((event) => event.event === 'START')).toHaveLength(3);

    // The daemon log itself learns of its deletion at its next line, which a reload writes.
    daemon.process.kill('SIGHUP');
    await waitForLine(daemonLog, /Reconfigured/);
    const text = readFileSync(daemonLog, 'utf8');
    expect(text).toMatch(/log file \S+\/daemon\.log was deleted while in use/);
    for (const name of ['daemon.log', 'service.log', 'events.jsonl']) {
      expect(countMatches(text, new RegExp(`log file \\S+/${name.replace('.', '\\.')} was deleted`, 'g'))).toBe(1);
    }
    expect(daemon.process.exitCode).toBeNull();
  });
});

describe.skipIf(!IS_ROOT)('log file made unwritable (needs root for mount and chattr)', () => {
  let dir: string;
  let logs: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-logunwritable');
    logs = join(dir, 'logs');
    mkdirSync(logs);
  });

  afterEach(async () => {
    const pid = daemon?.process.pid;
    // An immutable file would survive its tmpfs only if the daemon outlived the test; clear it anyway.
    if (pid !== undefined && daemon?.process.exitCode === null) {
      try {
        execFileSync('chattr', ['-i', seenBy(pid, join(logs, 'service.log'))], { stdio: 'ignore' });
      } catch {
        // Not set, or the daemon is gone with its tmpfs.
      }
    }
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it('immutable file and read-only directory', async () => {
    const daemonLog = join(dir, 'daemon.log');
    const serviceLog = join(logs, 'service.log');
    daemon = await startDaemon(['-f', writeConfig(dir, echoService(serviceLog)), '-filelog', daemonLog], {}, tmpfsLauncher(logs, '1m'));
    const pid = daemon.process.pid!;
    const port = daemon.ports.get('echo')!;
    const service = seenBy(pid, serviceLog);
    await echoAll(port, 2);
    await waitForServiceLines(service, 4);

    // Root ignores permission bits, so the test makes the file immutable. An open descriptor
    // still writes to it, so the fault shows when the file is reopened after rotation.
    execFileSync('chattr', ['+i', service]);
    daemon.process.kill('SIGHUP');
    const eperm = /ERROR: unable to open log file \S+\/service\.log: EPERM/g;
    await waitForLine(daemonLog, eperm);
    await echoAll(port, 3);
    const idleFrom = cpuTicks(pid);
    const idleStart = Date.now();
    // Two retries pass while the file stays immutable.
    await new Promise((done) => setTimeout(done, 2500));
    const idleCpuMs = (cpuTicks(pid) - idleFrom) * 10;
    const idleMs = Date.now() - idleStart;
    expect(idleCpuMs).toBeLessThan(idleMs / 2);
    expect(countMatches(readFileSync(daemonLog, 'utf8'), eperm)).toBe(1);
    expect(completeLines(service).lines).toHaveLength(4);

    execFileSync('chattr', ['-i', service]);
    await waitForLine(daemonLog, /INFO: log file \S+\/service\.log is written again; no line was lost/);
    await waitForServiceLines(service, 10);

    // A read-only file system mounted over the log directory: reopening fails with EROFS.
    mountIn(pid, ['-t', 'tmpfs', '-o', 'ro,size=16k', 'xinetd-ts-test-ro', logs]);
    daemon.process.kill('SIGHUP');
    const erofs = /ERROR: unable to open log file \S+\/service\.log: EROFS/g;
    await waitForLine(daemonLog, erofs);
    await echoAll(port, 2);
    umountIn(pid, logs);
    await waitForLine(daemonLog, /(is written again; no line was lost[^]*){2}/, 'the second recovery');
    const lines = await waitForServiceLines(service, 14);
    console.log(`unwritable log: EPERM and EROFS each reported once, ${lines.length} of 14 lines on disk, idle CPU ${idleCpuMs} ms over ${idleMs} ms`);
    expect(countMatches(readFileSync(daemonLog, 'utf8'), erofs)).toBe(1);

    const counts = logqIngest(join(dir, 'logq.duckdb'), service);
    expect(counts.read).toBe(14);
    expect(counts.events + counts.rejects).toBe(counts.read);
    expect(counts.rejects).toBe(0);
  });
});
