/**
 * Log sinks: `log_type SYSLOG` and `-syslog` to a real rsyslogd listening on a temporary
 * socket, the size limits of `log_type FILE`, and log files reopened on reload.
 */
import { renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, readIfExists, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { HAS_RSYSLOG, startRsyslog, type RunningRsyslog } from '../support/rsyslog.js';
import { TCP, block, waitForLine, writeConfig } from './support.js';

/** rsyslog rules that write every message as `facility.level tag msg` to `output`. */
function plainRules(output: string): string[] {
  return [
    'template(name="plain" type="string" string="%syslogfacility-text%.%syslogseverity-text% %syslogtag%%msg%\\n")',
    `*.* action(type="omfile" file="${output}" template="plain")`,
  ];
}

describe.skipIf(!HAS_RSYSLOG)('syslog', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;
  let rsyslog: RunningRsyslog | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-syslog');
  });

  afterEach(async () => {
    await daemon?.stop('SIGTERM');
    daemon = undefined;
    await rsyslog?.stop();
    rsyslog = undefined;
    removeDir(dir);
  });

  it('service and daemon lines reach rsyslogd', async () => {
    const output = join(dir, 'syslog.out');
    rsyslog = await startRsyslog(dir, plainRules(output));
    const config = writeConfig(
      dir,
      block('viasyslog', [...TCP, 'wait = no', 'user = root', 'server = /bin/echo', 'server_args = hi', 'log_type = SYSLOG local3 notice', 'log_on_success = PID HOST EXIT']),
    );
    daemon = await startDaemon(['-f', config, '-syslog', 'daemon', '-syslogsocket', rsyslog.socket]);
    expect((await exchange(daemon.ports.get('viasyslog')!, '')).data).toBe('hi\n');
    const pid = daemon.process.pid!;
    await waitForLine(output, new RegExp(`local3\\.notice xinetd\\[${pid}\\]: ?START: viasyslog pid=(\\d+) from=127\\.0\\.0\\.1`));
    await waitForLine(output, new RegExp(`local3\\.notice xinetd\\[${pid}\\]: ?EXIT: viasyslog status=0 pid=\\d+`));
    await waitForLine(output, new RegExp(`daemon\\.notice xinetd\\[${pid}\\]: ?Started working: 1 available service\\n`));
    await daemon.stop('SIGTERM');
    await waitForLine(output, new RegExp(`daemon\\.warning xinetd\\[${pid}\\]: ?Exiting\\.\\.\\.`));
  });

  it('reports a syslog socket that nobody listens on, and keeps serving', async () => {
    const config = writeConfig(dir, block('lost', [...TCP, 'wait = no', 'user = root', 'server = /bin/echo', 'server_args = still', 'log_type = SYSLOG daemon info', 'log_on_success = PID HOST']));
    const missing = join(dir, 'no.sock');
    daemon = await startDaemon(['-f', config, '-syslogsocket', missing]);
    expect((await exchange(daemon.ports.get('lost')!, '')).data).toBe('still\n');
    await waitFor('the logger error', () => (daemon!.stderr().includes(`syslog socket ${missing} is missing`) ? true : undefined));
    expect((await exchange(daemon.ports.get('lost')!, '')).data).toBe('still\n');
  });
});

describe('file logs', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-filelog');
  });

  afterEach(async () => {
    await daemon?.stop('SIGTERM');
    daemon = undefined;
    removeDir(dir);
  });

  it('hard limit stops the log, each limit reported once', async () => {
    const log = join(dir, 'limited.log');
    const config = writeConfig(dir, block('chatty', [...TCP, 'wait = no', 'user = root', 'server = /bin/true', `log_type = FILE ${log} 300 500`, 'log_on_success = PID HOST EXIT']));
    daemon = await startDaemon(['-f', config]);
    const port = daemon.ports.get('chatty')!;
    for (let i = 0; i < 12; i++) await exchange(port, '');
    await waitFor('the hard limit message', () => (daemon!.stderr().includes('ERROR: Size of chatty log exceeded hard limit') ? true : undefined));
    const size = statSync(log).size;
    expect(size).toBeGreaterThan(500);
    expect(size).toBeLessThan(600);
    for (let i = 0; i < 3; i++) await exchange(port, '');
    expect(statSync(log).size).toBe(size);
    expect(daemon.stderr().match(/exceeded soft limit/g)).toHaveLength(1);
    expect(daemon.stderr().match(/exceeded hard limit/g)).toHaveLength(1);
  });

  it('reopens a rotated log on reload', async () => {
    const log = join(dir, 'rotate.log');
    const config = writeConfig(dir, block('rotating', [...TCP, 'wait = no', 'user = root', 'server = /bin/true', `log_type = FILE ${log}`, 'log_on_success = PID HOST EXIT']));
    daemon = await startDaemon(['-f', config]);
    const port = daemon.ports.get('rotating')!;
    await exchange(port, '');
    await waitForLine(log, /EXIT: rotating/);
    renameSync(log, `${log}.1`);
    daemon.process.kill('SIGHUP');
    await waitFor('the reload', () => (daemon!.stderr().includes('Reconfigured') ? true : undefined));
    await exchange(port, '');
    await waitForLine(log, /START: rotating[^]*EXIT: rotating/);
    expect(readIfExists(`${log}.1`).match(/START: rotating/g)).toHaveLength(1);
  });
});
