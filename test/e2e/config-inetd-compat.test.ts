/**
 * `-inetd_compat`: the running daemon serves the entries of an inetd.conf next to its own
 * services. inetd.conf has no port field, so the echo entry listens on port 7, bound to
 * 127.0.0.1 through the defaults. The test is skipped when it cannot bind that port.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, request, startDaemon, type RunningDaemon } from '../support/daemon.js';

async function canListen(port: number): Promise<boolean> {
  const server = net.createServer();
  try {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    server.close();
    await once(server, 'close');
    return true;
  } catch {
    return false;
  }
}

const portSevenFree = await canListen(7);

describe.skipIf(!portSevenFree)('-inetd_compat', () => {
  let dir = '';
  let daemon: RunningDaemon | null = null;

  afterEach(async () => {
    await daemon?.stop();
    daemon = null;
    if (dir) removeDir(dir);
  });

  it('serves the inetd.conf entries after its own services', async () => {
    dir = makeTempDir('inetd-compat');
    const daytime = ['service daytime', '{', '\ttype = INTERNAL UNLISTED', '\tport = 0', '\tsocket_type = stream', '\twait = no', '}'];
    writeFileSync(join(dir, 'xinetd.conf'), ['defaults', '{', '\tbind = 127.0.0.1', '}', ...daytime, ''].join('\n'));
    writeFileSync(join(dir, 'inetd.conf'), '# echo from inetd.conf\necho\tstream\ttcp\tnowait\troot\tinternal\n');
    daemon = await startDaemon(['-f', join(dir, 'xinetd.conf'), '-inetd_conf', join(dir, 'inetd.conf')]);
    expect([...daemon.ports.keys()]).toEqual(['daytime', 'echo-stream']);
    expect(daemon.ports.get('echo-stream')).toBe(7);
    expect(await request(7, 'ping\n', 'ping\n')).toBe('ping\n');
  });
});
