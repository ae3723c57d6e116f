/**
 * The `only_from` / `no_access` decision for one client address. Unlike xinetd 2.3.15,
 * which denies whenever both lists match, the more specific match wins, as xinetd's
 * manual promises; a tie denies.
 *
 * Every match has a rank on one scale. An IPv6 network ranks by its prefix length, an IPv4
 * network by its prefix length plus 96, and a host name as a single host (128). A `.domain`
 * suffix ranks above 0.0.0.0 but below every other network, longer suffixes higher.
 */
import { matchLength, parseClient, type Address, type AddressRule } from './address.js';

export type AccessDecision =
  | 'allowed: no rules'
  | 'allowed: only_from'
  | 'allowed: not in no_access'
  | 'allowed: only_from more specific than no_access'
  | 'denied: no_access'
  | 'denied: not in only_from'
  | 'denied: no_access as specific as only_from'
  | 'denied: address unknown'
  | 'denied: host name unknown for a no_access name entry';

export interface Verdict {
  allowed: boolean;
  decision: AccessDecision;
  /** The rule token that decided, when one did. */
  rule: string | null;
}

/**
 * The client's host names, confirmed by a forward lookup, lower-case; null when the lookup
 * failed or was not made, which makes every name rule "not evaluable".
 */
export type ClientNames = readonly string[] | null;

interface BestMatch {
  rule: AddressRule | null;
  rank: number;
  /** A name rule could not be decided because the client's name is unknown. */
  unknown: AddressRule | null;
}

/** Returns the rank of `rule` for this client, -1 for no match, or null when it cannot be decided. */
function rankOf(rule: AddressRule, client: Address, names: ClientNames): number | null {
  if (rule.kind === 'network') return matchLength(rule.networks, client);
  if (names === null) return null;
  if (rule.kind === 'host') return names.includes(rule.name) ? 128 : -1;
  const labels = rule.suffix.split('.').length - 1;
  return names.some((name) => name.endsWith(rule.suffix)) ? 96 + Math.min(labels, 99) / 100 : -1;
}

function bestMatch(rules: readonly AddressRule[], client: Address, names: ClientNames): BestMatch {
  const best: BestMatch = { rule: null, rank: -1, unknown: null };
  for (const rule of rules) {
    const rank = rankOf(rule, client, names);
    if (rank === null) best.unknown ??= rule;
    else if (rank > best.rank) Object.assign(best, { rule, rank });
  }
  return best;
}

function verdict(allowed: boolean, decision: AccessDecision, rule: AddressRule | null): Verdict {
  return { allowed, decision, rule: rule?.text ?? null };
}

/**
 * Decides whether `ip` may connect. `onlyFrom` null means the attribute is not configured
 * (every client passes it), and an empty array means no client does. A no_access name
 * entry that cannot be decided denies: a failed lookup never allows.
 */
export function checkAddress(
  ip: string | null,
  onlyFrom: readonly AddressRule[] | null,
  noAccess: readonly AddressRule[],
  names: ClientNames = null,
): Verdict {
  if (onlyFrom === null && noAccess.length === 0) return verdict(true, 'allowed: no rules', null);
  const client = ip === null ? null : parseClient(ip);
  if (!client) return verdict(false, 'denied: address unknown', null);

  const allow = onlyFrom === null ? null : bestMatch(onlyFrom, client, names);
  const deny = bestMatch(noAccess, client, names);

  if (allow !== null && allow.rule === null) return verdict(false, 'denied: not in only_from', null);
  if (deny.unknown !== null) return verdict(false, 'denied: host name unknown for a no_access name entry', deny.unknown);
  if (deny.rule === null) {
    return allow === null ? verdict(true, 'allowed: not in no_access', null) : verdict(true, 'allowed: only_from', allow.rule);
  }
  if (allow === null) return verdict(false, 'denied: no_access', deny.rule);
  if (allow.rank > deny.rank) return verdict(true, 'allowed: only_from more specific than no_access', allow.rule);
  if (allow.rank === deny.rank) return verdict(false, 'denied: no_access as specific as only_from', deny.rule);
  return verdict(false, 'denied: no_access', deny.rule);
}
