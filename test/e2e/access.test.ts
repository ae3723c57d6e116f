/**
 * Each access control against the real daemon: a client from an allowed address is served,
 * one from a refused address is not, and the service log has xinetd's exact line.
 */
import { writeFileSync } from 'node:fs';
import dgram from 'node:dgram';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { catService, echoService, hold, serviceText, startFixture, type AccessFixture } from '../support/access.js';
import { exchange, waitFor } from '../support/daemon.js';

const served = (port: number, localAddress = '127.0.0.1', host = '127.0.0.1') => exchange(port, '', { localAddress, host });

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('only_from and no_access', () => {
  let fixture: AccessFixture;

  beforeAll(async () => {
    fixture = await startFixture({
      services: [
        echoService('numeric', ['only_from = 127.0.0.1 127.0.1.0']),
        echoService('factorized', ['only_from = 127.0.{0,5}', 'no_access = 127.0.0.{2,3}']),
        echoService('byname', ['only_from = trusted.test']),
        echoService('bydomain', ['only_from = .good.test']),
        echoService('bynetwork', ['bind = ::', 'only_from = labnet']),
        echoService('nobody', ['only_from =']),
        echoService('specific', ['only_from = 127.0.0.9', 'no_access = 127.0.0.0']),
        echoService('tie', ['only_from = 127.0.0.0/8', 'no_access = 127.0.0.0']),
        echoService('v6', ['bind = ::1', 'only_from = ::1']),
        echoService('mapped', ['bind = ::', 'only_from = 127.0.0.1']),
        echoService('attempt', ['only_from = 127.0.0.1', 'log_on_failure = ATTEMPT']),
      ],
      files: {
        hosts: '127.0.0.5 trusted.test\n127.0.0.6 www.good.test\n127.0.0.7 evil.test\n',
        networks: 'labnet 127\n',
      },
    });
  });
  afterAll(async () => fixture?.stop());

  it('allows and refuses numeric addresses with wildcards', async () => {
    expect((await served(fixture.port('numeric'), '127.0.0.1')).data).toBe('served\n');
    expect((await served(fixture.port('numeric'), '127.0.1.200')).data).toBe('served\n');
    expect((await served(fixture.port('numeric'), '127.0.0.2')).data).toBe('');
    await fixture.waitForLine('FAIL: numeric address from=127.0.0.2');
  });

  it('applies factorized lists', async () => {
    expect((await served(fixture.port('factorized'), '127.0.0.4')).data).toBe('served\n');
    expect((await served(fixture.port('factorized'), '127.0.0.3')).data).toBe('');
    expect((await served(fixture.port('factorized'), '127.0.1.1')).data).toBe('');
    await fixture.waitForLine('FAIL: factorized address from=127.0.0.3');
    await fixture.waitForLine('FAIL: factorized address from=127.0.1.1');
  });

  it('matches a host name confirmed by a forward lookup', async () => {
    expect((await served(fixture.port('byname'), '127.0.0.5')).data).toBe('served\n');
    expect((await served(fixture.port('byname'), '127.0.0.7')).data).toBe('');
    await fixture.waitForLine('FAIL: byname address from=127.0.0.7');
  });

  it('matches a .domain suffix and never allows a client without a name', async () => {
    expect((await served(fixture.port('bydomain'), '127.0.0.6')).data).toBe('served\n');
    expect((await served(fixture.port('bydomain'), '127.0.0.7')).data).toBe('');
    expect((await served(fixture.port('bydomain'), '127.0.0.9')).data).toBe('');
    await fixture.waitForLine('FAIL: bydomain address from=127.0.0.9');
  });

  it('matches a network name from the networks file, with its class mask', async () => {
    expect((await served(fixture.port('bynetwork'), '127.3.1.77')).data).toBe('served\n');
    expect((await served(fixture.port('bynetwork'), '::1', '::1')).data).toBe('');
    await fixture.waitForLine('FAIL: bynetwork address from=::1');
  });

  it('denies everyone with an empty only_from', async () => {
    expect((await served(fixture.port('nobody'), '127.0.0.1')).data).toBe('');
    await fixture.waitForLine('FAIL: nobody address from=127.0.0.1');
  });

  it('lets the more specific entry win and denies a tie', async () => {
    expect((await served(fixture.port('specific'), '127.0.0.9')).data).toBe('served\n');
    expect((await served(fixture.port('specific'), '127.0.0.10')).data).toBe('');
    expect((await served(fixture.port('tie'), '127.0.0.1')).data).toBe('');
    await fixture.waitForLine('FAIL: specific address from=127.0.0.10');
    await fixture.waitForLine('FAIL: tie address from=127.0.0.1');
  });

  it('matches IPv6 and IPv4-mapped clients', async () => {
    expect((await served(fixture.port('v6'), '::1', '::1')).data).toBe('served\n');
    expect((await served(fixture.port('mapped'), '127.0.0.1')).data).toBe('served\n');
    expect((await served(fixture.port('mapped'), '127.0.0.2')).data).toBe('');
    await waitFor('START of v6', () => (fixture.serviceLines().some((line) => /^START: v6 pid=\d+ from=::1$/.test(line)) ? true : undefined));
    await fixture.waitForLine('FAIL: mapped address from=127.0.0.2');
  });

  it('writes the line without from= with ATTEMPT alone', async () => {
    expect((await served(fixture.port('attempt'), '127.0.0.2')).data).toBe('');
    await fixture.waitForLine('FAIL: attempt address');
  });
});

