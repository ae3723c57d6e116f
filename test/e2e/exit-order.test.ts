/**
 * A server that exits at once: its EXIT line must still follow its START line and carry
 * the same pid, because logq and every reader join the two by pid.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, readIfExists, removeDir, startDaemon, waitFor, type RunningDaemon } from '../support/daemon.js';

const CONNECTIONS = 40;

describe('server that exits at once', () => {
  let dir: string;
  let daemon: RunningDaemon;
  const serviceLog = () => readIfExists(join(dir, 'services.log'));

  beforeAll(async () => {
    dir = makeTempDir('xinetd-ts-exit-order');
    const config = join(dir, 'xinetd.conf');
    writeFileSync(
      config,
      [
        'service quick',
        '{',
        '\ttype = UNLISTED',
        '\tsocket_type = stream',
        '\tprotocol = tcp',
        '\tport = 0',
        '\tbind = 127.0.0.1',
        '\twait = no',
        '\tuser = nobody',
        '\tserver = /bin/true',
        '\tcps = 0 0',
        `\tlog_type = FILE ${join(dir, 'services.log')}`,
        '\tlog_on_success = PID HOST EXIT DURATION',
        '}',
        '',
      ].join('\n'),
    );
    daemon = await startDaemon(['-f', config]);
  });

  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    removeDir(dir);
  });

  it('logs START before EXIT with one pid', async () => {
    const port = daemon.ports.get('quick')!;
    for (let i = 0; i < CONNECTIONS; i++) await exchange(port, '');
    await waitFor('every EXIT line', () => ((serviceLog().match(/EXIT: quick /g) ?? []).length >= CONNECTIONS ? true : undefined));

    const lines = serviceLog().trimEnd().split('\n');
    const started = new Set<string>();
    for (const line of lines) {
      const start = / START: quick pid=(\d+) /.exec(line);
      if (start) started.add(start[1]!);
      const exit = / EXIT: quick status=0 pid=(\d+) /.exec(line);
      if (exit) {
        expect(exit[1], line).not.toBe('0');
        expect(started.has(exit[1]!), `EXIT before its START: ${line}`).toBe(true);
      }
    }
    expect(started.size).toBe(CONNECTIONS);
  });
});
