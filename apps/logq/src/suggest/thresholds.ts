/**
 * When a source earns a `no_access` entry. The model is fail2ban's jail: at least
 * `maxRetry` failures within `findTimeMs`, banned for `banTimeMs`. The defaults for the
 * first two are fail2ban's global maxretry and findtime (5 in 10 minutes). Its default
 * bantime of 10 minutes is too short for a rule applied by hand, so the ban lasts a day.
 */
export interface Thresholds {
  maxRetry: number;
  findTimeMs: number;
  /** Null means the entries never expire. */
  banTimeMs: number | null;
  /** FAIL reasons that count, plus `sensor` for xinetd's SENSOR hits: the ones that come from access rules. */
  reasons: readonly string[];
  /** Distinct failing addresses in one /24 (IPv4) or /64 (IPv6) that make the block one entry; 0 turns blocks off. */
  blockHosts: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  maxRetry: 5,
  findTimeMs: 10 * 60 * 1000,
  banTimeMs: 24 * 3600 * 1000,
  reasons: ['address', 'libwrap', 'sensor'],
  blockHosts: 3,
};

/** Not a FAIL reason: counts xinetd's "Adding ADDR to the global_no_access list" messages. */
export const SENSOR_REASON = 'sensor';

export const IPV4_BLOCK_PREFIX = 24;
export const IPV6_BLOCK_PREFIX = 64;