describe('instances, per_source and -limit', () => {
  let fixture: AccessFixture;
  const held: { socket: net.Socket }[] = [];

  beforeAll(async () => {
    fixture = await startFixture({
      services: [catService('limited', ['instances = 1']), catService('persrc', ['per_source = 1']), catService('other')],
      args: ['-limit', '3'],
    });
  });
  afterEach(() => {
    for (const connection of held.splice(0)) connection.socket.destroy();
  });
  afterAll(async () => fixture?.stop());

  async function holdStarted(id: string, localAddress: string): Promise<void> {
    const before = fixture.serviceLines().filter((line) => line.startsWith(`START: ${id} `)).length;
    held.push(await hold(fixture.port(id), localAddress));
    await waitFor(`START of ${id}`, () => (fixture.serviceLines().filter((line) => line.startsWith(`START: ${id} `)).length > before ? true : undefined));
  }

  it('refuses a connection over instances', async () => {
    await holdStarted('limited', '127.0.0.1');
    expect((await served(fixture.port('limited'), '127.0.0.2')).data).toBe('');
    await fixture.waitForLine('FAIL: limited service_limit from=127.0.0.2');
  });

  it('refuses a second connection from one source over per_source', async () => {
    await holdStarted('persrc', '127.0.0.3');
    expect((await served(fixture.port('persrc'), '127.0.0.3')).data).toBe('');
    await fixture.waitForLine('FAIL: persrc per_source_limit from=127.0.0.3');
    await holdStarted('persrc', '127.0.0.4');
  });

  it('refuses a connection over -limit', async () => {
    await holdStarted('other', '127.0.0.1');
    await holdStarted('other', '127.0.0.1');
    await holdStarted('other', '127.0.0.1');
    expect((await served(fixture.port('other'), '127.0.0.1')).data).toBe('');
    await fixture.waitForLine('FAIL: other process_limit from=127.0.0.1');
  });
});

describe('cps, max_load and access_times', () => {
  let fixture: AccessFixture;
  const now = new Date();
  const later = (now.getHours() + 2) % 22;

  beforeAll(async () => {
    fixture = await startFixture({
      services: [
        echoService('cpsvc', ['cps = 2 2']),
        echoService('loaded', ['max_load = 2']),
        echoService('timed', [`access_times = ${later}:00-${later + 1}:00`]),
        echoService('anytime', ['access_times = 0:00-23:59']),
      ],
      files: { loadavg: '5.00 1.00 0.50 1/100 1234\n' },
    });
  });
  afterAll(async () => fixture?.stop());

  it('cps closes, then reopens the service', async () => {
    const port = fixture.port('cpsvc');
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await served(port));
    expect(results.map((result) => result.data)).toEqual(['served\n', 'served\n', '']);
    await fixture.waitForLine('FAIL: cpsvc connections per second from=127.0.0.1');
    await fixture.waitForProgramLine(/^ERROR: Deactivating service cpsvc due to excessive incoming connections\.  Restarting in 2 seconds\.$/);
    expect(await connectionRefused(port)).toBe(true);
    await fixture.waitForProgramLine(/^ERROR: Activating service cpsvc$/);
    expect((await served(port)).data).toBe('served\n');
  });

  it('refuses while the load is at or over max_load', async () => {
    expect((await served(fixture.port('loaded'))).data).toBe('');
    await fixture.waitForLine('FAIL: loaded load from=127.0.0.1');
    await fixture.waitForProgramLine(/^ERROR: refused connect from 127\.0\.0\.1 due to excessive load$/);
  });

  it('refuses outside access_times', async () => {
    expect((await served(fixture.port('timed'))).data).toBe('');
    await fixture.waitForLine('FAIL: timed time from=127.0.0.1');
    expect((await served(fixture.port('anytime'))).data).toBe('served\n');
  });
});

