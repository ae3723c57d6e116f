/**
 * Where the compiled child helper lives, and the arguments that tell it what to set up.
 * Node's spawn can switch uid and gid (and then drops supplementary groups), but it has no
 * rlimits, nice, umask or initgroups for a child: the helper does those and then execs.
 */
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResourceLimit, ServiceConfig } from '#config';

/** The compiled helper; XINETD_TS_HELPER names another copy, for packages that install it elsewhere. */
export const HELPER_PATH = process.env.XINETD_TS_HELPER || fileURLToPath(new URL('./xinetd-ts-child', new URL('..', import.meta.url)));

let available: boolean | undefined;

/** True once the helper was compiled; checked once, since a build does not happen while the daemon runs. */
export function helperAvailable(): boolean {
  if (available === undefined) {
    try {
      accessSync(HELPER_PATH, constants.X_OK);
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

export const HELPER_MISSING =
  `the child helper ${HELPER_PATH} is missing: in a checkout, install a C compiler (Debian: apt-get install gcc libc6-dev) ` +
  'and run "npm run build"; for an installed package, compile apps/daemon/native/xinetd-ts-child.c with cc and set XINETD_TS_HELPER to the result';

/** True when the server must start through the helper; the plain path stays a single spawn. */
export function needsHelper(config: ServiceConfig): boolean {
  if (config.wait) return true;
  if (config.umask !== null || config.nice !== null) return true;
  if (config.groups && switchesUser(config)) return true;
  return Object.values(config.rlimits).some((value) => value !== null);
}

export function switchesUser(config: ServiceConfig): boolean {
  return process.getuid?.() === 0 && config.uid !== null;
}

function limitValue(value: ResourceLimit): string {
  return value === 'UNLIMITED' ? 'unlimited' : String(value);
}

/** The helper's options for `config`, before the `--` that precedes the server. */
export function helperOptions(config: ServiceConfig): string[] {
  const options: string[] = [];
  for (const [name, value] of Object.entries(config.rlimits) as [string, ResourceLimit | null][]) {
    if (value !== null) options.push('-r', `${name}=${limitValue(value)}`);
  }
  if (config.nice !== null) options.push('-n', String(config.nice));
  if (switchesUser(config)) {
    options.push('-g', String(config.gid ?? config.uid), '-u', String(config.uid));
    // initgroups() looks the user up by name; a numeric `user` finds no supplementary groups.
    if (config.groups && config.user !== null) options.push('-G', config.user);
  }
  if (config.umask !== null) options.push('-m', config.umask.toString(8));
  return options;
}
