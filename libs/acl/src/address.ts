/**
 * The numeric address forms of `only_from` and `no_access`: IPv4 with xinetd's
 * trailing-zero wildcard (`10.0.0.0` is 10/8), IPv6, `addr/bits`, and the factorized
 * `128.138.{193,194}` form. Every rule becomes one or more networks with a prefix length,
 * and an IPv4 rule also matches the IPv4-mapped IPv6 form of its clients.
 */
import ipaddr from 'ipaddr.js';
import { AclError } from './errors.js';

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface Network {
  address: Address;
  prefixLength: number;
}

/**
 * One `only_from`/`no_access` entry. Numeric entries and /etc/networks names become
 * networks; a host name or `.domain` suffix is compared with the client's confirmed name.
 */
export type AddressRule =
  | { kind: 'network'; text: string; networks: Network[] }
  | { kind: 'host'; text: string; name: string }
  | { kind: 'domain'; text: string; suffix: string };

/** Returns the prefix length of an IPv4 rule as xinetd reads it: zero octets on the right are wildcards. */
function wildcardPrefix(address: ipaddr.IPv4): number {
  const octets = address.octets;
  for (let i = 3; i >= 0; i--) {
    if (octets[i] !== 0) return (i + 1) * 8;
  }
  return 0;
}

function parsePlain(token: string): Network {
  if (token.includes(':')) {
    if (!ipaddr.IPv6.isValid(token)) throw new AclError('ACL_BAD_ADDRESS', token, 'not a valid IPv6 address');
    return { address: ipaddr.IPv6.parse(token), prefixLength: 128 };
  }
  if (!ipaddr.IPv4.isValid(token)) throw new AclError('ACL_BAD_ADDRESS', token, 'not a valid IPv4 address');
  const address = ipaddr.IPv4.parse(token);
  return { address, prefixLength: wildcardPrefix(address) };
}

function parseCidr(token: string): Network {
  try {
    const [address, prefixLength] = ipaddr.parseCIDR(token);
    return { address, prefixLength };
  } catch {
    throw new AclError('ACL_BAD_CIDR', token, 'expected ADDRESS/BITS, bits 0–32 for IPv4 or 0–128 for IPv6');
  }
}

/** `128.138.{193,194}`: one network per listed octet, masked after that octet. */
function parseFactorized(token: string): Network[] {
  const m = /^((?:\d{1,3}\.){1,3})\{([\d,]+)\}$/.exec(token);
  if (!m) throw new AclError('ACL_BAD_FACTORIZED', token, 'expected a.b.{c,d} with 1 to 3 leading octets');
  const prefix = m[1]!;
  const elements = m[2]!.split(',');
  if (elements.some((element) => element === '')) {
    throw new AclError('ACL_BAD_FACTORIZED', token, 'remove the empty element between commas');
  }
  const leading = prefix.split('.').length - 1;
  return elements.map((element) => {
    const octets = `${prefix}${element}`.split('.');
    while (octets.length < 4) octets.push('0');
    const text = octets.join('.');
    if (!ipaddr.IPv4.isValidFourPartDecimal(text)) {
      throw new AclError('ACL_BAD_FACTORIZED', token, `octet out of range in ${text}`);
    }
    return { address: ipaddr.IPv4.parse(text), prefixLength: (leading + 1) * 8 };
  });
}

/** True when the token has the shape of a numeric rule rather than a host or domain name. */
export function isNumericToken(token: string): boolean {
  return token.includes(':') || token.includes('{') || /^[\d./]+$/.test(token);
}

/** Parses one numeric `only_from`/`no_access` token, or throws an AclError naming it. */
export function parseAddressRule(token: string): AddressRule & { kind: 'network' } {
  if (token.includes(',') && !token.includes('{')) {
    throw new AclError('ACL_BAD_ADDRESS', token, 'remove the comma: list addresses separated by spaces');
  }
  let networks: Network[];
  if (token.includes('{')) networks = parseFactorized(token);
  else if (token.includes('/')) networks = [parseCidr(token)];
  else networks = [parsePlain(token)];
  return { kind: 'network', text: token, networks };
}

/** Parses a client address, turning an IPv4-mapped IPv6 address into IPv4. */
export function parseClient(ip: string): Address | null {
  if (!ipaddr.isValid(ip)) return null;
  return ipaddr.process(ip);
}

/**
 * Returns the prefix length of the network of `rule` that contains `client`, on a 128-bit
 * scale so that IPv4 and IPv6 rules compare, or -1 when none does.
 */
export function matchLength(networks: readonly Network[], client: Address): number {
  let best = -1;
  for (const network of networks) {
    if (network.address.kind() !== client.kind()) continue;
    if (!client.match(network.address, network.prefixLength)) continue;
    const scaled = network.address.kind() === 'ipv4' ? network.prefixLength + 96 : network.prefixLength;
    best = Math.max(best, scaled);
  }
  return best;
}