describe('max_load below the limit', () => {
  it('serves while the load is under max_load', async () => {
    const fixture = await startFixture({ services: [echoService('loaded', ['max_load = 2'])], files: { loadavg: '1.99 1.00 0.50 1/100 1234\n' } });
    try {
      const port = fixture.port('loaded');
      expect((await served(port)).data).toBe('served\n');
      writeFileSync(join(fixture.dir, 'loadavg'), '2.00 1.00 0.50 1/100 1234\n');
      expect((await served(port)).data).toBe('');
      await fixture.waitForLine('FAIL: loaded load from=127.0.0.1');
    } finally {
      await fixture.stop();
    }
  });
});

describe('bad address lists', () => {
  it('stop only the service that has them, naming file, line and token', async () => {
    const fixture = await startFixture({
      services: [
        echoService('badmask', ['only_from = 127.0.0.1 10.0.0.0/40']),
        echoService('badbraces', ['no_access = 127.0.0.{1,,2}']),
        echoService('badv6', ['only_from = ::1/129']),
        echoService('good', ['only_from = 127.0.0.1']),
      ],
    });
    try {
      expect([...fixture.daemon.ports.keys()]).toEqual(['good']);
      await fixture.waitForProgramLine(/xinetd\.conf:\d+: service badmask: attribute "only_from": invalid address "10\.0\.0\.0\/40": the prefix length 40 is larger than 32$/);
      await fixture.waitForProgramLine(/service badbraces: attribute "no_access": invalid address "127\.0\.0\.\{1,,2\}"/);
      await fixture.waitForProgramLine(/service badv6: attribute "only_from": invalid address "::1\/129": the prefix length 129 is larger than 128$/);
      expect((await served(fixture.port('good'), '127.0.0.2')).data).toBe('');
      expect((await served(fixture.port('good'), '127.0.0.1')).data).toBe('served\n');
    } finally {
      await fixture.stop();
    }
  });
});

describe('datagram address failures', () => {
  it('log one FAIL per source address and port a minute', async () => {
    const fixture = await startFixture({
      services: [serviceText('daytime', ['type = INTERNAL UNLISTED', 'id = daytime-dgram', 'socket_type = dgram', 'protocol = udp', 'wait = yes', 'only_from = 127.0.0.9'])],
    });
    const sockets = [dgram.createSocket('udp4'), dgram.createSocket('udp4')];
    try {
      const port = fixture.port('daytime-dgram');
      await Promise.all(sockets.map((socket, i) => new Promise<void>((resolve) => socket.bind(0, `127.0.0.${i + 1}`, resolve))));
      const send = (socket: dgram.Socket) => new Promise<void>((resolve) => socket.send('x', port, '127.0.0.1', () => resolve()));
      await send(sockets[0]!);
      await send(sockets[0]!);
      await fixture.waitForLine('FAIL: daytime-dgram address from=127.0.0.1');
      await send(sockets[1]!);
      await fixture.waitForLine('FAIL: daytime-dgram address from=127.0.0.2');
      // The datagrams are handled in order, so a line for the repeat would come before this one.
      expect(fixture.serviceLines().filter((line) => line.startsWith('FAIL: '))).toEqual([
        'FAIL: daytime-dgram address from=127.0.0.1',
        'FAIL: daytime-dgram address from=127.0.0.2',
      ]);
    } finally {
      for (const socket of sockets) socket.close();
      await fixture.stop();
    }
  });
});

describe('system resolver', () => {
  // Only 127.0.0.1 is asked: /etc/hosts names it localhost, so no DNS server is queried.
  it('confirms localhost through getnameinfo and getaddrinfo', async () => {
    const fixture = await startFixture({ services: [echoService('local', ['only_from = localhost'])], env: { XINETD_TS_HOSTS_FILE: '' } });
    try {
      expect((await served(fixture.port('local'), '127.0.0.1')).data).toBe('served\n');
    } finally {
      await fixture.stop();
    }
  });
});
