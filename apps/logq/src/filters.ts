/**
 * The filters every question shares (--since, --until, --service, --source, --host),
 * turned into a WHERE clause whose values are always bound parameters.
 */
import type { IPv4, IPv6 } from './ipaddr.js';
import { LogqError } from './errors.js';
import type { QueryParams, ReadConnection } from './read-client.js';

export interface FilterOptions {
  /** Inclusive lower bound on the event time. */
  since?: Date;
  /** Exclusive upper bound on the event time. */
  until?: Date;
  service?: string;
  /** An address, or a network in CIDR form (`10.0.0.0/8`, `2001:db8::/32`). */
  source?: string;
  host?: string;
}

export interface Filter {
  conditions: string[];
  params: QueryParams;
}

export function where(filter: Filter): string {
  return filter.conditions.length > 0 ? filter.conditions.join(' AND ') : 'true';
}

function invalidSource(text: string): LogqError {
  return new LogqError('LOGQ_INVALID_SOURCE', `--source ${text} is not an address or a CIDR network: write it as 192.0.2.7, 192.0.2.0/24 or 2001:db8::/32`);
}

type Ipaddr = typeof import('./ipaddr.js')['ipaddr'];

/**
 * Parses `--source`, or returns null for a plain address. A plain IPv4 address must have
 * four decimal parts, so that a cut-off `10.20.0` is an error rather than a search that
 * finds nothing.
 */
function parseNetwork(ipaddr: Ipaddr, text: string): [IPv4 | IPv6, number] | null {
  if (!text.includes('/')) {
    if (ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text)) return null;
    throw invalidSource(text);
  }
  try {
    return ipaddr.parseCIDR(text);
  } catch {
    throw invalidSource(text);
  }
}

function matchesNetwork(ipaddr: Ipaddr, address: string, network: [IPv4 | IPv6, number]): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.kind() === network[0].kind() && parsed.match(network);
}

/**
 * Lists the stored addresses inside a network. DuckDB has no address type without the
 * inet extension, which is not bundled, so the distinct addresses (thousands, not
 * millions) are matched here and bound as a list.
 */
async function addressesIn(connection: ReadConnection, ipaddr: Ipaddr, network: [IPv4 | IPv6, number], table: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(`SELECT DISTINCT source_ip FROM ${table} WHERE source_ip IS NOT NULL`);
  return reader.getRows().map((row) => String(row[0])).filter((address) => matchesNetwork(ipaddr, address, network));
}

/**
 * Adds the --source condition. ipaddr.js and the log format library are imported only
 * here, because loading them took about 10 ms of every question command without --source.
 */
async function addSourceCondition(filter: Filter, connection: ReadConnection, source: string, table: string): Promise<void> {
  const { ipaddr } = await import('./ipaddr.js');
  const network = parseNetwork(ipaddr, source);
  if (network) {
    filter.conditions.push('list_contains($sources::VARCHAR[], source_ip)');
    filter.params.sources = await addressesIn(connection, ipaddr, network, table);
    return;
  }
  const { normalizeAddress } = await import('#logformat');
  filter.conditions.push('source_ip = $source');
  filter.params.source = normalizeAddress(source);
}

/** `table` is where the stored addresses are listed: events, or event_counts, which has the same ones. */
export async function buildFilter(connection: ReadConnection, options: FilterOptions, timeColumn = 'time', table = 'events'): Promise<Filter> {
  const filter: Filter = { conditions: [], params: {} };
  if (options.since) {
    filter.conditions.push(`${timeColumn} >= $since`);
    filter.params.since = options.since;
  }
  if (options.until) {
    filter.conditions.push(`${timeColumn} < $until`);
    filter.params.until = options.until;
  }
  if (options.service !== undefined) {
    filter.conditions.push('service = $service');
    filter.params.service = options.service;
  }
  if (options.host !== undefined) {
    filter.conditions.push('host = $host');
    filter.params.host = options.host;
  }
  if (options.source !== undefined) await addSourceCondition(filter, connection, options.source, table);
  return filter;
}
