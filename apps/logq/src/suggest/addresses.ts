/**
 * Addresses and networks for `no_access` entries, and the exemptions that keep an
 * address out of them: the allow-list, the host's own addresses and loopback.
 */
import { networkInterfaces } from 'node:os';
import { ipaddr, type IPv4, type IPv6 } from '../ipaddr.js';
import { IPV4_BLOCK_PREFIX, IPV6_BLOCK_PREFIX } from './thresholds.js';

export type Address = IPv4 | IPv6;

/** An address with a prefix length; a single host has the full length (32 or 128). */
export interface Network {
  address: Address;
  prefix: number;
}

function fullLength(address: Address): number {
  return address.kind() === 'ipv4' ? 32 : 128;
}

/**
 * Parses a logged source address. An IPv4-mapped IPv6 address (`::ffff:10.0.0.5`) becomes
 * plain IPv4, as xinetd matches it, and a zone (`fe80::1%eth0`) is dropped.
 */
export function parseSource(text: string): Address | null {
  const bare = text.replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return null;
  return ipaddr.process(bare);
}

/** Parses `ADDR` or `ADDR/PREFIX` (IPv4 or IPv6) into the network it names, or null. */
export function parseNetwork(text: string): Network | null {
  if (!text.includes('/')) {
    const address = parseSource(text);
    return address ? { address, prefix: fullLength(address) } : null;
  }
  if (!ipaddr.isValidCIDR(text)) return null;
  const [address, prefix] = ipaddr.parseCIDR(text);
  if (address.kind() === 'ipv6' && (address as IPv6).isIPv4MappedAddress() && prefix >= 96) {
    return { address: (address as IPv6).toIPv4Address(), prefix: prefix - 96 };
  }
  return { address: networkAddress(address, prefix), prefix };
}

function networkAddress(address: Address, prefix: number): Address {
  const cidr = `${address.toString()}/${prefix}`;
  return address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
}

/** Returns the /24 (IPv4) or /64 (IPv6) block that holds `address`. */
export function blockOf(address: Address): Network {
  const prefix = address.kind() === 'ipv4' ? IPV4_BLOCK_PREFIX : IPV6_BLOCK_PREFIX;
  return { address: networkAddress(address, prefix), prefix };
}

export function containsAddress(network: Network, address: Address): boolean {
  if (network.address.kind() !== address.kind()) return false;
  return address.match(network.address, network.prefix);
}

/** True when the two networks share at least one address, so one contains the other. */
export function overlaps(a: Network, b: Network): boolean {
  return a.prefix <= b.prefix ? containsAddress(a, b.address) : containsAddress(b, a.address);
}

/** Formats a network the way xinetd's `no_access` takes it: a bare address for a single host, else CIDR. */
export function formatNetwork(network: Network): string {
  const text = network.address.toString();
  return network.prefix === fullLength(network.address) ? text : `${text}/${network.prefix}`;
}

const LOOPBACK: readonly Network[] = [parseNetwork('127.0.0.0/8')!, parseNetwork('::1')!];

/** Returns whether `network` shares an address with 127.0.0.0/8 or ::1. */
export function overlapsLoopback(network: Network): boolean {
  return LOOPBACK.some((entry) => overlaps(entry, network));
}

export interface Exemptions {
  allow: readonly Network[];
  /** The host's own addresses, from its interfaces. */
  own: readonly Address[];
  /** Lets loopback addresses other than the host's own be suggested. */
  includeLoopback: boolean;
}

/** Returns every address of this host's interfaces, loopback included. */
export function interfaceAddresses(): Address[] {
  const addresses: Address[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      const address = parseSource(entry.address);
      if (address) addresses.push(address);
    }
  }
  return addresses;
}

/** Returns why `network` must not be suggested, or null when it may be. */
export function exemptionOf(network: Network, exemptions: Exemptions): string | null {
  const allowed = exemptions.allow.find((entry) => overlaps(entry, network));
  if (allowed) return `allow-list entry ${formatNetwork(allowed)}`;
  const own = exemptions.own.find((address) => containsAddress(network, address));
  if (own) return `this host's own address ${own.toString()}`;
  if (!exemptions.includeLoopback && overlapsLoopback(network)) return 'loopback (pass --include-loopback to allow it)';
  return null;
}
