/**
 * The named forms of `only_from` and `no_access`: host names, `.domain` suffixes and
 * network names from /etc/networks. A host or domain entry is matched at connection time
 * against the client's name, which the caller looks up and confirms with a forward lookup.
 */
import ipaddr from 'ipaddr.js';
import { isNumericToken, parseAddressRule, type AddressRule, type Network } from './address.js';
import { AclError } from './errors.js';

/** Network names from a file in /etc/networks format, lower-cased. */
export type NetworkTable = ReadonlyMap<string, Network>;

/** Returns the prefix length of a classful network: class A /8, B /16, C /24, anything above /32. */
function classPrefix(firstOctet: number): number {
  if (firstOctet < 128) return 8;
  if (firstOctet < 192) return 16;
  if (firstOctet < 224) return 24;
  return 32;
}

/**
 * Parses a network number as getnetbyname() returns it: `127` and `10.1` are right-aligned
 * numbers that mean 127.0.0.0 and 10.1.0.0, and `127.0.0.0` is already a whole address.
 */
function parseNetworkNumber(text: string): Network | null {
  const parts = text.split('.');
  if (parts.length > 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return null;
  const octets = parts.map(Number);
  while (octets.length < 4) octets.push(0);
  if (octets[0] === 0) return null;
  const address = ipaddr.IPv4.parse(octets.join('.'));
  return { address, prefixLength: classPrefix(octets[0]!) };
}

/** Parses /etc/networks text: `name number [aliases…]`, `#` comments. Bad lines are returned, not thrown. */
export function parseNetworksFile(text: string): { table: NetworkTable; problems: string[] } {
  const table = new Map<string, Network>();
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    const network = fields.length >= 2 ? parseNetworkNumber(fields[1]!) : null;
    if (network === null) {
      problems.push(`line ${index + 1}: expected "name number [aliases]", found "${raw.trim()}"`);
      return;
    }
    for (const name of [fields[0]!, ...fields.slice(2)]) {
      if (!table.has(name.toLowerCase())) table.set(name.toLowerCase(), network);
    }
  });
  return { table, problems };
}

const NAME = /^\.?[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;

/**
 * Parses any `only_from`/`no_access` token: numeric forms, a network name found in
 * `networks`, a `.domain` suffix, or a host name. Throws an AclError naming the token.
 */
export function buildAddressRule(token: string, networks: NetworkTable): AddressRule {
  if (isNumericToken(token)) return parseAddressRule(token);
  if (!NAME.test(token) || token.includes('..')) {
    throw new AclError('ACL_BAD_NAME', token, 'not an address, a host name, a .domain suffix or a network name');
  }
  const lower = token.toLowerCase().replace(/\.$/, '');
  if (lower.startsWith('.')) return { kind: 'domain', text: token, suffix: lower };
  const network = networks.get(lower);
  if (network) return { kind: 'network', text: token, networks: [network] };
  return { kind: 'host', text: token, name: lower };
}

/** True when `rule` needs the client's host name to be decided. */
export function needsName(rule: AddressRule): boolean {
  return rule.kind !== 'network';
}
