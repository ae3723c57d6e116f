#!/usr/bin/env node
/**
 * Writes a week of example logs for logq: services.log (a `log_type FILE` service log)
 * and xinetd.log (the daemon's `-filelog` messages). The lines come from libs/logformat,
 * the formatter the daemon itself uses, so they are what xinetd-ts writes. The traffic is
 * made up, in a pattern an administrator would recognise. It has office-hours clients and
 * one brute-force source. A hostile /24 spreads its attempts over five addresses. There
 * are a libwrap-refused scanner, an IPv6 prober and a host that trips per_source limits.
 * A fixed seed and a fixed end time make the output the same on every run.
 *
 *   npx tsc -b && node examples/logs/generate.mjs
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProgramLine, formatServiceLine } from '#logformat';

// File-log stamps carry no zone; the examples are written in UTC.
process.env.TZ = 'UTC';

const HERE = dirname(fileURLToPath(import.meta.url));
const END = Date.UTC(2026, 11, 4, 9, 0, 0);
const DAYS = 7;
const START = END - DAYS * 86_400_000;
const DAEMON_PID = 4127;

/** mulberry32: a small seeded generator, so the example files never change by accident. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(20261204);
const pick = (items) => items[Math.floor(random() * items.length)];
const between = (low, high) => low + Math.floor(random() * (high - low + 1));

const service = [];
const daemon = [];

/** Adds a session. START and EXIT share one object, so pids can be handed out in time order at the end. */
function start(time, name, ip, seconds, status = 0) {
  const started = { event: 'START', service: name, pid: 0, source: { ip } };
  service.push([time, started]);
  service.push([time + seconds * 1000, { event: 'EXIT', service: name, started, status, signal: null, durationMs: seconds * 1000 }]);
}

function assignPids(events) {
  let nextPid = 21000;
  for (const [, event] of events) {
    if (event.event === 'START') event.pid = nextPid++;
    if (event.event === 'EXIT') event.pid = event.started.pid;
  }
}

function fail(time, name, reason, ip) {
  service.push([time, { event: 'FAIL', service: name, reason, source: { ip } }]);
}

function message(time, severity, text) {
  daemon.push([time, { severity, text }]);
}

/** Office clients: more connections on weekdays between 8 and 18 UTC. */
function officeTraffic() {
  const clients = ['10.20.0.11', '10.20.0.12', '10.20.0.15', '10.20.0.31', '10.20.0.40', '10.20.1.7', '192.0.2.10'];
  const services = [['rsync', 40, 600], ['ftp', 20, 900], ['cvspserver', 5, 120], ['daytime-stream', 0, 0], ['echo-stream', 0, 2], ['telnet', 60, 3600]];
  for (let hour = 0; hour < DAYS * 24; hour++) {
    const time = START + hour * 3_600_000;
    const date = new Date(time);
    const weekday = date.getUTCDay() >= 1 && date.getUTCDay() <= 5;
    const office = date.getUTCHours() >= 8 && date.getUTCHours() < 18;
    const count = weekday && office ? between(8, 22) : between(0, 3);
    for (let i = 0; i < count; i++) {
      const [name, low, high] = pick(services);
      const at = time + between(0, 3_599_000);
      const status = random() < 0.04 ? 1 : 0;
      start(at, name, pick(clients), between(low, high), status);
      if (name === 'ftp' && random() < 0.3) service.push([at + 1000, { event: 'USERID', service: name, text: `UNIX : ${pick(['alice', 'bob', 'backup', 'carol'])}` }]);
    }
  }
}

/** Adds one source that hammers telnet in bursts of 30–60 refusals over a few minutes. */
function bruteForce() {
  for (let burst = 0; burst < 6; burst++) {
    let time = START + between(0, DAYS * 86_400_000 - 3_600_000);
    for (let i = between(30, 60); i > 0; i--) {
      fail(time, 'telnet', 'address', '198.51.100.23');
      time += between(2, 12) * 1000;
    }
  }
}

