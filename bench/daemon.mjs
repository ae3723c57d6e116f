#!/usr/bin/env node
// Connection rates of xinetd-ts and Debian's xinetd, side by side on one configuration:
// an external server (/bin/cat) and internal echo, each sequential and with 32 clients in
// parallel. Each connection sends one line, half-closes and reads the echo to the end.
// Rounds alternate between the daemons; the median of the rounds is reported, with the
// daemon's CPU time per connection (for xinetd-ts, the daemon's plus its spawner's).
// Usage: node bench/daemon.mjs [rounds] [connections]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.argv[2] ?? 3);
const CONNECTIONS = Number(process.argv[3] ?? 400);
const PARALLEL = 32;
const ROUND_LIMIT_MS = 60_000;
const TICKS_PER_SECOND = 100;

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function config(catPort, echoPort) {
  const common = ['type = UNLISTED', 'socket_type = stream', 'protocol = tcp', 'wait = no', 'bind = 127.0.0.1', 'instances = UNLIMITED', 'cps = 100000 1'];
  const block = (name, lines) => `service ${name}\n{\n${lines.map((line) => `\t${line}`).join('\n')}\n}\n`;
  return (
    block('benchcat', [...common, `port = ${catPort}`, 'user = root', 'server = /bin/cat']) +
    block('echo', [...common.map((line) => (line === 'type = UNLISTED' ? 'type = INTERNAL UNLISTED' : line)), `port = ${echoPort}`, 'id = echo-bench'])
  );
}

function oneConnection(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let received = 0;
    socket.on('connect', () => socket.end('ping\n'));
    socket.on('data', (chunk) => {
      received += chunk.length;
    });
    socket.on('close', () => (received === 5 ? resolve() : reject(new Error(`port ${port}: got ${received} bytes, not 5`))));
    socket.on('error', reject);
  });
}

async function drive(port, concurrency) {
  let next = 0;
  const deadline = Date.now() + ROUND_LIMIT_MS;
  const worker = async () => {
    while (next < CONNECTIONS && Date.now() < deadline) {
      next++;
      await oneConnection(port);
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rate: next / seconds, count: next };
}

function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** xinetd-ts's long-lived spawner does the forking that xinetd does itself, so its CPU time counts as the daemon's. */
function spawnerOf(pid) {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(entry)[1]) !== pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('xinetd-ts-child')) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return null;
}

function cpuTicks(pid) {
  const ticks = (target) => {
    const fields = statFields(target);
    return Number(fields[11]) + Number(fields[12]);
  };
  const spawner = spawnerOf(pid);
  return ticks(pid) + (spawner === null ? 0 : ticks(spawner));
}

async function waitForPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

async function startDaemon(kind, dir) {
  const [catPort, echoPort] = [await freePort(), await freePort()];
  const file = join(dir, `${kind}.conf`);
  writeFileSync(file, config(catPort, echoPort));
  const log = join(dir, `${kind}.log`);
  const child =
    kind === 'xinetd'
      ? spawn('/usr/sbin/xinetd', ['-dontfork', '-f', file, '-filelog', log], { stdio: 'ignore' })
      : spawn(process.execPath, [join(ROOT, 'bin', 'xinetd-ts.js'), '-dontfork', '-f', file, '-filelog', log], { stdio: 'ignore' });
  await waitForPort(catPort);
  await waitForPort(echoPort);
  // Let the probe connections' servers finish before measuring.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { child, ports: { cat: catPort, echo: echoPort } };
}

async function stopDaemon(daemon) {
  const exited = new Promise((resolve) => daemon.child.once('exit', resolve));
  daemon.child.kill('SIGTERM');
  await exited;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(kind, dir, results) {
  const daemon = await startDaemon(kind, dir);
  try {
    for (const service of ['cat', 'echo']) {
      for (const [mode, concurrency] of [['sequential', 1], ['parallel', PARALLEL]]) {
        const before = cpuTicks(daemon.child.pid);
        const { rate, count } = await drive(daemon.ports[service], concurrency);
        const cpuMicros = ((cpuTicks(daemon.child.pid) - before) / TICKS_PER_SECOND / count) * 1e6;
        const key = `${service} ${mode}`;
        (results[kind][key] ??= []).push({ rate, cpuMicros });
        process.stderr.write(`${kind.padEnd(9)} ${key.padEnd(16)} ${rate.toFixed(0).padStart(6)} conn/s  ${cpuMicros.toFixed(0).padStart(5)} µs CPU per connection\n`);
      }
    }
  } finally {
    await stopDaemon(daemon);
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-daemon-'));
  const results = { 'xinetd-ts': {}, xinetd: {} };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ['xinetd-ts', 'xinetd']) await measure(kind, dir, results);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${CONNECTIONS} connections per run, ${PARALLEL} clients in parallel, median of ${ROUNDS} rounds\n`);
  console.log('| service | mode | xinetd-ts conn/s | xinetd conn/s | ratio | xinetd-ts CPU µs/conn | xinetd CPU µs/conn |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const key of Object.keys(results['xinetd-ts'])) {
    const ours = results['xinetd-ts'][key];
    const theirs = results.xinetd[key];
    const [service, mode] = key.split(' ');
    const a = median(ours.map((run) => run.rate));
    const b = median(theirs.map((run) => run.rate));
    const cpuA = median(ours.map((run) => run.cpuMicros));
    const cpuB = median(theirs.map((run) => run.cpuMicros));
    console.log(`| ${service} | ${mode} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a / b).toFixed(2)} | ${cpuA.toFixed(0)} | ${cpuB.toFixed(0)} |`);
  }
}

await main();
