/**
 * The channel between the daemon and a wait = yes service's helper. A server that exits
 * without accepting leaves its connection pending, so the helper requests it again and
 * again until "cps" deactivates the service. The reply to a request still in flight then
 * found the channel closed, which must not stop the daemon. A reload that changes the
 * service must not close its socket either, or clients that connect meanwhile are refused.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, exchange, makeTempDir, readIfExists, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { ACCEPT_SELF_SERVER, TCP, block, childrenOf, freePort, waitForLine, writeConfig } from '../servers/support.js';
import { listenersOf } from './support.js';
import { replyOnClose } from './traffic.js';

const HELPER = join(ROOT, 'apps', 'daemon', 'dist', 'xinetd-ts-child');
const ACCEPT_ONCE = join(__dirname, 'accept-once.pl');

describe('a wait = yes service deactivated while a request is in flight', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-held');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it('daemon keeps running', async () => {
    const log = join(dir, 'daemon.log');
    const config =
      block('quits', [...TCP, 'wait = yes', 'user = nobody', 'server = /bin/true', 'cps = 20 1']) +
      block('echo', ['type = INTERNAL UNLISTED', 'socket_type = stream', 'protocol = tcp', 'bind = 127.0.0.1', 'port = 0', 'wait = no']);
    daemon = await startDaemon(['-f', writeConfig(dir, config), '-filelog', log]);
    const pending = exchange(daemon.ports.get('quits')!, '');
    await waitForLine(log, /Deactivating service quits/);
    // The service comes back after cps's one second; the daemon must still be there then.
    await waitForLine(log, /Activating service quits/);
    expect((await exchange(daemon.ports.get('echo')!, 'still here\n', { end: true })).data).toBe('still here\n');
    expect(daemon.process.exitCode).toBeNull();
    expect(daemon.stderr()).not.toMatch(/ERR_STREAM_WRITE_AFTER_END/);
    await pending;
  });

  it('reload keeps the socket open', async () => {
    const log = join(dir, 'daemon.log');
    const port = await freePort();
    const tagged = (tag: string) =>
      block('tagged', [...TCP.filter((line) => line !== 'port = 0'), `port = ${port}`, 'wait = yes', 'user = nobody', `server = ${process.execPath}`, `server_args = ${ACCEPT_SELF_SERVER} ${tag}`]);
    daemon = await startDaemon(['-f', writeConfig(dir, tagged('before')), '-filelog', log]);
    const pid = daemon.process.pid!;
    expect((await exchange(port, 'one\n')).data).toMatch(/got=one args=before/);
    const [helper] = childrenOf(pid);
    expect(helper).toBeDefined();

    for (let round = 1; round <= 3; round += 1) {
      writeConfig(dir, tagged(`round${round}`));
      daemon.process.kill('SIGHUP');
      await waitFor(`reload ${round}`, () => ((readIfExists(log).match(/Reconfigured/g)?.length ?? 0) >= round ? true : undefined));
      expect((await exchange(port, `r${round}\n`)).data).toMatch(new RegExp(`got=r${round} args=round${round}`));
    }
    // The same helper process, exec'd with each new command line, kept the socket open throughout.
    await waitFor('the server to exit', () => (childrenOf(helper!).length === 0 ? true : undefined));
    expect(childrenOf(pid)).toEqual([helper]);
    expect(readFileSync(`/proc/${helper}/cmdline`, 'utf8')).toContain('round3');
    expect(listenersOf([helper!])).toBe(1);
    expect(readIfExists(log)).not.toMatch(/ERROR/);
  });

  it('exec message before an answer', async () => {
    // The helper on its own: the test plays the daemon on fd 3.
    const server = net.createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as net.AddressInfo;
    const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
    const helper = spawn(HELPER, ['-W', 'stream', '--', ACCEPT_ONCE, 'accept-once.pl', 'first'], { stdio: [fd, 'ignore', 'ignore', 'pipe'] });
    // Closed in the tick that spawned the helper, before libuv can accept on it here.
    server.close();
    try {
      const control = helper.stdio[3] as Duplex;
      const lines: string[] = [];
      createInterface({ input: control }).on('line', (line) => lines.push(line));
      const nextLine = (word: string, after: number) => waitFor(`"${word}" from the helper`, () => lines.slice(after).find((line) => line.startsWith(word)));

      const first = replyOnClose(port);
      await nextLine('request', 0);
      // The reload's exec message arrives before the reply to the request already sent.
      const argv = [HELPER, '-W', 'stream', '--', ACCEPT_ONCE, 'accept-once.pl', 'second'];
      control.write(`exec ${hexFields(argv)} ${hexFields(['PATH=/usr/bin:/bin'])}\n`);
      control.write('y');
      expect(await first).toMatch(/^held \d+\n$/);
      await nextLine('exited', 0);
      await waitFor('the helper to exec itself', () => (readFileSync(`/proc/${helper.pid}/cmdline`, 'utf8').includes('second') ? true : undefined));

      const seen = lines.length;
      const second = replyOnClose(port);
      await nextLine('request', seen);
      control.write('y');
      expect(await second).toMatch(/^held \d+\n$/);
      expect(lines.filter((line) => line.startsWith('error'))).toEqual([]);
    } finally {
      helper.kill('SIGKILL');
    }
  });
});

function hexFields(fields: string[]): string {
  return Buffer.from(fields.map((field) => `${field}\0`).join('')).toString('hex');
}
