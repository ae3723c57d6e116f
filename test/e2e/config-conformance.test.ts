/**
 * Side by side with Debian's xinetd 2.3.15.3: both daemons read the same broken and odd
 * configuration, and the sockets each one listens on show which services it enabled.
 * They must agree, except where docs/differences.md says xinetd-ts differs on purpose.
 * Every service binds 127.0.0.1 through the defaults, on a port picked free.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, readIfExists, removeDir, startDaemon, waitFor } from '../support/daemon.js';

const XINETD = '/usr/sbin/xinetd';

interface Case {
  name: string;
  /** Attribute lines; `@PORT@` is replaced by the case's port. */
  lines: string[];
  /** Writes `service echo {` on one line, which xinetd rejects. */
  braceOnHeader?: boolean;
  /** Whether xinetd enables the service. */
  xinetd: boolean;
  /** Whether xinetd-ts does, when it differs, with the words of the docs/differences.md row that gives the reason. */
  ours?: { enabled: boolean; why: string };
}

const INTERNAL = ['type = INTERNAL UNLISTED', 'port = @PORT@', 'socket_type = stream', 'wait = no'];
const CAT = ['type = UNLISTED', 'port = @PORT@', 'socket_type = stream', 'wait = no', 'user = root', 'server = /bin/cat'];

const CASES: Case[] = [
  { name: 'plain', lines: INTERNAL, xinetd: true },
  { name: 'external', lines: CAT, xinetd: true },
  { name: 'nowait', lines: INTERNAL.filter((line) => !line.startsWith('wait')), xinetd: false },
  { name: 'unknownattr', lines: [...INTERNAL, 'sever = /bin/cat'], xinetd: true },
  { name: 'badflag', lines: [...INTERNAL, 'flags = FOO'], xinetd: false },
  { name: 'oldflag', lines: [...INTERNAL, 'flags = DISABLE'], xinetd: false },
  { name: 'hashcomment', lines: [...INTERNAL.filter((line) => !line.startsWith('wait')), 'wait = no # not a comment'], xinetd: false },
  { name: 'disabled', lines: [...INTERNAL, 'disable = yes'], xinetd: false },
  { name: 'midnight', lines: [...INTERNAL, 'access_times = 12:00-24:00'], xinetd: false },
  { name: 'record', lines: [...INTERNAL, 'log_on_failure = RECORD'], xinetd: false },
  { name: 'nameinargs', lines: [...INTERNAL, 'flags = NAMEINARGS', 'server_args = x'], xinetd: false },
  { name: 'noserver', lines: CAT.map((line) => (line.startsWith('server') ? 'server = /nonexistent/bin' : line)), xinetd: false },
  { name: 'nouser', lines: CAT.filter((line) => !line.startsWith('user')), xinetd: false },
  { name: 'upper', lines: ['TYPE = internal unlisted', 'Port = @PORT@', 'Socket_Type = STREAM', 'WAIT = No'], xinetd: true },
  { name: 'listedoff', lines: ['type = INTERNAL', 'port = @PORT@', 'socket_type = stream', 'wait = no'], xinetd: false },
  { name: 'traffic', lines: [...INTERNAL, 'log_on_success = TRAFFIC'], xinetd: false },
  { name: 'comma', lines: [...INTERNAL, 'only_from = 127.0.0.1,127.0.0.2'], xinetd: false },
  { name: 'plusonce', lines: [...INTERNAL, 'instances += 5'], xinetd: true },
  { name: 'envminus', lines: [...CAT, 'env -= A=1'], xinetd: false },
  { name: 'dupport', lines: [...INTERNAL, 'port = 1'], xinetd: true },
  { name: 'braceonheader', lines: INTERNAL, braceOnHeader: true, xinetd: false },
  { name: 'listdisabled', lines: INTERNAL, xinetd: false },
  { name: 'badtype', lines: [...INTERNAL.map((line) => (line.startsWith('type') ? 'type = INTERNAL UNLISTED SPECIALX' : line))], xinetd: false },
  {
    name: 'cpsarity',
    lines: [...INTERNAL, 'cps = 10'],
    xinetd: true,
    ours: { enabled: false, why: 'wrong number of values' },
  },
  {
    name: 'dgramnowait',
    lines: ['type = INTERNAL UNLISTED', 'port = @PORT@', 'socket_type = dgram', 'wait = no'],
    xinetd: true,
    ours: { enabled: false, why: '`dgram` with `wait = no`' },
  },
  {
    name: 'badonlyfrom',
    lines: [...INTERNAL, 'only_from = 127.0.0.1 no.such.host.invalid'],
    xinetd: true,
    ours: { enabled: true, why: 'same result: host names are checked for syntax only' },
  },
];

