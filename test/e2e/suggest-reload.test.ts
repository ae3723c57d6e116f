/**
 * The loop that logq suggest closes: a source is refused by one service, logq reads the
 * daemon's log and writes a no_access include file, the daemon reloads, and the source
 * is then refused by every service.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGQ_BIN, exchange, makeTempDir, readIfExists, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';

const ATTACKER = '127.0.0.5';

function internalEcho(id: string, extra: string[] = []): string {
  const lines = [`id = ${id}`, 'type = INTERNAL UNLISTED', 'socket_type = stream', 'protocol = tcp', 'port = 0', 'wait = no', ...extra];
  return `service echo\n{\n${lines.map((line) => `\t${line}`).join('\n')}\n}\n`;
}

// The include directory comes before the services: a service takes the defaults'
// no_access list as it is when the service's entry starts.
function configText(dir: string): string {
  return [
    `defaults\n{\n\tbind = 127.0.0.1\n\tlog_type = FILE ${join(dir, 'services.log')}\n\tlog_on_success = PID HOST EXIT DURATION\n\tlog_on_failure = HOST\n}\n`,
    `includedir ${join(dir, 'xinetd.d')}\n`,
    internalEcho('open-echo'),
    internalEcho('private-echo', ['only_from = 127.0.0.1']),
  ].join('\n');
}

function logq(args: string[]): string {
  return execFileSync(process.execPath, [LOGQ_BIN, ...args], { encoding: 'utf8' });
}

describe('logq suggest --write --reload', () => {
  let dir: string;
  let daemon: RunningDaemon;
  const serviceLog = () => readIfExists(join(dir, 'services.log'));
  const programLog = () => readIfExists(join(dir, 'xinetd.log'));

  beforeAll(async () => {
    dir = makeTempDir('xinetd-ts-suggest');
    mkdirSync(join(dir, 'xinetd.d'));
    writeFileSync(join(dir, 'xinetd.conf'), configText(dir));
    daemon = await startDaemon(['-f', join(dir, 'xinetd.conf'), '-filelog', join(dir, 'xinetd.log'), '-pidfile', join(dir, 'xinetd.pid')]);
    await waitFor('the pidfile', () => (readIfExists(join(dir, 'xinetd.pid')) ? true : undefined));
  });

  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    removeDir(dir);
  });

  it('accepts the source on the open service at first', async () => {
    const result = await exchange(daemon.ports.get('open-echo')!, 'before\n', { localAddress: ATTACKER, end: true });
    expect(result.data).toBe('before\n');
  });

  it('logs FAIL address for repeated refusals', async () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const refused = await exchange(daemon.ports.get('private-echo')!, 'let me in\n', { localAddress: ATTACKER, end: true });
      expect(refused.data).toBe('');
    }
    const failures = await waitFor('six FAIL lines', () => {
      const count = (serviceLog().match(/FAIL: private-echo address from=127\.0\.0\.5\n/g) ?? []).length;
      return count >= 6 ? count : undefined;
    });
    expect(failures).toBe(6);
  });

  it('writes the include file and reloads the daemon', () => {
    const db = join(dir, 'logq.duckdb');
    logq(['ingest', '--db', db, join(dir, 'services.log')]);
    const include = join(dir, 'xinetd.d', '00-logq-no-access');
    const output = logq(['suggest', '--db', db, '--include-loopback', '--write', include, '--reload', join(dir, 'xinetd.pid')]);

    expect(output).toContain(`wrote ${include}: 1 entry (1 from this run, 0 kept, 0 expired and removed)`);
    expect(output).toContain(`sent SIGHUP to pid ${daemon.process.pid}`);
    const fragment = readFileSync(include, 'utf8');
    expect(fragment).toMatch(/^# entry 127\.0\.0\.5 expires \S+$/m);
    expect(fragment).toContain('\tno_access += 127.0.0.5\n');
    expect(fragment).not.toMatch(/no_access \+= 127\.0\.0\.1\b/);
  });

  it('refuses the source on every service after the reload', async () => {
    await waitFor('the reload', () => (/Reconfigured: /.test(programLog()) ? true : undefined));
    const refused = await exchange(daemon.ports.get('open-echo')!, 'after\n', { localAddress: ATTACKER, end: true });
    expect(refused.data).toBe('');
    await waitFor('FAIL address on the open service', () => (/FAIL: open-echo address from=127\.0\.0\.5\n/.test(serviceLog()) ? true : undefined));
  });

  it('still serves the host itself', async () => {
    const allowed = await exchange(daemon.ports.get('open-echo')!, 'local\n', { localAddress: '127.0.0.1', end: true });
    expect(allowed.data).toBe('local\n');
  });
});
