/**
 * The steps between reading and checking: values taken from the final defaults, and
 * the `enabled` / `disabled` lists of the defaults entry.
 */

import { ATTRIBUTES, DISABLED, ENABLED } from './attributes.js';
import type { DiagnosticCollector } from './diagnostics.js';
import type { DefaultsState, ServiceDraft } from './settings.js';

/**
 * Fills the attributes a service did not set (instances, bind, log_type, …) from the
 * defaults as they are after the whole configuration was read. Then reports each value
 * that the service has from a defaults line that failed to parse.
 */
export function inheritDefaults(draft: ServiceDraft, defaults: DefaultsState, diagnostics: DiagnosticCollector): void {
  for (const spec of ATTRIBUTES) {
    const setting = defaults.settings.get(spec);
    if (spec.fillAfterRead && setting !== undefined && !draft.assigned.has(spec.name)) draft.settings.set(spec, setting);
  }
  for (const [name, setting] of draft.settings.entries()) {
    if (!setting.broken) continue;
    const where = setting.position === null ? 'the defaults entry' : `${setting.position.file}:${setting.position.line}`;
    diagnostics.report('CONFIG_BAD_DEFAULT', `inherits attribute "${name}" from an invalid defaults line`, {
      position: draft.position,
      owner: draft.owner,
      hint: `fix "${name}" at ${where}, or set it with "=" in this service`,
    });
  }
}

function idMatches(id: string, list: readonly string[]): boolean {
  return list.some((item) => item.toLowerCase() === id.toLowerCase());
}

/** Drops the services the defaults' `disabled` list names, and those missing from an `enabled` list. */
export function applyServiceLists(
  drafts: readonly ServiceDraft[],
  defaults: DefaultsState,
  diagnostics: DiagnosticCollector,
): ServiceDraft[] {
  const enabled = defaults.settings.items(ENABLED);
  const disabled = defaults.settings.items(DISABLED) ?? [];
  return drafts.filter((draft) => {
    const id = draft.owner.label;
    const reason = idMatches(id, disabled)
      ? 'it is named in the "disabled" list of the defaults'
      : enabled !== undefined && !idMatches(id, enabled)
        ? 'the defaults have an "enabled" list that does not name it'
        : null;
    if (reason === null) return true;
    const details = { position: draft.position, owner: draft.owner };
    diagnostics.report('CONFIG_SERVICE_DISABLED', `service is disabled because ${reason}`, details);
    return false;
  });
}
