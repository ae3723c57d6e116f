// A test server: reports as one JSON line on fd 1 what the daemon set up for it, then exits.
import { readFileSync, writeSync } from 'node:fs';
import { getPriority } from 'node:os';

const limits = readFileSync('/proc/self/limits', 'utf8');
const limit = (name) => {
  const match = new RegExp(`^${name}\\s+(\\S+)\\s+(\\S+)`, 'm').exec(limits);
  return match ? [match[1], match[2]] : null;
};
const status = readFileSync('/proc/self/status', 'utf8');
const flags = Number.parseInt(/flags:\s+(\d+)/.exec(readFileSync('/proc/self/fdinfo/0', 'utf8'))[1], 8);
const report = {
  argv0: process.argv0,
  args: process.argv.slice(2),
  uid: process.getuid(),
  gid: process.getgid(),
  groups: /^Groups:[ \t]*(.*)$/m.exec(status)[1].trim(),
  umask: process.umask().toString(8),
  nice: getPriority(),
  files: limit('Max open files'),
  cpu: limit('Max cpu time'),
  stack: limit('Max stack size'),
  env: process.env,
  stdinNonBlocking: (flags & 0o4000) !== 0,
  cwd: process.cwd(),
};
writeSync(1, `${JSON.stringify(report)}\n`);
