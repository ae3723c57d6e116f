/**
 * Descriptor exhaustion: with the daemon's soft descriptor limit lowered until accept fails
 * with EMFILE, it logs once per burst, burns no CPU, keeps its listener and serves again
 * once descriptors free up.
 */
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, type RunningDaemon } from '../support/daemon.js';
import { TCP, block, waitForLine, writeConfig } from '../servers/support.js';
import { cpuTicks, echoOnce, highestDescriptor, setSoftFileLimit } from './support.js';

const ECHO = block('echo', ['type = INTERNAL UNLISTED', 'socket_type = stream', 'protocol = tcp', 'bind = 127.0.0.1', 'port = 0', 'wait = no']);
const SHORTAGE = /ERROR: service echo: no file descriptor left after accepting a connection \(EMFILE\)/g;
const RECOVERED = /INFO: service echo: descriptors free again, accepting connections/;
const STORM = 100;

describe('descriptor exhaustion', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;
  const held: net.Socket[] = [];

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-emfile');
  });

  afterEach(async () => {
    for (const socket of held.splice(0)) socket.destroy();
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it('EMFILE burst logged once, then recovers', async () => {
    const log = join(dir, 'daemon.log');
    daemon = await startDaemon(['-f', writeConfig(dir, ECHO), '-filelog', log]);
    const pid = daemon.process.pid!;
    const port = daemon.ports.get('echo')!;
    expect((await echoOnce(port)).served).toBe(true);
    await waitForLine(log, /Started working/);
    // A few descriptors above the highest one in use: each held connection takes one.
    setSoftFileLimit(pid, highestDescriptor(pid) + 4);

    expect(await holdUntilRefused(port, held)).toBe(true);
    await waitForLine(log, SHORTAGE);

    const before = cpuTicks(pid);
    const startedAt = Date.now();
    const storm = await Promise.all(Array.from({ length: STORM }, () => echoOnce(port)));
    expect(storm.filter((attempt) => attempt.served)).toEqual([]);
    // Left alone for a second while still exhausted: a spinning loop would burn all of it.
    await new Promise((done) => setTimeout(done, 1000));
    const ticks = cpuTicks(pid) - before;
    const elapsed = Date.now() - startedAt;
    console.log(`EMFILE storm: ${STORM} connections refused, daemon CPU ${ticks * 10} ms over ${elapsed} ms`);
    expect(ticks * 10).toBeLessThan(elapsed / 2);
    expect(readFileSync(log, 'utf8').match(SHORTAGE)).toHaveLength(1);

    for (const socket of held.splice(0)) socket.destroy();
    // The daemon frees a descriptor once it has read the client's close; poll until it has.
    await waitForRecovery(port, log);
    expect(readFileSync(log, 'utf8').match(SHORTAGE)).toHaveLength(1);

    // A second burst is logged again.
    expect(await holdUntilRefused(port, held)).toBe(true);
    await waitForLine(log, /(no file descriptor left[^]*){2}/, 'a second shortage line');
    expect(readFileSync(log, 'utf8').match(SHORTAGE)).toHaveLength(2);
    expect(daemon.process.exitCode).toBeNull();
  });

  it('plain spawn logs one error per burst', async () => {
    const log = join(dir, 'daemon.log');
    const serviceLog = join(dir, 'service.log');
    const echo = block('greet', [...TCP, 'wait = no', 'user = root', 'server = /bin/echo', 'server_args = hi', `log_type = FILE ${serviceLog}`, 'log_on_success = PID', 'log_on_failure = HOST']);
    daemon = await startDaemon(['-f', writeConfig(dir, echo), '-filelog', log], { XINETD_TS_HELPER: join(dir, 'no-such-helper') });
    const pid = daemon.process.pid!;
    const port = daemon.ports.get('greet')!;
    expect((await exchange(port, '')).data).toBe('hi\n');
    await waitForLine(serviceLog, /START: greet/);
    const limit = highestDescriptor(pid) + 1;
    // One descriptor above the highest in use: accept gets it, the child's pipes do not.
    setSoftFileLimit(pid, limit + 1);

    const before = cpuTicks(pid);
    for (let i = 0; i < 20; i += 1) expect((await exchange(port, '')).data).toBe('');
    await waitForLine(serviceLog, /(FAIL: greet fork[^\n]*\n[^]*){20}/, 'a FAIL line for each of the 20 connections');
    console.log(`EMFILE on the plain spawn: 20 connections, daemon CPU ${(cpuTicks(pid) - before) * 10} ms`);
    expect(readFileSync(log, 'utf8').match(/ERROR: service greet: unable to start \/bin\/echo: EMFILE/g)).toHaveLength(1);

    setSoftFileLimit(pid, limit + 64);
    expect((await exchange(port, '')).data).toBe('hi\n');
    await waitForLine(log, /INFO: service greet: descriptors free again, starting servers/);
  });
});

/** Opens echo connections and keeps them in `held` until one is closed unserved; returns whether one was. */
async function holdUntilRefused(port: number, held: net.Socket[]): Promise<boolean> {
  for (let i = 0; i < 50; i += 1) {
    const attempt = await echoOnce(port);
    if (!attempt.served) return true;
    held.push(attempt.socket);
  }
  return false;
}

/** Connects until a connection is served with a descriptor to spare, which the daemon logs. */
async function waitForRecovery(port: number, log: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const result = await echoOnce(port);
    result.socket.destroy();
    if (result.served && RECOVERED.test(readFileSync(log, 'utf8'))) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`echo on port ${port} did not log its recovery within 100 attempts`);
}
