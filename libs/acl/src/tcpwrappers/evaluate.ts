/**
 * The hosts_access decision: the first matching rule of hosts.allow allows, then the first
 * matching rule of hosts.deny denies, and a client neither file matches is allowed.
 */
import { matchRule, type WrapRule, type WrapTable } from './table.js';
import type { WrapClient } from './patterns.js';

export interface WrapVerdict {
  allowed: boolean;
  /** The file that decided, or null when no rule matched. */
  file: 'hosts.allow' | 'hosts.deny' | null;
  /** The deciding rule, or null. */
  rule: WrapRule | null;
}

/**
 * A rule whose effect is allow counts only on a definite match. A rule whose effect is deny
 * also counts when it cannot be decided, so an unknown name never allows.
 */
function decides(rule: WrapRule, daemon: string, client: WrapClient): boolean {
  const match = matchRule(rule, daemon, client);
  return match === 'yes' || (match === 'unknown' && rule.effect === 'deny');
}

function firstDeciding(table: WrapTable, daemon: string, client: WrapClient, skipBroken: boolean): WrapRule | null {
  for (const rule of table.rules) {
    if (skipBroken && rule.broken) continue;
    if (decides(rule, daemon, client)) return rule;
  }
  return null;
}

/** Decides whether `daemon` may serve `client`. */
export function checkWrappers(allow: WrapTable, deny: WrapTable, daemon: string, client: WrapClient): WrapVerdict {
  const allowed = firstDeciding(allow, daemon, client, true);
  if (allowed) return { allowed: allowed.effect === 'allow', file: 'hosts.allow', rule: allowed };
  const denied = firstDeciding(deny, daemon, client, false);
  if (denied) return { allowed: denied.effect === 'allow', file: 'hosts.deny', rule: denied };
  return { allowed: true, file: null, rule: null };
}
