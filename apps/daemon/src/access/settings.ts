/**
 * Paths of the system files the access checks read, and their time-outs. The daemon's
 * environment can move each one, so that tests and chroot set-ups use their own files.
 */

export interface AccessSettings {
  /** Directory holding hosts.allow and hosts.deny (XINETD_TS_HOSTS_DIR, default /etc). */
  hostsDir: string;
  /** /etc/networks (XINETD_TS_NETWORKS). */
  networksFile: string;
  /** A hosts-format file that replaces the system resolver for name rules (XINETD_TS_HOSTS_FILE); null uses getnameinfo/getaddrinfo. */
  hostsFile: string | null;
  /** The load average file (XINETD_TS_LOADAVG, default /proc/loadavg). */
  loadavgFile: string;
  /** The identd port on the client (XINETD_TS_IDENT_PORT, default 113). */
  identPort: number;
  /** How long an identd query may take, in ms (XINETD_TS_IDENT_TIMEOUT_MS, default 30000 as in xinetd). */
  identTimeoutMs: number;
  /** How long a reverse plus forward name lookup may take, in ms (XINETD_TS_NAME_TIMEOUT_MS, default 10000). */
  nameTimeoutMs: number;
  /** The length of a deny_time minute, in ms (XINETD_TS_MINUTE_MS, default 60000); tests shorten it. */
  minuteMs: number;
}

function positive(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) === 0) return fallback;
  return Number(value);
}

/** Reads the settings from the daemon's environment. */
export function accessSettings(env: NodeJS.ProcessEnv): AccessSettings {
  return {
    hostsDir: env['XINETD_TS_HOSTS_DIR'] || '/etc',
    networksFile: env['XINETD_TS_NETWORKS'] || '/etc/networks',
    hostsFile: env['XINETD_TS_HOSTS_FILE'] || null,
    loadavgFile: env['XINETD_TS_LOADAVG'] || '/proc/loadavg',
    identPort: positive(env['XINETD_TS_IDENT_PORT'], 113),
    identTimeoutMs: positive(env['XINETD_TS_IDENT_TIMEOUT_MS'], 30_000),
    nameTimeoutMs: positive(env['XINETD_TS_NAME_TIMEOUT_MS'], 10_000),
    minuteMs: positive(env['XINETD_TS_MINUTE_MS'], 60_000),
  };
}
