/**
 * Syntax of `only_from` / `no_access` tokens, in the forms xinetd accepts:
 *   - numeric IPv4, inet_aton forms such as 10.1 included. Trailing zero octets are
 *     wildcards, so 10.1.0.0 means 10.1.0.0/16.
 *   - IPv6, and `addr/bits` for either family.
 *   - factorized IPv4 `a.b.{c,d}`, with 1 to 3 leading octets.
 *   - host names, `.domain` suffixes and network names.
 *
 * Each valid token is reduced to canonical entries (`network/bits`, or a lower-case
 * name) so that `-=` can remove entries by address and mask, as xinetd does.
 */

import ipaddr from 'ipaddr.js';

export type AddressCheck =
  | { ok: true; entries: string[] }
  | { ok: false; reason: string; hint: string | null };

const HOST_LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
const HOST_NAME = new RegExp(`^\\.?${HOST_LABEL}(?:\\.${HOST_LABEL})*\\.?$`);
const FACTORIZED = /^([^{}]*)\{([^{}]*)\}$/;
const DECIMAL_OCTET = /^(?:\d{1,3})$/;

function valid(entries: string[]): AddressCheck {
  return { ok: true, entries };
}

function invalid(reason: string, hint: string | null = null): AddressCheck {
  return { ok: false, reason, hint };
}

/** Checks one address token. NOTE: host names are checked for syntax only, never resolved. */
export function checkAddressToken(token: string): AddressCheck {
  if (token.includes('{') || token.includes('}')) return checkFactorized(token);
  if (token.includes(',')) {
    return invalid('it contains a comma', 'remove the comma: separate addresses with spaces');
  }
  if (token.includes('/')) return checkCidr(token);
  if (token.includes(':')) return checkIPv6(token);
  if (/^[0-9.]+$/.test(token) || ipaddr.IPv4.isValid(token)) return checkIPv4(token);
  return checkHostName(token);
}

/** Mask length implied by trailing zero octets: 10.1.0.0 → 16, 1.2.3.4 → 32, 0.0.0.0 → 0. */
export function wildcardPrefixLength(octets: readonly number[]): number {
  let significant = 0;
  octets.forEach((octet, index) => {
    if (octet !== 0) significant = index + 1;
  });
  return significant * 8;
}

function checkIPv4(token: string): AddressCheck {
  if (!ipaddr.IPv4.isValid(token)) return invalid('it is not a valid IPv4 address');
  const address = ipaddr.IPv4.parse(token);
  return valid([`${address.toString()}/${wildcardPrefixLength(address.octets)}`]);
}

function checkIPv6(token: string): AddressCheck {
  if (!ipaddr.IPv6.isValid(token)) return invalid('it is not a valid IPv6 address');
  return valid([`${ipaddr.IPv6.parse(token).toString()}/128`]);
}

function checkCidr(token: string): AddressCheck {
  const [address = '', bits = '', ...rest] = token.split('/');
  if (rest.length > 0 || !/^\d{1,3}$/.test(bits)) {
    return invalid('it is not of the form address/bits', 'write for example 10.0.0.0/8 or 2001:db8::/32');
  }
  const length = Number(bits);
  if (address.includes(':')) return cidrEntry(ipaddr.IPv6, address, length, 128);
  return cidrEntry(ipaddr.IPv4, address, length, 32);
}

type Family = typeof ipaddr.IPv4 | typeof ipaddr.IPv6;

function cidrEntry(family: Family, address: string, length: number, maxLength: number): AddressCheck {
  if (!family.isValid(address)) {
    return invalid(`"${address}" is not a numeric address`, 'the part before "/" must be an IP address, not a name');
  }
  if (length > maxLength) return invalid(`the prefix length ${length} is larger than ${maxLength}`);
  const network = family.networkAddressFromCIDR(`${family.parse(address).toString()}/${length}`);
  return valid([`${network.toString()}/${length}`]);
}

function checkFactorized(token: string): AddressCheck {
  const hint = 'write for example 128.138.{193,194}: 1 to 3 leading octets, then a brace list at the end';
  const match = FACTORIZED.exec(token);
  if (match === null) return invalid('its braces are not a single list at the end', hint);
  const prefix = match[1] ?? '';
  const list = match[2] ?? '';
  if (!prefix.endsWith('.') || prefix.includes('..')) {
    return invalid('the part before "{" is not 1 to 3 octets followed by a dot', hint);
  }
  const items = list.split(',');
  if (items.some((item) => item === '')) return invalid('its brace list has an empty element (consecutive commas?)', hint);
  const octets = prefix.slice(0, -1).split('.');
  if (octets.length > 3 || ![...octets, ...items].every(isDecimalOctet)) {
    return invalid('its octets must be decimal numbers from 0 to 255', hint);
  }
  const length = (octets.length + 1) * 8;
  return valid(items.map((item) => factorizedEntry(octets, item, length)));
}

function isDecimalOctet(text: string): boolean {
  return DECIMAL_OCTET.test(text) && Number(text) <= 255;
}

function factorizedEntry(prefix: readonly string[], item: string, length: number): string {
  const octets = [...prefix, item].map(Number);
  while (octets.length < 4) octets.push(0);
  return `${octets.join('.')}/${length}`;
}

function checkHostName(token: string): AddressCheck {
  if (token.length > 254 || !HOST_NAME.test(token)) {
    return invalid('it is neither an address nor a valid host or domain name');
  }
  return valid([token.toLowerCase()]);
}
