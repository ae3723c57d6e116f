/** Turns per-source statistics into `no_access` suggestions: thresholds, blocks and exemptions. */
import { blockOf, exemptionOf, formatNetwork, parseSource, type Exemptions, type Network } from './addresses.js';
import type { SourceStats } from './offenders.js';
import type { Thresholds } from './thresholds.js';

export interface Suggestion {
  network: Network;
  /** The `no_access` value: an address, or a CIDR block. */
  entry: string;
  /** The failing addresses the entry covers. */
  sources: string[];
  failures: number;
  /** The most failures within one findTime window. */
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
  why: string;
}

export interface Plan {
  suggestions: Suggestion[];
  exempted: Exempted[];
}

interface ParsedStats extends SourceStats {
  network: Network;
  block: string;
}

function parseStats(stats: readonly SourceStats[]): ParsedStats[] {
  const parsed: ParsedStats[] = [];
  for (const entry of stats) {
    const address = parseSource(entry.source);
    // NOTE: a source that is not an IP address (a host name in a hand-written log) is never suggested.
    if (!address) continue;
    const network = { address, prefix: address.kind() === 'ipv4' ? 32 : 128 };
    parsed.push({ ...entry, network, block: formatNetwork(blockOf(address)) });
  }
  return parsed;
}

function groupByBlock(stats: readonly ParsedStats[]): Map<string, ParsedStats[]> {
  const groups = new Map<string, ParsedStats[]>();
  for (const entry of stats) {
    const group = groups.get(entry.block);
    if (group) group.push(entry);
    else groups.set(entry.block, [entry]);
  }
  return groups;
}

/** Maps each source of a block with at least blockHosts failing addresses to that block. */
export function candidateBlocks(stats: readonly SourceStats[], thresholds: Thresholds): Map<string, string> {
  const candidates = new Map<string, string>();
  if (thresholds.blockHosts <= 0) return candidates;
  for (const [block, members] of groupByBlock(parseStats(stats))) {
    if (members.length < thresholds.blockHosts) continue;
    for (const member of members) candidates.set(member.source, block);
  }
  return candidates;
}

function expiry(lastSeen: Date, thresholds: Thresholds): Date | null {
  return thresholds.banTimeMs === null ? null : new Date(lastSeen.getTime() + thresholds.banTimeMs);
}

function combine(network: Network, members: readonly ParsedStats[], peak: number, thresholds: Thresholds): Suggestion {
  // reduce, not Math.min(...): an IPv6 block can hold more members than a call takes arguments.
  const firstSeen = new Date(members.reduce((min, member) => Math.min(min, member.firstSeen.getTime()), Infinity));
  const lastSeen = new Date(members.reduce((max, member) => Math.max(max, member.lastSeen.getTime()), -Infinity));
  return {
    network,
    entry: formatNetwork(network),
    sources: members.map((member) => member.source),
    failures: members.reduce((sum, member) => sum + member.failures, 0),
    peak,
    firstSeen,
    lastSeen,
    services: [...new Set(members.flatMap((member) => member.services))].sort(),
    expires: expiry(lastSeen, thresholds),
  };
}

/**
 * Decides the suggestions. A block becomes one entry when it has blockHosts failing
 * addresses and their failures together reach maxRetry within findTime, unless the block
 * holds an exempt address; its addresses are then judged one by one.
 */
export function planSuggestions(
  stats: readonly SourceStats[],
  blockPeaks: ReadonlyMap<string, number>,
  thresholds: Thresholds,
  exemptions: Exemptions,
): Plan {
  const plan: Plan = { suggestions: [], exempted: [] };
  const singles: ParsedStats[] = [];
  for (const [block, members] of groupByBlock(parseStats(stats))) {
    const peak = blockPeaks.get(block) ?? 0;
    const hostile = thresholds.blockHosts > 0 && members.length >= thresholds.blockHosts && peak >= thresholds.maxRetry;
    const network = blockOf(members[0]!.network.address);
    if (hostile && exemptionOf(network, exemptions) === null) plan.suggestions.push(combine(network, members, peak, thresholds));
    else singles.push(...members);
  }
  for (const member of singles) {
    if (member.peak < thresholds.maxRetry) continue;
    const why = exemptionOf(member.network, exemptions);
    if (why === null) plan.suggestions.push(combine(member.network, [member], member.peak, thresholds));
    else plan.exempted.push({ entry: member.source, failures: member.failures, peak: member.peak, why });
  }
  plan.suggestions.sort((a, b) => b.failures - a.failures || a.entry.localeCompare(b.entry));
  return plan;
}
