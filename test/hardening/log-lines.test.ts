/**
 * Hostile values that reach log lines: a service id with terminal escapes, a 5,000-character
 * id, a banner path with control characters and an included file whose name contains a
 * newline. The classic logs stay one escaped record per line; the JSONL log keeps the
 * exact values, one object per line.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, type RunningDaemon } from '../support/daemon.js';
import { block, waitForLine, writeConfig } from '../servers/support.js';

const EVIL_ID = 'ev\u001b[31mil\u0007';
const LONG_ID = 'L'.repeat(5000);
const PROGRAM_LINE = /^\d\d\/\d{1,2}\/\d{1,2}@\d\d:\d\d:\d\d xinetd\[\d+\]: (ERROR|INFO|NOTICE|WARNING): /;
const SERVICE_LINE = /^\d\d\/\d{1,2}\/\d{1,2}@\d\d:\d\d:\d\d: (START|EXIT): /;
// Everything a terminal or a line reader could take as a line break or an escape.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function internal(name: string, id: string, extra: string[] = []): string {
  return block(name, ['type = INTERNAL UNLISTED', `id = ${id}`, 'socket_type = stream', 'protocol = tcp', 'bind = 127.0.0.1', 'port = 0', 'wait = no', ...extra]);
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').slice(0, -1);
}

describe('hostile values in log lines', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-loglines');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it('classic and JSONL logs keep one record per line', async () => {
    const included = join(dir, 'conf.d');
    mkdirSync(included);
    writeFileSync(join(included, 'bad\nname'), 'service broken\n{\n\tsocket_type = nonsense\n}\n');
    const serviceLog = join(dir, 'service.log');
    const daemonLog = join(dir, 'daemon.log');
    const jsonLog = join(dir, 'events.jsonl');
    const defaults = `defaults\n{\n\tlog_type = FILE ${serviceLog}\n\tlog_on_success = PID HOST EXIT\n\tlog_on_failure = HOST\n}\n`;
    const config = defaults + internal('echo', EVIL_ID, [`banner = ${join(dir, 'no\u001bsuch\u0001ban\u2028ner')}`]) + internal('daytime', LONG_ID) + `includedir ${included}\n`;
    daemon = await startDaemon(['-f', writeConfig(dir, config), '-filelog', daemonLog, '-jsonlog', jsonLog]);
    await exchange(daemon.ports.get(EVIL_ID)!, '', { end: true });
    await exchange(daemon.ports.get(LONG_ID)!, '');
    // echo forks in xinetd's model and logs START and EXIT; daytime replies in place and logs START only.
    await waitForLine(serviceLog, /EXIT: ev[^]*START: L|START: L[^]*EXIT: ev/, 'START of both services and EXIT of echo');
    await waitForLine(daemonLog, /open of banner/);
    await daemon.stop('SIGTERM');
    daemon = undefined;

    const program = lines(daemonLog);
    for (const line of program) expect(line).toMatch(PROGRAM_LINE);
    expect(program.join('\n')).toContain('conf.d/bad\\x0aname:3: service broken');
    expect(program.join('\n')).toContain('service = ev\\x1b[31mil\\x07, open of banner');
    expect(program.join('\n')).toContain('no\\x1bsuch\\x01ban\\u2028ner');
    const service = lines(serviceLog);
    expect(service).toHaveLength(3);
    for (const line of service) expect(line).toMatch(SERVICE_LINE);
    for (const line of [...program, ...service]) {
      expect(line).not.toMatch(CONTROL);
      expect(line.length).toBeLessThan(4096 + 40);
    }
    // The long id is cut in its START line and in its "listening on" line.
    expect([...program, ...service].filter((line) => /\.\.\. \[\d+ more characters\]$/.test(line))).toHaveLength(2);

    const records = lines(jsonLog).map((line) => JSON.parse(line) as { event: string; service?: string; msg?: string });
    expect(records.filter((record) => record.event === 'START').map((record) => record.service).sort()).toEqual([EVIL_ID, LONG_ID].sort());
    expect(records.some((record) => record.msg?.includes('bad\nname:3:'))).toBe(true);
  });
});
