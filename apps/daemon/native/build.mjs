#!/usr/bin/env node
// Compiles the child helper at install and build time. Without a C compiler the daemon
// still runs; only services that need the helper (groups, umask, nice, rlimit_*, wait = yes)
// are refused, with a message saying to install one and run `npm run build`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'xinetd-ts-child.c');
const output = join(here, '..', 'dist', 'xinetd-ts-child');

function isFresh() {
  try {
    return statSync(output).mtimeMs >= statSync(source).mtimeMs;
  } catch {
    return false;
  }
}

if (!isFresh()) {
  mkdirSync(dirname(output), { recursive: true });
  const compiler = process.env.CC ?? 'cc';
  const result = spawnSync(compiler, ['-O2', '-Wall', '-Wextra', '-o', output, source], { stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    const reason = result.error ? result.error.message : `exit status ${result.status}`;
    process.stderr.write(
      `xinetd-ts: unable to compile ${source} with ${compiler} (${reason}).\n` +
        'Install a C compiler (Debian: apt-get install gcc libc6-dev) and run "npm run build";\n' +
        'until then, services that set groups, umask, nice, rlimit_* or wait = yes are not started.\n',
    );
  }
}
