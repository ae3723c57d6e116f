/**
 * Client and daemon patterns of hosts.allow/hosts.deny, as hosts_access(5) describes them.
 * Matching is three-valued: a name pattern is "unknown" when the client's name could not
 * be looked up, and the caller decides which way that fails.
 */
import ipaddr from 'ipaddr.js';
import type { Address } from '../address.js';

export type Match = 'yes' | 'no' | 'unknown';

export interface WrapClient {
  address: Address;
  /** Confirmed host names, lower-case; null when the lookup failed. */
  names: readonly string[] | null;
}

export type Pattern =
  | { kind: 'all' }
  | { kind: 'local' | 'known' | 'unknown' | 'paranoid' }
  | { kind: 'network'; address: Address; prefixLength: number }
  | { kind: 'prefix'; text: string }
  | { kind: 'domain'; suffix: string }
  | { kind: 'host'; name: string }
  | { kind: 'daemon'; name: string };

export class PatternError extends Error {}

const KEYWORDS: Record<string, Pattern> = {
  ALL: { kind: 'all' },
  LOCAL: { kind: 'local' },
  KNOWN: { kind: 'known' },
  UNKNOWN: { kind: 'unknown' },
  PARANOID: { kind: 'paranoid' },
};

const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

function parseBracketed(word: string): Pattern {
  const m = /^\[([0-9A-Fa-f:.]+)\](?:\/(\d{1,3}))?$/.exec(word);
  if (!m || !ipaddr.IPv6.isValid(m[1]!)) throw new PatternError(`"${word}" is not of the form [IPv6-address] or [IPv6-address]/bits`);
  const prefixLength = m[2] === undefined ? 128 : Number(m[2]);
  if (prefixLength > 128) throw new PatternError(`"${word}" has a prefix length over 128`);
  return { kind: 'network', address: ipaddr.IPv6.parse(m[1]!), prefixLength };
}

function parseNetmask(word: string): Pattern {
  const [net = '', mask = ''] = word.split('/');
  if (!ipaddr.IPv4.isValidFourPartDecimal(net)) throw new PatternError(`"${word}": "${net}" is not a dotted-quad IPv4 address`);
  let prefixLength: number | null = null;
  if (ipaddr.IPv4.isValidFourPartDecimal(mask)) prefixLength = ipaddr.IPv4.parse(mask).prefixLengthFromSubnetMask();
  else if (/^\d{1,2}$/.test(mask) && Number(mask) <= 32) prefixLength = Number(mask);
  if (prefixLength === null) throw new PatternError(`"${word}": "${mask}" is not a netmask such as 255.255.255.0`);
  return { kind: 'network', address: ipaddr.IPv4.parse(net), prefixLength };
}

/** Parses one client pattern, or throws a PatternError saying what is wrong with it. */
export function parseClientPattern(word: string): Pattern {
  const keyword = KEYWORDS[word];
  if (keyword) return keyword;
  if (word.startsWith('[')) return parseBracketed(word);
  if (word.includes('/') && !word.startsWith('/')) return parseNetmask(word);
  if (/^(?:\d{1,3}\.){1,3}$/.test(word)) return { kind: 'prefix', text: word };
  if (ipaddr.IPv4.isValidFourPartDecimal(word)) return { kind: 'network', address: ipaddr.IPv4.parse(word), prefixLength: 32 };
  if (/^[\d.]+$/.test(word)) throw new PatternError(`"${word}" is not an IPv4 address or an a.b.c. prefix`);
  if (word.startsWith('.') && HOST_NAME.test(word.slice(1))) return { kind: 'domain', suffix: word.toLowerCase() };
  if (HOST_NAME.test(word)) return { kind: 'host', name: word.toLowerCase() };
  throw new PatternError(`"${word}" is not a pattern xinetd-ts supports (user@host, /file and wildcard patterns are not supported)`);
}

/** Parses one daemon pattern: a process name or ALL. */
export function parseDaemonPattern(word: string): Pattern {
  if (word === 'ALL') return { kind: 'all' };
  if (/^[A-Za-z0-9_.+-]+$/.test(word)) return { kind: 'daemon', name: word };
  throw new PatternError(`"${word}" is not a daemon name (daemon@host patterns are not supported)`);
}

function byName(names: readonly string[] | null, test: (name: string) => boolean): Match {
  if (names === null) return 'unknown';
  return names.some(test) ? 'yes' : 'no';
}

/** Matches a client pattern against a client. */
export function matchClient(pattern: Pattern, client: WrapClient): Match {
  const yes = (condition: boolean): Match => (condition ? 'yes' : 'no');
  switch (pattern.kind) {
    case 'all':
      return 'yes';
    case 'known':
      return yes(client.names !== null);
    case 'unknown':
    case 'paranoid':
      return yes(client.names === null);
    case 'local':
      return byName(client.names, (name) => !name.includes('.'));
    case 'network':
      return yes(pattern.address.kind() === client.address.kind() && client.address.match(pattern.address, pattern.prefixLength));
    case 'prefix':
      return yes(client.address.kind() === 'ipv4' && client.address.toString().startsWith(pattern.text));
    case 'domain':
      return byName(client.names, (name) => name.endsWith(pattern.suffix));
    case 'host':
      return byName(client.names, (name) => name === pattern.name);
    case 'daemon':
      return 'no';
  }
}

/** Matches a daemon pattern against the daemon name; libwrap compares names case-insensitively. */
export function matchDaemon(pattern: Pattern, daemon: string): Match {
  if (pattern.kind === 'all') return 'yes';
  return pattern.kind === 'daemon' && pattern.name.toLowerCase() === daemon.toLowerCase() ? 'yes' : 'no';
}

/** True when a pattern needs the client's host name. */
export function needsClientName(pattern: Pattern): boolean {
  return ['local', 'known', 'unknown', 'paranoid', 'domain', 'host'].includes(pattern.kind);
}
