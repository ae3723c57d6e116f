/** Turns failure statistics into `no_access` suggestions: thresholds, blocks and exemptions. */
import { blockOf, exemptionOf, formatNetwork, parseSource, type Exemptions, type Network } from './addresses.js';
import type { SourceStats, WindowStats } from './offenders.js';
import type { Thresholds } from './thresholds.js';

export interface Suggestion {
  network: Network;
  /** The `no_access` value: an address, or a CIDR block. */
  entry: string;
  /** The failing addresses the entry covers. */
  sources: string[];
  failures: number;
  /** Maximum number of failures within one findTime window. */
  peak: number;
  firstSeen: Date;
  lastSeen: Date;
  services: string[];
  /** lastSeen plus the ban time; null when entries never expire. */
  expires: Date | null;
}

/** An address or block that crossed the threshold but is exempt. */
export interface Exempted {
  entry: string;
  failures: number;
  peak: number;
  reason: string;
}

export interface Plan {
  suggestions: Suggestion[];
  exempted: Exempted[];
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Returns the /24 or /64 block of a source as text, or null for a source that is not an
 * IP address (a host name in a hand-written log is never suggested). Plain IPv4 takes a
 * string path, because a database can hold hundreds of thousands of failing sources.
 */
export function blockKey(source: string): string | null {
  const quad = DOTTED_QUAD.exec(source);
  if (quad && quad.slice(1).every((octet) => Number(octet) <= 255)) return `${quad[1]}.${quad[2]}.${quad[3]}.0/24`;
  const address = parseSource(source);
  return address ? formatNetwork(blockOf(address)) : null;
}

/** Failing sources grouped by their /24 or /64 block. */
export type BlockGroups = Map<string, SourceStats[]>;

export function groupByBlock(stats: readonly SourceStats[]): BlockGroups {
  const groups = new Map<string, SourceStats[]>();
  for (const entry of stats) {
    const block = blockKey(entry.source);
    if (block === null) continue;
    const group = groups.get(block);
    if (group) group.push(entry);
    else groups.set(block, [entry]);
  }
  return groups;
}

function isBlockCandidate(members: readonly SourceStats[], thresholds: Thresholds): boolean {
  if (thresholds.blockHosts <= 0 || members.length < thresholds.blockHosts) return false;
  return members.reduce((sum, member) => sum + member.failures, 0) >= thresholds.maxRetry;
}

/**
 * Picks what needs a sliding window first: each block with blockHosts failing addresses
 * and maxRetry failures together, and each source outside those blocks with maxRetry
 * failures in all. Returns the key (block or source) of each picked source.
 */
export function selectCandidates(groups: BlockGroups, thresholds: Thresholds): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const [block, members] of groups) {
    const wholeBlock = isBlockCandidate(members, thresholds);
    for (const member of members) {
      if (wholeBlock) keys.set(member.source, [block]);
      else if (member.failures >= thresholds.maxRetry) keys.set(member.source, [member.source]);
    }
  }
  return keys;
}

/**
 * Picks the sources of candidate blocks that will not become one entry, because their
 * window stayed under maxRetry or they hold an exempt address: those sources are judged
 * alone, so they need windows of their own.
 */
export function selectSinglesOfBlocks(
  groups: BlockGroups,
  windows: ReadonlyMap<string, WindowStats>,
  thresholds: Thresholds,
  exemptions: Exemptions,
): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const [block, members] of groups) {
    if (!isBlockCandidate(members, thresholds) || hostileNetwork(block, members, windows, thresholds, exemptions)) continue;
    for (const member of members) if (member.failures >= thresholds.maxRetry) keys.set(member.source, [member.source]);
  }
  return keys;
}

/** Returns the block's network when it becomes one entry, else null. */
function hostileNetwork(
  block: string,
  members: readonly SourceStats[],
  windows: ReadonlyMap<string, WindowStats>,
  thresholds: Thresholds,
  exemptions: Exemptions,
): Network | null {
  const window = windows.get(block);
  if (!isBlockCandidate(members, thresholds) || window === undefined || window.peak < thresholds.maxRetry) return null;
  const network = blockOf(parseSource(members[0]!.source)!);
  return exemptionOf(network, exemptions) === null ? network : null;
}

function expiry(lastSeen: Date, thresholds: Thresholds): Date | null {
  return thresholds.banTimeMs === null ? null : new Date(lastSeen.getTime() + thresholds.banTimeMs);
}

function combine(network: Network, members: readonly SourceStats[], window: WindowStats, thresholds: Thresholds): Suggestion {
  // reduce, not Math.min(...): an IPv6 block can hold more members than a call takes arguments.
  const firstSeen = new Date(members.reduce((min, member) => Math.min(min, member.firstSeen.getTime()), Infinity));
  const lastSeen = new Date(members.reduce((max, member) => Math.max(max, member.lastSeen.getTime()), -Infinity));
  return {
    network,
    entry: formatNetwork(network),
    sources: members.map((member) => member.source),
    failures: members.reduce((sum, member) => sum + member.failures, 0),
    peak: window.peak,
    firstSeen,
    lastSeen,
    services: window.services,
    expires: expiry(lastSeen, thresholds),
  };
}

function judgeSingle(member: SourceStats, windows: ReadonlyMap<string, WindowStats>, thresholds: Thresholds, exemptions: Exemptions, plan: Plan): void {
  const window = windows.get(member.source);
  if (!window || window.peak < thresholds.maxRetry) return;
  const address = parseSource(member.source);
  if (!address) return;
  const network = { address, prefix: address.kind() === 'ipv4' ? 32 : 128 };
  const reason = exemptionOf(network, exemptions);
  if (reason === null) plan.suggestions.push(combine(network, [member], window, thresholds));
  else plan.exempted.push({ entry: member.source, failures: member.failures, peak: window.peak, reason });
}

/**
 * Decides the suggestions. A block becomes one entry when it has blockHosts failing
 * addresses and their failures together reach maxRetry within findTime. A block that
 * contains an exempt address does not, and its addresses are judged one by one.
 */
export function planSuggestions(
  groups: BlockGroups,
  windows: ReadonlyMap<string, WindowStats>,
  thresholds: Thresholds,
  exemptions: Exemptions,
): Plan {
  const plan: Plan = { suggestions: [], exempted: [] };
  for (const [block, members] of groups) {
    const network = hostileNetwork(block, members, windows, thresholds, exemptions);
    if (network) plan.suggestions.push(combine(network, members, windows.get(block)!, thresholds));
    else for (const member of members) judgeSingle(member, windows, thresholds, exemptions, plan);
  }
  plan.suggestions.sort((a, b) => b.failures - a.failures || a.entry.localeCompare(b.entry));
  return plan;
}
