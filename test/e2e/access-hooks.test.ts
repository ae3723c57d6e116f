/**
 * SENSOR and the global deny list, hosts.allow/hosts.deny, banners and the identd query,
 * each against the real daemon with clients from allowed and refused loopback addresses.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoService, serviceText, startFixture, type AccessFixture } from '../support/access.js';
import { exchange, waitFor } from '../support/daemon.js';

const served = (port: number, localAddress = '127.0.0.1') => exchange(port, '', { localAddress });

describe('SENSOR and deny_time', () => {
  let fixture: AccessFixture;

  beforeAll(async () => {
    fixture = await startFixture({
      services: [
        serviceText('sensor', ['type = INTERNAL UNLISTED', 'flags = SENSOR', 'deny_time = 2']),
        serviceText('forever', ['type = INTERNAL UNLISTED', 'flags = SENSOR', 'deny_time = FOREVER']),
        serviceText('logonly', ['type = INTERNAL UNLISTED', 'flags = SENSOR']),
        echoService('normal'),
      ],
      // A deny_time minute lasts 2.5 s here, so that expiry is seen within the test.
      env: { XINETD_TS_MINUTE_MS: '2500' },
    });
  });
  afterAll(async () => fixture?.stop());

  it('never serves a sensor and lists its source for every service', async () => {
    expect((await served(fixture.port('sensor'), '127.0.0.7')).data).toBe('');
    await fixture.waitForLine('FAIL: sensor address from=127.0.0.7');
    await fixture.waitForProgramLine(/^CRITICAL: \d+ \{process_sensor\} Adding 127\.0\.0\.7 to the global_no_access list for 2 minutes$/);
    expect((await served(fixture.port('normal'), '127.0.0.7')).data).toBe('');
    await fixture.waitForLine('FAIL: normal address from=127.0.0.7');
    expect((await served(fixture.port('normal'), '127.0.0.8')).data).toBe('served\n');
  });

  it('keeps the list across a reload, then expires the entry', async () => {
    fixture.daemon.process.kill('SIGHUP');
    await fixture.waitForProgramLine(/^NOTICE: Reconfigured: /);
    const refusals = (): number => fixture.serviceLines().filter((line) => line === 'FAIL: normal address from=127.0.0.7').length;
    const before = refusals();
    expect((await served(fixture.port('normal'), '127.0.0.7')).data).toBe('');
    // The line of the first test already matches, so wait for the count to grow instead.
    await waitFor('a second refusal of 127.0.0.7', () => (refusals() > before ? true : undefined));
    expect(refusals()).toBe(before + 1);
    await fixture.waitForProgramLine(/^INFO: At least 1 DENY_TIME has expired, global_no_access list updated$/);
    await fixture.waitForProgramLine(/^INFO: global_no_access list is empty\.$/);
    expect((await served(fixture.port('normal'), '127.0.0.7')).data).toBe('served\n');
  });

  it('logs FOREVER as -1 minutes and NEVER without listing', async () => {
    expect((await served(fixture.port('forever'), '127.0.0.9')).data).toBe('');
    await fixture.waitForProgramLine(/Adding 127\.0\.0\.9 to the global_no_access list for -1 minutes$/);
    expect((await served(fixture.port('logonly'), '127.0.0.10')).data).toBe('');
    await fixture.waitForLine('FAIL: logonly address from=127.0.0.10');
    expect((await served(fixture.port('normal'), '127.0.0.10')).data).toBe('served\n');
    expect(fixture.programLines().some((line) => line.includes('Adding 127.0.0.10'))).toBe(false);
  });
});

describe('hosts.allow and hosts.deny', () => {
  let fixture: AccessFixture;

  beforeAll(async () => {
    fixture = await startFixture({
      services: [
        echoService('wrapped'),
        echoService('named', ['libwrap = special']),
        echoService('unwrapped', ['flags = NOLIBWRAP']),
        serviceText('daytime', ['type = INTERNAL UNLISTED', 'id = internal-daytime']),
      ],
      files: {
        'hosts.allow': 'echo: 127.0.0.1, 127.0.0.5\nthis line has no colon\nspecial: 127.0.0.0/255.255.255.0 EXCEPT 127.0.0.3\n',
        'hosts.deny': 'echo, special: ALL\necho: 10.0.0.0/99\n',
      },
    });
  });
  afterAll(async () => fixture?.stop());

  it('allows by hosts.allow and refuses by hosts.deny with the server name', async () => {
    expect((await served(fixture.port('wrapped'), '127.0.0.5')).data).toBe('served\n');
    expect((await served(fixture.port('wrapped'), '127.0.0.2')).data).toBe('');
    await fixture.waitForLine('FAIL: wrapped libwrap from=127.0.0.2');
    await fixture.waitForProgramLine(/^INFO: libwrap refused connection to wrapped \(libwrap=echo\) from 127\.0\.0\.2$/);
  });

  it('uses the libwrap attribute and EXCEPT', async () => {
    expect((await served(fixture.port('named'), '127.0.0.4')).data).toBe('served\n');
    expect((await served(fixture.port('named'), '127.0.0.3')).data).toBe('');
    await fixture.waitForProgramLine(/^INFO: libwrap refused connection to named \(libwrap=special\) from 127\.0\.0\.3$/);
  });

  it('skips NOLIBWRAP services', async () => {
    expect((await served(fixture.port('unwrapped'), '127.0.0.2')).data).toBe('served\n');
  });

  it('reports bad lines with file and line, and a bad deny line denies', async () => {
    await fixture.waitForProgramLine(/hosts\.allow:2: missing ":" between the daemon list and the client list; the line is ignored$/);
    await fixture.waitForProgramLine(/hosts\.deny:2: "10\.0\.0\.0\/99": "99" is not a netmask such as 255\.255\.255\.0; the line rejects every client until it is fixed$/);
    // No valid line names daytime, so only the broken deny line refuses it.
    const port = fixture.port('internal-daytime');
    expect((await exchange(port, '', { localAddress: '127.0.0.6' })).data).toBe('');
    await fixture.waitForLine('FAIL: internal-daytime libwrap from=127.0.0.6');
  });

  it('reads the files again when they change', async () => {
    writeFileSync(join(fixture.dir, 'hosts.deny'), '');
    expect((await served(fixture.port('wrapped'), '127.0.0.2')).data).toBe('served\n');
  });
});

describe('banners', () => {
  let fixture: AccessFixture;

  beforeAll(async () => {
    fixture = await startFixture({
      services: [
        echoService('bannered', ['only_from = 127.0.0.1', 'banner = @DIR@/BANNER', 'banner_success = @DIR@/SUCCESS', 'banner_fail = @DIR@/FAILED']),
        echoService('missing', ['banner = /nonexistent/banner']),
      ],
      files: { BANNER: 'BANNER-ALWAYS\r\n', SUCCESS: 'BANNER-OK\r\n', FAILED: 'BANNER-FAIL\r\n' },
    });
  });
  afterAll(async () => fixture?.stop());

  it('writes banner, banner_success, then the server output', async () => {
    expect((await served(fixture.port('bannered'), '127.0.0.1')).data).toBe('BANNER-ALWAYS\r\nBANNER-OK\r\nserved\n');
  });

  it('writes banner and banner_fail to a refused client', async () => {
    expect((await served(fixture.port('bannered'), '127.0.0.2')).data).toBe('BANNER-ALWAYS\r\nBANNER-FAIL\r\n');
    await fixture.waitForLine('FAIL: bannered address from=127.0.0.2');
  });

  it('logs a missing banner file and serves anyway', async () => {
    expect((await served(fixture.port('missing'))).data).toBe('served\n');
    await fixture.waitForProgramLine(/^ERROR: service = missing, open of banner \/nonexistent\/banner failed$/);
  });
});

describe('USERID and IDONLY', () => {
  let fixture: AccessFixture;
  let identd: net.Server;
  let queries: string[];

  beforeAll(async () => {
    queries = [];
    // A small identd. Its reply to the daemon's address carries an escape sequence; other addresses get ERROR.
    identd = net.createServer((socket) => {
      socket.setEncoding('latin1');
      socket.once('data', (line: string) => {
        queries.push(line);
        const ports = line.trim().replace(/\s/g, '');
        const reply = socket.remoteAddress === '127.0.0.1' ? `${ports} : USERID : UNIX : joe\u001b[2J${'x'.repeat(400)}\r\n` : `${ports} : ERROR : NO-USER\r\n`;
        socket.end(reply);
      });
    });
    await new Promise<void>((resolve) => identd.listen(0, '127.0.0.1', resolve));
    const identPort = (identd.address() as net.AddressInfo).port;
    fixture = await startFixture({
      services: [
        echoService('ident', ['log_on_success = PID HOST USERID']),
        echoService('idonly', ['log_on_success = PID HOST USERID', 'flags = IDONLY', 'bind = 127.0.0.2']),
        echoService('failid', ['only_from = 127.0.0.9', 'log_on_failure = HOST USERID']),
      ],
      env: { XINETD_TS_IDENT_PORT: String(identPort), XINETD_TS_IDENT_TIMEOUT_MS: '5000' },
    });
  });
  afterAll(async () => {
    await fixture?.stop();
    identd?.close();
  });

  it('logs the reply, stripped of control characters and cut to length', async () => {
    expect((await served(fixture.port('ident'), '127.0.0.1')).data).toBe('served\n');
    const expected = `USERID: ident UNIX : joe?[2J${'x'.repeat(256 - 'UNIX : joe?[2J'.length)}`;
    await fixture.waitForLine(expected);
    expect(queries[0]).toMatch(/^\d+,\d+\r\n$/);
  });

  it('logs USERID for a rejected client', async () => {
    expect((await served(fixture.port('failid'), '127.0.0.1')).data).toBe('');
    await fixture.waitForLine('FAIL: failid address from=127.0.0.1');
    const lines = fixture.serviceLines();
    await fixture.waitForLine(lines.find((line) => line.startsWith('USERID: ident '))!.replace('USERID: ident ', 'USERID: failid '));
  });

  it('refuses an unidentified client of an IDONLY service with NOID', async () => {
    // The daemon queries from 127.0.0.2, the service's address, to the client's identd; no identd listens there.
    const result = await exchange(fixture.port('idonly'), '', { localAddress: '127.0.0.3', host: '127.0.0.2' });
    expect(result.data).toBe('');
    await fixture.waitForLine('NOID: idonly 127.0.0.3 no server');
  });
});