/** Internal services are chosen by service name, so those cases are all `echo`, with their own ids. */
function serviceName(entry: Case): string {
  return entry.lines.some((line) => /internal/i.test(line)) ? 'echo' : `c${entry.name}`;
}

const handedOut = new Set<number>();

/**
 * Returns a free port not returned before. The kernel can give a released port out again,
 * and two cases on one port would make one case's socket count for the other.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    server.close();
    await once(server, 'close');
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function entryText(entry: Case, port: number): string {
  const lines = entry.lines.map((line) => `\t${line.replace('@PORT@', String(port))}`);
  const header = entry.braceOnHeader === true ? `service ${serviceName(entry)} {` : `service ${serviceName(entry)}\n{`;
  return `${header}\n\tid = c${entry.name}\n${lines.join('\n')}\n}\n\n`;
}

/** Returns the inodes of the sockets the process has open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // The descriptor closed while it was listed.
    }
  }
  return inodes;
}

/** Local ports of the listening TCP and bound UDP sockets of a process, from /proc/net. */
function listeningPorts(pid: number): Set<number> {
  const inodes = socketInodes(pid);
  const ports = new Set<number>();
  for (const [table, state] of [['tcp', '0A'], ['tcp6', '0A'], ['udp', '07'], ['udp6', '07']] as const) {
    for (const row of readIfExists(`/proc/net/${table}`).split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      if (fields[3] === state && inodes.has(fields[9] ?? '')) ports.add(Number.parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

async function xinetdPorts(dir: string): Promise<{ ports: Set<number>; log: string }> {
  const log = join(dir, 'xinetd.log');
  const child = spawn(XINETD, ['-dontfork', '-filelog', log, '-f', join(dir, 'xinetd.conf'), '-pidfile', join(dir, 'xinetd.pid')], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  try {
    await waitFor('xinetd to start', () => (readIfExists(log).includes('Started working') ? true : undefined));
    return { ports: listeningPorts(child.pid!), log: readIfExists(log) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function oursPorts(dir: string): Promise<{ ports: Set<number>; log: string }> {
  const daemon = await startDaemon(['-f', join(dir, 'xinetd.conf'), '-stayalive']);
  try {
    return { ports: listeningPorts(daemon.process.pid!), log: daemon.stderr() };
  } finally {
    await daemon.stop();
  }
}

describe.skipIf(!existsSync(XINETD))("enabled services, side by side with Debian's xinetd", () => {
  const ports = new Map<string, number>();
  let dir = '';
  let theirs: { ports: Set<number>; log: string };
  let ours: { ports: Set<number>; log: string };

  beforeAll(async () => {
    dir = makeTempDir('conformance');
    const parts = ['defaults\n{\n\tbind = 127.0.0.1\n\tinstances = 10\n\tdisabled = clistdisabled\n}\n\n'];
    for (const entry of CASES) {
      const port = await freePort();
      ports.set(entry.name, port);
      parts.push(entryText(entry, port));
    }
    // Files with a dot or a trailing ~ are skipped by includedir.
    mkdirSync(join(dir, 'd'));
    const skippedPort = await freePort();
    ports.set('skippedfile', skippedPort);
    writeFileSync(join(dir, 'd', 'skipped.conf'), entryText({ name: 'skippedfile', lines: INTERNAL, xinetd: false }, skippedPort));
    writeFileSync(join(dir, 'd', 'backup~'), entryText({ name: 'skippedfile', lines: INTERNAL, xinetd: false }, skippedPort));
    parts.push(`includedir ${join(dir, 'd')}\n`);
    writeFileSync(join(dir, 'xinetd.conf'), parts.join(''));
    theirs = await xinetdPorts(dir);
    ours = await oursPorts(dir);
  }, 60_000);

  afterAll(() => {
    if (dir) removeDir(dir);
  });

  it('agrees on every case, except the documented differences', () => {
    const rows = CASES.map((entry) => {
      const port = ports.get(entry.name)!;
      return { name: entry.name, xinetd: theirs.ports.has(port), ours: ours.ports.has(port) };
    });
    const expected = CASES.map((entry) => ({ name: entry.name, xinetd: entry.xinetd, ours: entry.ours?.enabled ?? entry.xinetd }));
    expect(rows, `xinetd log:\n${theirs.log}\nxinetd-ts:\n${ours.log}`).toEqual(expected);
  });

  it('both skip the files includedir ignores', () => {
    const port = ports.get('skippedfile')!;
    expect(theirs.ports.has(port)).toBe(false);
    expect(ours.ports.has(port)).toBe(false);
  });

  it('lists each deliberate difference in docs/differences.md', () => {
    const differences = readFileSync(join(__dirname, '..', '..', 'docs', 'differences.md'), 'utf8');
    for (const entry of CASES.filter((item) => item.ours !== undefined && item.ours.enabled !== item.xinetd)) {
      expect(differences).toContain(entry.ours!.why);
    }
  });
});
