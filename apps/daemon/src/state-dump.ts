/**
 * The state dump that SIGUSR1 appends to the dump file, in the spirit of xinetd's: the
 * services with their listeners, every running server with its pid, client and age, and
 * the limits that new connections are counted against.
 */
import { appendFileSync } from 'node:fs';
import type { Service } from './service.js';

export const DEFAULT_DUMP_FILE = '/var/run/xinetd.dump';

export interface DumpInput {
  version: string;
  now: Date;
  services: readonly Service[];
  processLimit: number | null;
  runningCount: number;
}

function describeServer(service: Service): string {
  const { config } = service;
  if (config.types.has('INTERNAL')) return 'internal';
  if (config.redirect) return `redirect to ${config.redirect.host}:${config.redirect.port}`;
  return config.server ?? '';
}

function describeService(service: Service, now: number): string[] {
  const { config } = service;
  const bound = service.bound ? `${service.bound.address}:${service.bound.port}/${config.protocol}` : 'not bound';
  const kind = describeServer(service);
  const lines = [
    `Service = ${config.name}`,
    `\tid = ${config.id}`,
    `\tState = Active`,
    `\tListening on = ${bound}`,
    `\tsocket_type = ${config.socketType}, wait = ${config.wait ? 'yes' : 'no'}`,
    `\tServer = ${kind}`,
    `\tInstances = ${config.instances ?? 'UNLIMITED'}, running = ${service.running.size}`,
    `\tper_source = ${config.perSource ?? 'UNLIMITED'}, cps = ${config.cps ? `${config.cps.connections} ${config.cps.waitSeconds}` : 'off'}`,
    `\tOnly from: ${config.onlyFrom === null ? 'All sites' : config.onlyFrom.join(' ') || 'No sites'}`,
    `\tNo access: ${config.noAccess.length === 0 ? 'No blocked sites' : config.noAccess.join(' ')}`,
  ];
  for (const server of service.running) {
    const age = Math.round((now - server.startedAt) / 1000);
    lines.push(`\tServer pid = ${server.pid}, from = ${server.source.ip ?? '<no address>'}, age = ${age}(sec)`);
  }
  return lines;
}

export function formatStateDump(input: DumpInput): string {
  const now = input.now.getTime();
  const lines = [
    `INTERNAL STATE DUMP: xinetd-ts ${input.version}`,
    `Current time: ${input.now.toString()}`,
    '',
    'Services:',
    ...input.services.flatMap((service) => [...describeService(service, now), '']),
    `Running servers = ${input.runningCount}, process limit = ${input.processLimit ?? 'none'}`,
    'END OF DUMP',
    '',
    '',
  ];
  return lines.join('\n');
}

/** Appends the dump; xinetd creates the file with mode 0644 and appends one dump per signal. */
export function writeStateDump(path: string, input: DumpInput): void {
  appendFileSync(path, formatStateDump(input), { mode: 0o644 });
}
