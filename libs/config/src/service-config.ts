/** Builds the frozen ServiceConfig the daemon receives. */

import { CPS, ID, INSTANCES, PER_SOURCE, PORT } from './attributes.js';
import { frozenArray, frozenMap, frozenSet } from './freeze.js';
import type { ServiceDraft } from './settings.js';
import { resolveTuning } from './tuning.js';
import type { ServiceConfig, SourcePosition, ValueOrigin } from './types.js';
import type { CheckedService } from './validate.js';

type Origin = { origin: ValueOrigin; position: SourcePosition | null };

function freezePosition(position: SourcePosition | null): SourcePosition | null {
  return position === null ? null : Object.freeze({ ...position });
}

/** Collects the origin of each effective value; inferred values count as built-in. */
function collectOrigins(draft: ServiceDraft, checked: CheckedService): Map<string, Origin> {
  const origins = new Map<string, Origin>();
  for (const [name, setting] of draft.settings.entries()) {
    if (!setting.broken) origins.set(name, { origin: setting.origin, position: setting.position });
  }
  const builtIn = [...checked.builtIn];
  if (!draft.settings.has(ID)) builtIn.push(ID.name);
  for (const spec of [INSTANCES, PER_SOURCE, CPS]) {
    if (!draft.settings.has(spec)) builtIn.push(spec.name);
  }
  for (const name of builtIn) origins.set(name, { origin: 'built-in', position: null });
  if (checked.portLookedUp) origins.set(PORT.name, { origin: 'services-file', position: null });
  return origins;
}

export function buildServiceConfig(draft: ServiceDraft, checked: CheckedService): ServiceConfig {
  const origins = [...collectOrigins(draft, checked)].map(
    ([name, origin]) => [name, Object.freeze({ origin: origin.origin, position: freezePosition(origin.position) })] as const,
  );
  return Object.freeze({
    name: draft.name,
    id: draft.owner.label,
    position: Object.freeze({ ...draft.position }),
    socketType: checked.socketType,
    protocol: checked.protocol,
    wait: checked.wait,
    types: frozenSet(checked.types),
    flags: frozenSet(checked.flags),
    user: checked.user,
    group: checked.group,
    uid: checked.uid,
    gid: checked.gid,
    server: checked.server,
    argv: frozenArray(checked.argv),
    port: checked.port,
    bind: checked.bind,
    instances: checked.instances,
    onlyFrom: checked.onlyFrom === null ? null : frozenArray(checked.onlyFrom),
    noAccess: frozenArray(checked.noAccess),
    logType: checked.logType === null ? null : Object.freeze({ ...checked.logType }),
    logOnSuccess: frozenSet(checked.logOnSuccess),
    logOnFailure: frozenSet(checked.logOnFailure),
    ...resolveTuning(draft.settings),
    redirect: checked.redirect === null ? null : Object.freeze({ ...checked.redirect }),
    origins: frozenMap(origins),
  });
}