/** Five addresses of one /24, each failing only a few times, but together in the same hour. */
function hostileBlock() {
  const hosts = ['203.0.113.5', '203.0.113.17', '203.0.113.44', '203.0.113.90', '203.0.113.201'];
  for (let wave = 0; wave < 4; wave++) {
    const base = START + between(0, DAYS * 86_400_000 - 7_200_000);
    for (const host of hosts) {
      for (let i = between(1, 3); i > 0; i--) fail(base + between(0, 480) * 1000, pick(['telnet', 'ftp', 'rsync']), 'address', host);
    }
  }
}

function scanners() {
  for (let i = 0; i < 24; i++) fail(START + between(0, DAYS * 86_400_000), pick(['ftp', 'cvspserver']), 'libwrap', '198.51.100.77');
  let time = START + 2 * 86_400_000 + 3_600_000;
  for (let i = 0; i < 14; i++) {
    fail(time, pick(['telnet', 'rsync']), 'address', '2001:db8:bad:1::5');
    time += between(5, 30) * 1000;
  }
  // A host that is refused now and then, never often enough for an entry.
  for (let day = 0; day < DAYS; day++) fail(START + day * 86_400_000 + between(0, 86_000_000), 'telnet', 'address', '192.0.2.99');
  // A busy but friendly host that runs into limits, not access rules.
  for (let i = 0; i < 30; i++) {
    const time = START + 4 * 86_400_000 + 10 * 3_600_000 + between(0, 1800) * 1000;
    fail(time, 'rsync', pick(['per_source_limit', 'per_source_limit', 'connections per second']), '10.20.0.40');
  }
  fail(START + 86_400_000 * 5.5, 'ftp', 'time', '10.20.1.7');
}

function daemonMessages() {
  const services = 7;
  message(START - 60_000, 'NOTICE', 'xinetd-ts 0.1.0 started');
  message(START - 59_000, 'NOTICE', `Started working: ${services} available services`);
  for (let day = 1; day < DAYS; day++) {
    // logrotate's postrotate sends SIGHUP every night.
    const time = START + day * 86_400_000 - (START % 86_400_000) + 6.4 * 3_600_000;
    message(time, 'NOTICE', 'Starting reconfiguration');
    message(time + 40, 'NOTICE', `Reconfigured: new=0 old=${services} dropped=0 (services)`);
  }
  const change = START + 3 * 86_400_000 + 14 * 3_600_000;
  message(change, 'NOTICE', 'Starting reconfiguration');
  message(change + 30, 'NOTICE', 'service swat deactivated');
  message(change + 50, 'NOTICE', `Reconfigured: new=0 old=${services - 1} dropped=1 (services)`);
  message(change + 3_600_000, 'ERROR', 'service cvspserver: unable to start /usr/bin/cvs: EACCES; check the "server" path and its permissions');
  message(change + 7_200_000, 'WARNING', 'reconfiguration failed: 1 error in /etc/xinetd.conf; keeping the running configuration');
  const restart = START + 5 * 86_400_000 + 2 * 3_600_000;
  message(restart, 'WARNING', 'Exiting...');
  message(restart + 4000, 'NOTICE', 'xinetd-ts 0.1.0 started');
  message(restart + 4100, 'NOTICE', `Started working: ${services - 1} available services`);
}

officeTraffic();
bruteForce();
hostileBlock();
scanners();
daemonMessages();

const byTime = (a, b) => a[0] - b[0];
service.sort(byTime);
assignPids(service);
const serviceLines = service.map(([time, event]) => formatServiceLine(new Date(time), event));
const daemonLines = daemon.sort(byTime).map(([time, text]) => formatProgramLine(new Date(time), 'xinetd', DAEMON_PID, text));
writeFileSync(join(HERE, 'services.log'), serviceLines.join('\n') + '\n');
writeFileSync(join(HERE, 'xinetd.log'), daemonLines.join('\n') + '\n');
console.log(`wrote ${serviceLines.length} service lines and ${daemonLines.length} daemon lines to ${HERE}`);
