/**
 * Writes a synthetic year-end xinetd log for the logq benchmark: the same events as
 * syslog-prefixed classic lines (what fail2ban and lnav read) and as the daemon's JSONL.
 * Sources come from a few thousand addresses, a few of them scanners that fail often.
 * The generator is seeded, so every run writes the same bytes.
 */
import { createWriteStream } from 'node:fs';

const SERVICES = ['telnet', 'ftp', 'rsync', 'tftp', 'echo-stream', 'daytime', 'nntp', 'git', 'cvspserver', 'imap'];
const REASONS = ['address', 'address', 'address', 'libwrap', 'per_source_limit', 'connections per second', 'service_limit', 'time'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A small seeded generator (mulberry32), so that runs compare like with like. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pad(n, width = 2) {
  return String(n).padStart(width, ' ');
}

function two(n) {
  return String(n).padStart(2, '0');
}

function syslogStamp(date) {
  return `${MONTHS[date.getMonth()]} ${pad(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

function makeSources(rand, count) {
  const sources = [];
  for (let i = 0; i < count; i++) {
    const v6 = rand() < 0.1;
    sources.push(v6 ? `2001:db8:${Math.floor(rand() * 65535).toString(16)}::${(i + 1).toString(16)}` : `${10 + Math.floor(rand() * 200)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`);
  }
  return sources;
}

/** The maximum number of sessions open at once. While this many are open, no START is written. */
const MAX_OPEN = 20;

/**
 * Yields [date, classicBody, jsonFields, pid] for `lines` events spread over the year
 * before `end`. The last tenth falls in the last day, so `--since 1d` has work to do.
 */
function* events(lines, end, sourceCount) {
  const rand = random(42);
  const sources = makeSources(rand, sourceCount);
  const scanners = sources.slice(0, 20);
  // Just under a year, so that every yearless syslog stamp has one reading before the end.
  const year = 360 * 24 * 3600 * 1000;
  const open = [];
  let pid = 1000;
  for (let i = 0; i < lines; i++) {
    const recent = i >= lines * 0.9;
    const span = recent ? 24 * 3600 * 1000 : year;
    const offset = recent ? ((i - lines * 0.9) / (lines * 0.1)) * span : (i / (lines * 0.9)) * (year - 24 * 3600 * 1000);
    const date = new Date(end - (recent ? span : year) + offset);
    const service = SERVICES[Math.floor(rand() * SERVICES.length)];
    const roll = rand();
    if (roll < 0.3) {
      const source = rand() < 0.6 ? scanners[Math.floor(rand() * scanners.length)] : sources[Math.floor(rand() * sources.length)];
      const reason = REASONS[Math.floor(rand() * REASONS.length)];
      yield [date, `FAIL: ${service} ${reason} from=${source}`, { event: 'FAIL', service, reason, source: { ip: source, port: 1024 + Math.floor(rand() * 60000) } }, pid];
    } else if ((roll < 0.65 && open.length < MAX_OPEN) || open.length === 0) {
      pid = pid >= 4000000 ? 1000 : pid + 1 + Math.floor(rand() * 3);
      const source = sources[Math.floor(rand() * sources.length)];
      open.push([service, pid, date]);
      yield [date, `START: ${service} pid=${pid} from=${source}`, { event: 'START', service, pid, source: { ip: source, port: 1024 + Math.floor(rand() * 60000) } }, pid];
    } else if (roll < 0.97) {
      // Any open session may end next, so most are short and a few stay open for long.
      const index = Math.floor(rand() * open.length);
      const [exitService, exitPid, started] = open[index];
      open[index] = open[open.length - 1];
      open.pop();
      const status = rand() < 0.9 ? 0 : 1;
      const seconds = Math.round((date - started) / 1000);
      yield [date, `EXIT: ${exitService} status=${status} pid=${exitPid} duration=${seconds}(sec)`, { event: 'EXIT', service: exitService, pid: exitPid, status, signal: null, duration_ms: seconds * 1000 }, exitPid];
    } else {
      yield [date, `USERID: ${service} UNIX : user${Math.floor(rand() * 100)}`, { event: 'USERID', service, text: `UNIX : user${Math.floor(rand() * 100)}` }, pid];
    }
  }
}

async function write(stream, text) {
  if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
}

/** Writes `lines` events to `syslogPath` and `jsonlPath`, ending at `end` (ms since the epoch). */
export async function generate({ lines, syslogPath, jsonlPath, end = Date.now(), sources = 5000, host = 'gateway' }) {
  const syslog = createWriteStream(syslogPath);
  const jsonl = createWriteStream(jsonlPath);
  let syslogChunk = '';
  let jsonChunk = '';
  for (const [date, body, fields, pid] of events(lines, end, sources)) {
    const writer = fields.event === 'START' || fields.event === 'EXIT' ? 900 : pid;
    syslogChunk += `${syslogStamp(date)} ${host} xinetd[${writer}]: ${body}\n`;
    const level = fields.event === 'FAIL' ? 40 : 30;
    jsonChunk += `{"level":${level},"time":"${date.toISOString()}","host":"${host}",${JSON.stringify(fields).slice(1)}\n`;
    if (syslogChunk.length > 1 << 20) {
      await write(syslog, syslogChunk);
      await write(jsonl, jsonChunk);
      syslogChunk = '';
      jsonChunk = '';
    }
  }
  await write(syslog, syslogChunk);
  await write(jsonl, jsonChunk);
  await Promise.all([new Promise((resolve) => syslog.end(resolve)), new Promise((resolve) => jsonl.end(resolve))]);
}
