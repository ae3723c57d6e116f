/**
 * Reload and the state dump: kept listeners keep their servers, removed services lose
 * theirs, a changed port gets a new listener, new limits apply to new connections, a
 * reload in the middle of a flood loses nothing, and SIGUSR1 writes the dump.
 */
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, readIfExists, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { TCP, block, serversOf, defaultsLoggingTo, freePort, openDescriptors, waitForLine, writeConfig } from './support.js';

/** Connects and keeps the connection open; the server (sleep) holds it until killed. */
function hold(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.on('error', reject);
  });
}

describe('reload and state dump', () => {
  let dir: string;
  let log: string;
  let daemon: RunningDaemon | undefined;
  const sockets: net.Socket[] = [];

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-reload');
    log = join(dir, 'service.log');
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await daemon?.stop('SIGTERM');
    daemon = undefined;
    removeDir(dir);
  });

  async function reload(config: string, signal: NodeJS.Signals = 'SIGHUP'): Promise<void> {
    writeConfig(dir, config);
    const before = daemon!.stderr().split('Reconfigured').length;
    daemon!.process.kill(signal);
    await waitFor('the reload', () => (daemon!.stderr().split('Reconfigured').length > before ? true : undefined));
  }

  it('keeps a kept service\'s server, kills a removed one\'s, moves a changed port, and applies new instances', async () => {
    const [keptPort, goingPort, movingPort, movedPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const sleeper = (name: string, port: number, extra: string[] = []) =>
      block(name, [...TCP.filter((line) => line !== 'port = 0'), `port = ${port}`, 'wait = no', 'user = root', 'server = /bin/sleep', 'server_args = 30', ...extra]);
    const base = defaultsLoggingTo(log);
    daemon = await startDaemon(['-f', writeConfig(dir, base + sleeper('kept', keptPort, ['instances = 1']) + sleeper('going', goingPort) + sleeper('moving', movingPort))]);
    sockets.push(await hold(keptPort), await hold(goingPort));
    await waitForLine(log, /START: kept/);
    await waitForLine(log, /START: going/);
    expect((await exchange(keptPort, '')).data).toBe('');
    await waitForLine(log, /FAIL: kept service_limit/);

    await reload(base + sleeper('kept', keptPort, ['instances = 2']) + sleeper('moving', movedPort));
    await waitForLine(log, /EXIT: going signal=15/);
    expect(readIfExists(log)).not.toMatch(/EXIT: kept/);
    sockets.push(await hold(keptPort));
    await waitForLine(log, /(START: kept[^\n]*\n[^]*){2}/, 'a second kept server under the new instances');
    await expect(hold(movingPort)).rejects.toThrow(/ECONNREFUSED/);
    sockets.push(await hold(movedPort));
    await waitForLine(log, /START: moving/);
  });

  it('serves every connection of a flood while it reloads, and leaks nothing', async () => {
    const config = defaultsLoggingTo(log) + block('cat', [...TCP, 'wait = no', 'user = root', 'server = /bin/cat', 'cps = 10000 1']);
    daemon = await startDaemon(['-f', writeConfig(dir, config)]);
    const port = daemon.ports.get('cat')!;
    await exchange(port, 'warm\n', { end: true });
    // The service log opens on its first line; count the daemon's descriptors after that.
    await waitForLine(log, /EXIT: cat/);
    const pid = daemon.process.pid!;
    const descriptors = openDescriptors(pid);
    const flood = Array.from({ length: 60 }, (_, i) => exchange(port, `n${i}\n`, { end: true }));
    for (let i = 0; i < 3; i++) await reload(config);
    const replies = await Promise.all(flood);
    expect(replies.map((reply) => reply.data)).toEqual(Array.from({ length: 60 }, (_, i) => `n${i}\n`));
    await waitFor('every server to exit', () => (serversOf(pid).length === 0 ? true : undefined));
    // A reload reopens the log files, which briefly holds the old and the new descriptor.
    await waitFor(`the daemon's descriptors back to ${descriptors}`, () => (openDescriptors(pid) === descriptors ? true : undefined));
  });

  it('appends the state dump on SIGUSR1, with the running servers', async () => {
    const dump = join(dir, 'state.dump');
    const config = writeConfig(dir, defaultsLoggingTo(log) + block('sleepy', [...TCP, 'wait = no', 'user = root', 'server = /bin/sleep', 'server_args = 30']));
    daemon = await startDaemon(['-f', config, '-dumpfile', dump]);
    sockets.push(await hold(daemon.ports.get('sleepy')!));
    const started = await waitForLine(log, /START: sleepy pid=(\d+) from=127\.0\.0\.1/);
    await reload(readIfExists(config), 'SIGUSR1');
    await waitFor('the dump', () => (readIfExists(dump).includes('END OF DUMP') ? true : undefined));
    const text = readIfExists(dump);
    expect(text).toMatch(/^INTERNAL STATE DUMP: xinetd-ts /);
    expect(text).toContain('Service = sleepy');
    expect(text).toMatch(new RegExp(`Listening on = 127\\.0\\.0\\.1:${daemon.ports.get('sleepy')}/tcp`));
    expect(text).toMatch(new RegExp(`Server pid = ${started[1]}, from = 127\\.0\\.0\\.1, age = \\d+\\(sec\\)`));
    // The message follows the file, so it may reach the stderr pipe a moment later.
    await waitFor('the dump message', () => (daemon.stderr().includes(`INFO: generated state dump in file ${dump}`) ? true : undefined));
  });
});
