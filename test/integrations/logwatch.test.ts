/**
 * Debian's logwatch reads the daemon's lines behind a syslog prefix with its `secure`
 * service, and must report every connection and refusal per service and address.
 * Needs Debian's logwatch (`apt-get install -y logwatch`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../support/daemon.js';
import { ACCEPTED, LIMITED_SOURCE, REFUSALS, toSyslogLines, writeDaemonLogs } from './workload.js';

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

describe('logwatch secure service on the daemon\'s lines', () => {
  let dir: string;
  let report: string;

  beforeAll(async () => {
    dir = makeTempDir('xinetd-ts-logwatch');
    const logs = await writeDaemonLogs(dir);
    const logDir = join(dir, 'var-log');
    mkdirSync(logDir);
    // NOTE: the daemon cannot write to syslog yet, so these are its file-log lines behind
    // the RFC 3164 prefix rsyslog writes, with xinetd's tag. Read real syslog output here
    // once `log_type SYSLOG` exists.
    writeFileSync(join(logDir, 'auth.log'), toSyslogLines(readFileSync(logs.serviceLog, 'utf8'), logs.daemonPid));
    report = execFileSync(
      'logwatch',
      ['--logdir', logDir, '--service', 'secure', '--range', 'All', '--detail', 'High', '--output', 'stdout'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  });

  afterAll(() => removeDir(dir));

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
