/**
 * The client's host name for name rules: a reverse lookup confirmed by a forward lookup
 * that returns the client's address, within a time-out. Any failure gives null, which no
 * name rule takes as a match. Results are cached briefly, so that a burst from one client
 * costs one lookup.
 */
import { promises as dns } from 'node:dns';
import { parseClient } from '#acl';
import { ParsedFile } from './file-cache.js';

const CACHE_MS = 30_000;
const CACHE_MAX = 4096;

/** A hosts-format file: address, canonical name, aliases. */
interface HostsTable {
  byAddress: Map<string, string>;
  byName: Map<string, string[]>;
}

function canonical(ip: string): string {
  return parseClient(ip)?.toString() ?? ip;
}

function parseHostsText(text: string): HostsTable {
  const table: HostsTable = { byAddress: new Map(), byName: new Map() };
  for (const raw of text.split('\n')) {
    const [address, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || names.length === 0 || !parseClient(address)) continue;
    const ip = canonical(address);
    if (!table.byAddress.has(ip)) table.byAddress.set(ip, names[0]!.toLowerCase());
    for (const name of names) table.byName.set(name.toLowerCase(), [...(table.byName.get(name.toLowerCase()) ?? []), ip]);
  }
  return table;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}

async function systemNames(ip: string): Promise<string[] | null> {
  const { hostname } = await dns.lookupService(ip, 0);
  if (parseClient(hostname)) return null;
  const forward = await dns.lookup(hostname, { all: true });
  const confirmed = forward.some((entry) => canonical(entry.address) === canonical(ip));
  return confirmed ? [hostname.toLowerCase().replace(/\.$/, '')] : null;
}

export class NameResolver {
  private readonly hosts: ParsedFile<HostsTable> | null;
  private readonly timeoutMs: number;
  private readonly cache = new Map<string, { names: Promise<string[] | null>; until: number }>();

  constructor(hostsFile: string | null, timeoutMs: number) {
    this.hosts = hostsFile === null ? null : new ParsedFile(hostsFile, parseHostsText);
    this.timeoutMs = timeoutMs;
  }

  /** Returns the client's confirmed names, or null when they cannot be established. */
  names(ip: string): Promise<string[] | null> {
    const now = Date.now();
    const cached = this.cache.get(ip);
    if (cached && cached.until > now) return cached.names;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    const names = withTimeout(this.lookUp(ip), this.timeoutMs);
    this.cache.set(ip, { names, until: now + CACHE_MS });
    return names;
  }

  private async lookUp(ip: string): Promise<string[] | null> {
    if (this.hosts === null) return systemNames(ip);
    const table = this.hosts.get();
    const name = table.byAddress.get(canonical(ip));
    if (name === undefined) return null;
    return table.byName.get(name)?.includes(canonical(ip)) ? [name] : null;
  }
}
