/**
 * The `only_from` / `no_access` decision for one client address. Unlike xinetd 2.3.15,
 * which denies whenever both lists match, the more specific match wins, as xinetd's
 * manual promises; a tie denies.
 */
import { matchLength, parseClient, type AddressRule } from './address.js';

export type AccessDecision =
  | 'allowed: no rules'
  | 'allowed: only_from'
  | 'allowed: not in no_access'
  | 'allowed: only_from more specific than no_access'
  | 'denied: no_access'
  | 'denied: not in only_from'
  | 'denied: no_access as specific as only_from'
  | 'denied: address unknown';

export interface Verdict {
  allowed: boolean;
  decision: AccessDecision;
  /** The rule token that decided, when one did. */
  rule: string | null;
}

interface BestMatch {
  rule: AddressRule | null;
  length: number;
}

function bestMatch(rules: readonly AddressRule[], client: NonNullable<ReturnType<typeof parseClient>>): BestMatch {
  let best: BestMatch = { rule: null, length: -1 };
  for (const rule of rules) {
    const length = matchLength(rule, client);
    if (length > best.length) best = { rule, length };
  }
  return best;
}

/**
 * Decides whether `ip` may connect. `onlyFrom` null means the attribute is not configured
 * (every client passes it), and an empty array means no client does.
 */
export function checkAddress(
  ip: string | null,
  onlyFrom: readonly AddressRule[] | null,
  noAccess: readonly AddressRule[],
): Verdict {
  if (onlyFrom === null && noAccess.length === 0) return { allowed: true, decision: 'allowed: no rules', rule: null };
  const client = ip === null ? null : parseClient(ip);
  if (!client) return { allowed: false, decision: 'denied: address unknown', rule: null };

  const allow = onlyFrom === null ? null : bestMatch(onlyFrom, client);
  const deny = bestMatch(noAccess, client);

  if (allow !== null && allow.rule === null) {
    return { allowed: false, decision: 'denied: not in only_from', rule: null };
  }
  if (deny.rule === null) {
    return allow === null
      ? { allowed: true, decision: 'allowed: not in no_access', rule: null }
      : { allowed: true, decision: 'allowed: only_from', rule: allow.rule!.text };
  }
  if (allow === null) return { allowed: false, decision: 'denied: no_access', rule: deny.rule.text };
  if (allow.length > deny.length) {
    return { allowed: true, decision: 'allowed: only_from more specific than no_access', rule: allow.rule!.text };
  }
  if (allow.length === deny.length) {
    return { allowed: false, decision: 'denied: no_access as specific as only_from', rule: deny.rule.text };
  }
  return { allowed: false, decision: 'denied: no_access', rule: deny.rule.text };
}
