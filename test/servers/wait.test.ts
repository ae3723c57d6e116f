/**
 * wait = yes: the server gets the listening TCP socket or the UDP socket on fds 0-2 and
 * takes the requests itself; the daemon starts the next server only after it exits.
 */
import dgram from 'node:dgram';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, readIfExists, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { ACCEPT_SELF_SERVER, HERE, TCP, UDP, block, serversOf, defaultsLoggingTo, freePort, waitForLine, writeConfig } from './support.js';

const UDP_SERVER = join(HERE, 'udp-reply.pl');

/** Sends each payload from one client socket and collects the replies until `count` arrived. */
async function datagrams(port: number, payloads: string[], count: number): Promise<string[]> {
  const socket = dgram.createSocket('udp4');
  const replies: string[] = [];
  socket.on('message', (message) => replies.push(message.toString()));
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', () => done()));
  try {
    for (const payload of payloads) socket.send(payload, port, '127.0.0.1');
    await waitFor(`${count} replies`, () => (replies.length >= count ? true : undefined));
    return replies;
  } finally {
    socket.close();
  }
}

describe('wait = yes', () => {
  let dir: string;
  let log: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-wait');
    log = join(dir, 'service.log');
  });

  afterEach(async () => {
    await daemon?.stop('SIGTERM');
    daemon = undefined;
    removeDir(dir);
  });

  it('stream server accepts for itself, one at a time', async () => {
    const config = writeConfig(dir, defaultsLoggingTo(log) + block('acceptor', [...TCP, 'wait = yes', 'user = root', `server = ${process.execPath}`, `server_args = ${ACCEPT_SELF_SERVER}`]));
    daemon = await startDaemon(['-f', config]);
    const port = daemon.ports.get('acceptor')!;
    const first = await exchange(port, 'one\n');
    const second = await exchange(port, 'two\n');
    expect(first.data).toMatch(/^pid=\d+ got=one args=\n$/);
    expect(second.data).toMatch(/^pid=\d+ got=two args=\n$/);
    expect(first.data.split(' ')[0]).not.toBe(second.data.split(' ')[0]);
    const pid = first.data.match(/pid=(\d+)/)![1];
    await waitForLine(log, new RegExp(`START: acceptor pid=${pid} from=<no address>\\n`));
    await waitForLine(log, new RegExp(`EXIT: acceptor status=0 pid=${pid} duration=\\d+\\(sec\\)`));
  });

  it('lets one dgram server answer every datagram queued for it', async () => {
    const config = writeConfig(dir, defaultsLoggingTo(log) + block('replier', [...UDP, 'wait = yes', 'user = root', `server = ${UDP_SERVER}`, 'server_args = 1']));
    daemon = await startDaemon(['-f', config]);
    const replies = await datagrams(daemon.ports.get('replier')!, ['a', 'b', 'c'], 3);
    const pids = new Set(replies.map((reply) => reply.split(':')[0]));
    expect(replies.map((reply) => reply.split(':')[1]).sort()).toEqual(['a', 'b', 'c']);
    expect(pids.size).toBe(1);
    await waitForLine(log, new RegExp(`START: replier pid=${[...pids][0]} from=127\\.0\\.0\\.1`));
    await waitForLine(log, /EXIT: replier status=0/);
  });

  it('datagram outside only_from is refused, next served', async () => {
    const config = writeConfig(
      dir,
      defaultsLoggingTo(log) + block('picky', [...UDP, 'wait = yes', 'user = root', `server = ${UDP_SERVER}`, 'server_args = 0.2', 'only_from = 127.0.0.2']),
    );
    daemon = await startDaemon(['-f', config]);
    const port = daemon.ports.get('picky')!;
    const refused = dgram.createSocket('udp4');
    refused.send('no', port, '127.0.0.1');
    await waitForLine(log, /FAIL: picky address from=127\.0\.0\.1/);
    refused.close();
    const allowed = dgram.createSocket('udp4');
    const replies: string[] = [];
    allowed.on('message', (message) => replies.push(message.toString()));
    await new Promise<void>((done) => allowed.bind(0, '127.0.0.2', () => done()));
    allowed.send('yes', port, '127.0.0.1');
    await waitFor('a reply to 127.0.0.2', () => (replies.length > 0 ? true : undefined));
    allowed.close();
    expect(replies[0]).toMatch(/^\d+:yes$/);
  });

  it('reload applies new server_args and removes services', async () => {
    const fixedPort = await freePort();
    const fixed = TCP.map((line) => (line === 'port = 0' ? `port = ${fixedPort}` : line));
    const service = (args: string) => block('tagged', [...fixed, 'wait = yes', 'user = root', `server = ${process.execPath}`, `server_args = ${ACCEPT_SELF_SERVER} ${args}`]);
    const configText = (args: string) => defaultsLoggingTo(log) + service(args);
    const config = writeConfig(dir, configText('v1'));
    daemon = await startDaemon(['-f', config]);
    const port = daemon.ports.get('tagged')!;
    expect((await exchange(port, 'x\n')).data).toMatch(/got=x args=v1/);
    writeConfig(dir, configText('v2'));
    daemon.process.kill('SIGHUP');
    await waitFor('the reload', () => (daemon!.stderr().includes('Reconfigured') ? true : undefined));
    expect((await exchange(port, 'y\n')).data).toMatch(/got=y args=v2/);
    writeConfig(dir, defaultsLoggingTo(log));
    daemon.process.kill('SIGHUP');
    await waitFor('the service to go', () => (daemon!.stderr().includes('service tagged deactivated') ? true : undefined));
    await waitFor('the helper to exit', () => (serversOf(daemon!.process.pid!).length === 0 ? true : undefined));
    expect((await exchange(port, 'z\n')).closedBy).toBe('error');
    expect(readIfExists(log)).not.toMatch(/ERROR/);
  });
});
