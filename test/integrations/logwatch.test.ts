/**
 * Debian's logwatch reads, with its `secure` service, what the daemon sent through a real
 * rsyslogd to auth.log, and must report every connection and refusal per service and
 * address. Needs Debian's logwatch and rsyslog, and root. logwatch reads its settings
 * only from /etc/logwatch, so it runs in a private mount namespace where a temporary
 * directory is mounted on /etc/logwatch.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, readIfExists, removeDir } from '../support/daemon.js';
import { HAS_RSYSLOG, startRsyslog, type RunningRsyslog } from '../support/rsyslog.js';
import { ACCEPTED, LIMITED_SOURCE, REFUSALS, writeDaemonSyslog } from './workload.js';

const IS_ROOT = process.getuid?.() === 0;

type Section = Map<string, Map<string, number>>;

/** Reads `Service NAME …:` headings and `ADDRESS: N Time(s)` rows of one report section. */
function parseSection(text: string): Section {
  const section: Section = new Map();
  let service: Map<string, number> | undefined;
  for (const line of text.split('\n')) {
    const heading = /^\s+Service (\S+?)(?: \[.*\])?:$/.exec(line);
    if (heading) {
      service = new Map();
      section.set(heading[1]!, service);
      continue;
    }
    const row = /^\s+(\S+): (\d+) Time\(s\)$/.exec(line);
    if (row && service) service.set(row[1]!, Number(row[2]));
  }
  return section;
}

function reportSections(report: string): { connections: Section; refused: Section } {
  const start = report.indexOf('\n Connections:\n');
  const refused = report.indexOf('\n Refused Connections:\n');
  if (start < 0 || refused < 0) throw new Error(`no Connections and Refused Connections in logwatch's report:\n${report}`);
  return { connections: parseSection(report.slice(start, refused)), refused: parseSection(report.slice(refused)) };
}

/**
 * The two forms of a stored line: rsyslog's default, which Debian 12's rsyslog.conf keeps
 * (`2026-12-04T19:48:04.123456+00:00 host tag: msg`), and the traditional one of older
 * Debian and Red Hat's /var/log/secure (`Dec  4 19:48:04 host tag: msg`).
 */
const FORMATS = [
  { name: 'RFC 3339 timestamps, Debian 12\'s default', template: 'RSYSLOG_FileFormat', stamp: '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d+[+-]\\d{2}:\\d{2}' },
  { name: 'traditional timestamps', template: 'RSYSLOG_TraditionalFileFormat', stamp: '[A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}' },
];

/** Debian's rules for auth.log and syslog, with lines in `template`. */
function debianRules(logDir: string, template: string): string[] {
  const file = (name: string) => `action(type="omfile" file="${join(logDir, name)}" template="${template}")`;
  return [`*.*;auth,authpriv.none ${file('syslog')}`, `auth,authpriv.* ${file('auth.log')}`];
}

/** A logwatch configuration directory that reads logs from `logDir` only, never /var/log or /var/adm. */
function writeLogwatchConfig(dir: string, logDir: string, tmpDir: string): string {
  const confDir = join(dir, 'etc-logwatch');
  for (const sub of ['conf/logfiles', 'conf/services', 'scripts/services']) mkdirSync(join(confDir, sub), { recursive: true });
  // logwatch lowercases every value that is not in double quotes.
  const settings = [`LogDir = "${logDir}"`, 'AppendVarLogToLogDirs = 0', 'AppendVarAdmToLogDirs = 0', 'AppendCWDToLogDirs = 0', 'Archives = No', `TmpDir = "${tmpDir}"`];
  writeFileSync(join(confDir, 'conf', 'logwatch.conf'), `${settings.join('\n')}\n`);
  return confDir;
}

/** Runs logwatch's `secure` service with `confDir` mounted on /etc/logwatch for logwatch alone. */
function runLogwatch(confDir: string): string {
  const script = 'mount --bind "$0" /etc/logwatch && exec logwatch --service secure --range All --detail High --output stdout';
  return execFileSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, confDir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe.skipIf(!HAS_RSYSLOG || !IS_ROOT).each(FORMATS)('logwatch secure service on the daemon\'s syslog lines, $name', ({ template, stamp }) => {
  let dir: string;
  let rsyslog: RunningRsyslog | undefined;
  let authLog: string;
  let tmpDir: string;
  let report: string;

  beforeAll(async () => {
    dir = makeTempDir('xinetd-ts-logwatch');
    // logwatch lowercases its TmpDir setting, so this path has no capitals, unlike mkdtemp's.
    tmpDir = join(tmpdir(), `xinetd-ts-logwatch-tmp-${randomBytes(6).toString('hex')}`);
    mkdirSync(tmpDir, { mode: 0o700 });
    const logDir = join(dir, 'log');
    mkdirSync(logDir);
    authLog = join(logDir, 'auth.log');
    rsyslog = await startRsyslog(dir, debianRules(logDir, template));
    await writeDaemonSyslog(dir, { socket: rsyslog.socket, serviceFacilityLevel: 'authpriv info', programFacility: 'daemon', serviceLog: authLog });
    await rsyslog.stop();
    report = runLogwatch(writeLogwatchConfig(dir, logDir, tmpDir));
  });

  afterAll(async () => {
    await rsyslog?.stop();
    removeDir(dir);
    if (tmpDir) removeDir(tmpDir);
  });

  it('service lines reach auth.log', () => {
    expect(readIfExists(authLog)).toMatch(new RegExp(`^${stamp} \\S+ xinetd\\[\\d+\\]: FAIL: guarded address from=127\\.0\\.0\\.2$`, 'm'));
  });

  it('daemon messages go to syslog only', () => {
    expect(readIfExists(join(dir, 'log', 'syslog'))).toMatch(/ xinetd\[\d+\]: Started working: 2 available services$/m);
    expect(readIfExists(authLog)).not.toMatch(/Started working/);
  });

  it('reports every accepted connection by host', () => {
    const { connections } = reportSections(report);
    expect(connections.get('guarded')).toEqual(new Map(ACCEPTED));
    expect(connections.get('single')).toEqual(new Map([[LIMITED_SOURCE, 1]]));
  });

  it('reports every refusal by address', () => {
    const { refused } = reportSections(report);
    expect(refused.get('guarded')).toEqual(new Map(REFUSALS));
    expect(refused.get('single')).toEqual(new Map([[LIMITED_SOURCE, 1]]));
  });

  it('leaves no xinetd line unmatched', () => {
    expect(report).not.toMatch(/Unmatched Entries[\s\S]*xinetd/);
  });
});
