/** Services that would listen on the same socket: the later one is not loaded. */

import ipaddr from 'ipaddr.js';

import type { DiagnosticCollector, DiagnosticOwner } from './diagnostics.js';
import type { ServiceConfig } from './types.js';

/** Normalized bind address, so ::1 and 0:0::1 compare equal; `*` stands for every address. */
function bindKey(bind: string | null): string {
  if (bind === null) return '*';
  return ipaddr.isValid(bind) ? ipaddr.parse(bind).toString() : bind;
}

function socketKey(service: ServiceConfig): string {
  return `${service.protocol}/${service.port}/${bindKey(service.bind)}`;
}

/**
 * Keeps the first service for each protocol, port and bind address. xinetd compares
 * only services with an explicit bind; two services without one would fail later, in
 * bind(), so they are reported here instead.
 * NOTE: a service bound to one address and one bound to every address on the same
 * port are not compared, although the second bind() may still fail.
 */
export function removeDuplicates<T extends { service: ServiceConfig; owner: DiagnosticOwner }>(
  candidates: readonly T[],
  diagnostics: DiagnosticCollector,
): T[] {
  const firstByKey = new Map<string, ServiceConfig>();
  return candidates.filter(({ service, owner }) => {
    // Port 0 asks the kernel for a free port, so such services never share a socket.
    if (service.port === 0) return true;
    const key = socketKey(service);
    const first = firstByKey.get(key);
    if (first === undefined) {
      firstByKey.set(key, service);
      return true;
    }
    const where = `${first.position.file}:${first.position.line}`;
    const conflict = first.id.toLowerCase() === service.id.toLowerCase()
      ? `id "${service.id}" is already used`
      : `service "${first.id}" already uses the same socket`;
    const socket = `${service.protocol} port ${service.port} on ${service.bind ?? 'every address'}`;
    diagnostics.report('CONFIG_DUPLICATE_SERVICE', `${conflict} (${where}): ${socket}`, {
      position: service.position,
      owner,
      hint: 'give one of them a different port or bind address, or remove one',
    });
    return false;
  });
}
