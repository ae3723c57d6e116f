/**
 * Debian's fail2ban-regex runs tools/fail2ban's filter on logs the real daemon wrote, in
 * both classic forms, and must find the same refusals per address as `logq fails`, with
 * the time of each line. Needs Debian's fail2ban (`apt-get install -y fail2ban`).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, exchange, makeTempDir, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';
import { LIMITED_SOURCE, REFUSALS, logqFails, toSyslogLines, writeDaemonLogs, type LogqFailGroup, type WorkloadLogs } from './workload.js';

const FILTER = join(ROOT, 'tools', 'fail2ban', 'filter.d', 'xinetd-ts.conf');
const JAIL = join(ROOT, 'tools', 'fail2ban', 'jail.d', 'xinetd-ts.conf');
/** FAIL reasons that the filter bans on; the others are about the server, not the client. */
const BANNED_REASONS = new Set(['address', 'libwrap', 'per_source_limit']);

interface Failure {
  ip: string;
  /** Seconds since the epoch, as fail2ban read it from the line. */
  time: number;
}

/** Runs fail2ban-regex with `-o row`, which prints one `['ip', time, {...}],` row per failure. */
function runFail2banRegex(log: string, filter: string): Failure[] {
  const output = execFileSync('fail2ban-regex', ['-o', 'row', log, filter], { encoding: 'utf8' });
  return [...output.matchAll(/^\['([^']+)',\s*([\d.]+),/gm)].map((m) => ({ ip: m[1]!, time: Number(m[2]) }));
}

function countByAddress(failures: Failure[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { ip } of failures) counts.set(ip, (counts.get(ip) ?? 0) + 1);
  return counts;
}

/** The per-address counts logq reports for the reasons the filter bans on. */
function logqCounts(groups: LogqFailGroup[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const group of groups) {
    if (group.source === null || !group.reasons.every((reason) => BANNED_REASONS.has(reason))) continue;
    counts.set(group.source, (counts.get(group.source) ?? 0) + group.count);
  }
  return counts;
}

/** Lays out a fail2ban configuration directory with Debian's common.conf and our filter. */
function makeFilterDir(dir: string): string {
  const filterDir = join(dir, 'fail2ban', 'filter.d');
  mkdirSync(filterDir, { recursive: true });
  copyFileSync('/etc/fail2ban/filter.d/common.conf', join(filterDir, 'common.conf'));
  copyFileSync(FILTER, join(filterDir, 'xinetd-ts.conf'));
  return join(filterDir, 'xinetd-ts.conf');
}

describe('fail2ban filter on the daemon\'s logs', () => {
  let dir: string;
  let logs: WorkloadLogs;
  let filter: string;
  let syslogFile: string;

  beforeAll(async () => {
    dir = makeTempDir('xinetd-ts-fail2ban');
    logs = await writeDaemonLogs(dir);
    filter = makeFilterDir(dir);
    syslogFile = join(dir, 'daemon.log');
    writeFileSync(syslogFile, toSyslogLines(readFileSync(logs.serviceLog, 'utf8'), logs.daemonPid));
  });

  afterAll(() => removeDir(dir));

  for (const form of ['file', 'syslog'] as const) {
    it(`counts the same refusals as logq (${form} form)`, () => {
      const log = form === 'file' ? logs.serviceLog : syslogFile;
      const found = countByAddress(runFail2banRegex(log, filter));
      const expected = logqCounts(logqFails(dir, form, [log]));
      expect(expected).toEqual(new Map(REFUSALS));
      expect(found).toEqual(expected);
    });

    it(`reads the time of every line (${form} form)`, () => {
      const log = form === 'file' ? logs.serviceLog : syslogFile;
      const failures = runFail2banRegex(log, filter);
      const groups = logqFails(dir, `${form}-times`, [log]);
      for (const [address] of REFUSALS) {
        const times = failures.filter((failure) => failure.ip === address).map((failure) => failure.time * 1000);
        const group = groups.find((candidate) => candidate.source === address)!;
        expect(Math.min(...times), address).toBe(Date.parse(group.first_seen));
        expect(Math.max(...times), address).toBe(Date.parse(group.last_seen));
      }
    });
  }

  it('leaves out a service limit hit', () => {
    const groups = logqFails(dir, 'limit', [logs.serviceLog]);
    expect(groups.find((group) => group.source === LIMITED_SOURCE)?.reasons).toEqual(['service_limit']);
    expect(runFail2banRegex(logs.serviceLog, filter).map((failure) => failure.ip)).not.toContain(LIMITED_SOURCE);
  });

  it('matches every banned reason and no other', () => {
    const lines = [
      '26/12/4@19:48:04: FAIL: telnet address from=192.0.2.7',
      '26/12/4@19:48:05: FAIL: telnet libwrap from=::ffff:192.0.2.8',
      '26/12/4@19:48:06: FAIL: telnet per_source_limit from=2001:db8::9',
      '26/12/4@19:48:07: FAIL: telnet service_limit from=192.0.2.10',
      '26/12/4@19:48:08: FAIL: telnet process_limit from=192.0.2.11',
      '26/12/4@19:48:09: FAIL: telnet connections per second from=192.0.2.12',
      '26/12/4@19:48:10: FAIL: telnet time from=192.0.2.13',
      '26/12/4@19:48:11: FAIL: telnet load from=192.0.2.14',
      '26/12/4@19:48:12: START: telnet pid=7 from=192.0.2.15',
      'Dec  4 19:48:13 gw xinetd[812]: FAIL: ftp libwrap from=192.0.2.16',
    ];
    const log = join(dir, 'reasons.log');
    writeFileSync(log, `${lines.join('\n')}\n`);
    const found = runFail2banRegex(log, filter).map((failure) => failure.ip);
    expect(found).toEqual(['192.0.2.7', '192.0.2.8', '2001:db8::9', '192.0.2.16']);
  });

  it('loads the jails with Debian\'s fail2ban configuration', () => {
    const confDir = join(dir, 'etc-fail2ban');
    execFileSync('cp', ['-r', '/etc/fail2ban', confDir]);
    copyFileSync(FILTER, join(confDir, 'filter.d', 'xinetd-ts.conf'));
    const jail = readFileSync(JAIL, 'utf8').replaceAll('enabled  = false', 'enabled  = true');
    writeFileSync(join(confDir, 'jail.d', 'xinetd-ts.conf'), jail.replace('logpath  = /var/log/xinetd.log', `logpath  = ${logs.serviceLog}`));
    const dump = execFileSync('fail2ban-client', ['-c', confDir, '-d'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(dump).toContain(`['add', 'xinetd-ts', 'auto']`);
    expect(dump).toContain(`['set', 'xinetd-ts', 'addlogpath', '${logs.serviceLog}', 'head']`);
    expect(dump).toContain(`['set', 'xinetd-ts', 'maxretry', 2]`);
    expect(dump).toMatch(/\['set', 'xinetd-ts', 'datepattern', '\^%y\/%m\/%d@%H:%M:%S\\n\{\^LN-BEG\}'\]/);
    expect(dump).toContain(`['add', 'xinetd-ts-syslog',`);
  });
});

/** Writes a copy of Debian's fail2ban configuration in `dir` that bans into a file, not the firewall. */
function makeServerConfig(dir: string, serviceLog: string): string {
  const confDir = join(dir, 'etc-fail2ban');
  execFileSync('cp', ['-r', '/etc/fail2ban', confDir]);
  copyFileSync(FILTER, join(confDir, 'filter.d', 'xinetd-ts.conf'));
  const runtime = ['socket', 'pidfile', 'dbfile', 'logtarget'].map((key) => `${key} = ${join(dir, `fail2ban.${key}`)}`);
  writeFileSync(join(confDir, 'fail2ban.local'), `[Definition]\n${runtime.join('\n')}\n`);
  const jail = readFileSync(JAIL, 'utf8')
    .replace('enabled  = false', 'enabled  = true')
    .replace('logpath  = /var/log/xinetd.log', `logpath  = ${serviceLog}`)
    .replace('backend  = auto', 'backend  = polling');
  // Loopback addresses are the host's own, which fail2ban ignores unless told otherwise.
  const local = `[DEFAULT]\nignoreself = false\nignoreip =\nbanaction = dummy[target=${join(dir, 'banned')}]\n\n[sshd]\nenabled = false\n`;
  writeFileSync(join(confDir, 'jail.d', 'xinetd-ts.conf'), jail);
  writeFileSync(join(confDir, 'jail.local'), local);
  return confDir;
}

describe('fail2ban jail on the running daemon', () => {
  let dir: string;
  let daemon: RunningDaemon;
  let server: ChildProcess | undefined;
  let client: (args: string[]) => string;

  beforeAll(async () => {
    dir = makeTempDir('xinetd-ts-fail2ban-live');
    const serviceLog = join(dir, 'services.log');
    const configFile = join(dir, 'xinetd.conf');
    const defaults = `defaults\n{\n\tbind = 127.0.0.1\n\tlog_type = FILE ${serviceLog}\n\tlog_on_failure = HOST\n}\n`;
    const service = 'service echo\n{\n\tid = guarded\n\ttype = INTERNAL UNLISTED\n\tsocket_type = stream\n\tprotocol = tcp\n\tport = 0\n\twait = no\n\tonly_from = 127.0.0.1\n}\n';
    writeFileSync(configFile, defaults + service);
    daemon = await startDaemon(['-f', configFile]);
    // The daemon creates a service log with its first line, and fail2ban will not start a
    // jail whose log file is missing.
    writeFileSync(serviceLog, '', { flag: 'a' });
    const confDir = makeServerConfig(dir, serviceLog);
    const socket = join(dir, 'fail2ban.socket');
    client = (args) => {
      const result = spawnSync('fail2ban-client', ['-c', confDir, '-s', socket, ...args], { encoding: 'utf8' });
      return `${result.stdout}${result.stderr}`;
    };
    server = spawn('fail2ban-server', ['-f', '-x', '-c', confDir, '-s', socket], { stdio: 'ignore' });
    await waitFor('fail2ban-server to answer', () => (client(['ping']).includes('pong') ? true : undefined), 30_000);
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) client(['stop']);
    server?.kill('SIGKILL');
    await daemon?.stop('SIGKILL');
    removeDir(dir);
  });

  it('bans after two refusals within findtime', async () => {
    const port = daemon.ports.get('guarded')!;
    for (let i = 0; i < 3; i++) await exchange(port, 'x\n', { localAddress: '127.0.0.7', end: true });
    await exchange(port, 'x\n', { localAddress: '127.0.0.8', end: true });
    await exchange(port, 'x\n', { localAddress: '127.0.0.1', end: true });
    const status = await waitFor('the ban', () => {
      const output = client(['status', 'xinetd-ts']);
      return /Banned IP list:\s*127\.0\.0\.7\s*$/m.test(output) ? output : undefined;
    }, 30_000);
    expect(status).toMatch(/Total failed:\s*4$/m);
    const banned = readFileSync(join(dir, 'banned'), 'utf8');
    expect(banned).toContain('+127.0.0.7\n');
    expect(banned).not.toContain('127.0.0.8');
  });
});
