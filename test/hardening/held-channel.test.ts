/**
 * A wait = yes server that exits without accepting leaves its connection pending, so the
 * helper asks for it again and again until "cps" deactivates the service. The answer to a
 * request still in flight then found the helper's channel closed; that must not stop the
 * daemon.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exchange, makeTempDir, removeDir, startDaemon, type RunningDaemon } from '../support/daemon.js';
import { TCP, block, waitForLine, writeConfig } from '../servers/support.js';

describe('a wait = yes service deactivated while a request is in flight', () => {
  let dir: string;
  let daemon: RunningDaemon | undefined;

  beforeEach(() => {
    dir = makeTempDir('xinetd-ts-held');
  });

  afterEach(async () => {
    await daemon?.stop('SIGKILL');
    daemon = undefined;
    removeDir(dir);
  });

  it('daemon keeps running', async () => {
    const log = join(dir, 'daemon.log');
    const config =
      block('quits', [...TCP, 'wait = yes', 'user = nobody', 'server = /bin/true', 'cps = 20 1']) +
      block('echo', ['type = INTERNAL UNLISTED', 'socket_type = stream', 'protocol = tcp', 'bind = 127.0.0.1', 'port = 0', 'wait = no']);
    daemon = await startDaemon(['-f', writeConfig(dir, config), '-filelog', log]);
    const pending = exchange(daemon.ports.get('quits')!, '');
    await waitForLine(log, /Deactivating service quits/);
    // The service comes back after cps's one second; the daemon must still be there then.
    await waitForLine(log, /Activating service quits/);
    expect((await exchange(daemon.ports.get('echo')!, 'still here\n', { end: true })).data).toBe('still here\n');
    expect(daemon.process.exitCode).toBeNull();
    expect(daemon.stderr()).not.toMatch(/ERR_STREAM_WRITE_AFTER_END/);
    await pending;
  });
});
