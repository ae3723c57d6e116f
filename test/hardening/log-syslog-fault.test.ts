/**
 * The syslog socket disappears while the daemon runs, as when the syslog daemon stops. The
 * daemon keeps serving, reports the fault once in its own log and counts the syslog lines
 * it drops. It sends to the socket again once a syslog daemon listens on it.
 */
import { existsSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { HAS_RSYSLOG, startRsyslog, type RunningRsyslog } from '../support/rsyslog.js';
import { TCP, block, waitForLine, writeConfig } from '../servers/support.js';
import { countMatches } from './log-faults-support.js';

/** rsyslog rules that append every message as `facility.level tag msg` to `output`. */
function plainRules(output: string): string[] {
  return [
    'template(name="plain" type="string" string="%syslogfacility-text%.%syslogseverity-text% %syslogtag%%msg%\\n")',
    `*.* action(type="omfile" file="${output}" template="plain")`,
  ];
}

async function greetAll(port: number, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) expect((await exchange(port, '')).data).toBe('hi\n');
}

describe.skipIf(!HAS_RSYSLOG)('syslog socket disappears', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;
  let rsyslog: RunningRsyslog | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-syslogfault');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    await rsyslog?.stop();
    rsyslog = undefined;
    removeDir(dir);
  });

  // A syslog daemon that is stopped may take its socket away. A crashed one leaves it behind, refusing datagrams.
  it.each([
    ['removed', true],
    ['left behind', false],
  ])('socket %s: one report, then resumed', async (_case, removeSocket) => {
    const syslogDir = join(dir, 'syslog');
    mkdirSync(syslogDir);
    const output = join(dir, 'syslog.out');
    rsyslog = await startRsyslog(syslogDir, plainRules(output));
    const socket = rsyslog.socket;
    const daemonLog = join(dir, 'daemon.log');
    const greeter = (name: string): string =>
      block(name, [...TCP, 'wait = no', 'user = root', 'server = /bin/echo', 'server_args = hi', 'cps = 10000 1', 'log_type = SYSLOG local3 info', 'log_on_success = PID HOST']);
    daemon = await startDaemon(['-f', writeConfig(dir, greeter('greet') + greeter('later')), '-filelog', daemonLog, '-syslogsocket', socket]);
    const port = daemon.ports.get('greet')!;
    const startLines = (name = 'greet'): number => {
      const pattern = new RegExp(`local3\\.info xinetd\\[\\d+\\]: ?START: ${name} pid=\\d+ from=127\\.0\\.0\\.1`, 'g');
      return countMatches(existsSync(output) ? readFileSync(output, 'utf8') : '', pattern);
    };

    await greetAll(port, 2);
    await waitFor('2 START lines in syslog', () => (startLines() === 2 ? true : undefined));

    // SIGKILL leaves the socket file behind, as a crash does.
    await rsyslog.stop(removeSocket ? 'SIGTERM' : 'SIGKILL');
    rsyslog = undefined;
    if (removeSocket && existsSync(socket)) unlinkSync(socket);
    expect(existsSync(socket)).toBe(!removeSocket);
    await greetAll(port, 5);
    const fault = removeSocket ? /ERROR: syslog socket \S+ is missing/g : /ERROR: logger\(1\) for \S+ exited with status 1/g;
    await waitForLine(daemonLog, fault);

    rsyslog = await startRsyslog(syslogDir, plainRules(output));
    // The socket is tried again at the first line a second or more after the fault.
    let connections = 2 + 5;
    const resumed = /WARNING: syslog socket \S+ takes lines again; at least (\d+) lines were lost while it failed/;
    let lost: string | undefined;
    for (let attempt = 0; attempt < 100 && lost === undefined; attempt += 1) {
      await greetAll(port, 1);
      connections += 1;
      lost = await waitFor('a look at the daemon log', () => [readFileSync(daemonLog, 'utf8').match(resumed)?.[1]], 100).then(([found]) => found);
      if (lost === undefined) await new Promise((done) => setTimeout(done, 100));
    }
    if (lost === undefined) throw new Error(`no "takes lines again" line in ${daemonLog} after 100 connections`);
    // A second service marks the end: once its lines arrived, every line before them has.
    await greetAll(daemon.ports.get('later')!, 2);
    await waitFor('2 START lines of the second service in syslog', () => (startLines('later') === 2 ? true : undefined));
    // A refusing socket takes the first lines of the fault into logger's pipe, where they are lost uncounted.
    const delivered = startLines();
    if (removeSocket) expect(delivered + Number(lost)).toBe(connections);
    else expect(delivered + Number(lost)).toBeGreaterThanOrEqual(connections - 5);
    expect(delivered + Number(lost)).toBeLessThanOrEqual(connections);
    console.log(`syslog socket ${_case}: ${connections} connections to greet, ${delivered} of their START lines delivered and ${lost} counted as lost, 1 report`);
    expect(Number(lost)).toBeGreaterThanOrEqual(removeSocket ? 5 : 1);
    expect(countMatches(readFileSync(daemonLog, 'utf8'), fault)).toBe(1);
    expect(daemon.process.exitCode).toBeNull();
  });
});
