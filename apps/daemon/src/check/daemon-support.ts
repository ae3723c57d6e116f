/**
 * The flags and log options the daemon acts on today, beyond the attribute registry of
 * libs/config, which only knows whole attributes.
 */
import type { ServiceConfig } from '#config';

/** Flags the daemon acts on. REUSE is a no-op because every listener sets SO_REUSEADDR. */
const ENFORCED_FLAGS: ReadonlySet<string> = new Set(['IPv4', 'IPv6', 'NAMEINARGS', 'REUSE', 'SENSOR', 'NOLIBWRAP', 'IDONLY']);

/** Returns what part of an enforced attribute's value the daemon ignores, or null. */
export function ignoredPart(attribute: string, config: ServiceConfig): string | null {
  if (attribute === 'flags') {
    const ignored = [...config.flags].filter((flag) => !ENFORCED_FLAGS.has(flag));
    return ignored.length === 0 ? null : ignored.join(' ');
  }
  if (attribute === 'log_type' && config.logType?.kind === 'SYSLOG') return 'SYSLOG';
  if (attribute === 'log_type' && config.logType?.kind === 'FILE' && config.logType.softLimit !== null) return 'the size limits';
  return null;
}
