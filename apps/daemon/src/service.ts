/**
 * A service while the daemon runs it: its current configuration, the address rules built
 * from it, its listener, and the servers it has running.
 */
import type { ChildProcess } from 'node:child_process';
import type { ServiceConfig } from '#config';
import { AclError, buildAddressRule, type AddressRule, type NetworkTable } from '#acl';
import type { Source } from '#logformat';
import { networkTable } from './access/networks.js';
import type { BoundAddress, Listener } from './listener.js';

export interface RunningServer {
  /** The server's pid, or 0 for an internal service served inside the daemon. */
  pid: number;
  child: ChildProcess | null;
  source: Source;
  startedAt: number;
  /** Ends an in-process session; unused for child processes. */
  stop: (() => void) | null;
}

export interface AddressRules {
  onlyFrom: AddressRule[] | null;
  noAccess: AddressRule[];
  /** One message per token that was left out, for the daemon's log. */
  problems: string[];
}

function parseTokens(config: ServiceConfig, attribute: string, tokens: readonly string[], problems: string[], networks: NetworkTable): AddressRule[] {
  const rules: AddressRule[] = [];
  for (const token of tokens) {
    try {
      rules.push(buildAddressRule(token, networks));
    } catch (error) {
      if (!(error instanceof AclError)) throw error;
      problems.push(`service ${config.id}: ${attribute}: ${error.message}; the entry is ignored`);
    }
  }
  return rules;
}

/** Builds the address rules; an unusable token is left out, so an all-bad only_from denies everyone. */
export function buildAddressRules(config: ServiceConfig): AddressRules {
  const problems: string[] = [];
  const networks = networkTable();
  const onlyFrom = config.onlyFrom === null ? null : parseTokens(config, 'only_from', config.onlyFrom, problems, networks);
  const noAccess = parseTokens(config, 'no_access', config.noAccess, problems, networks);
  return { onlyFrom, noAccess, problems };
}

/** Returns the identity of a listener: a reload keeps the socket when it is unchanged. */
export function listenerKey(config: ServiceConfig): string {
  const internal = config.types.has('INTERNAL') ? 'internal' : 'external';
  const family = config.flags.has('IPv4') ? 'v4' : config.flags.has('IPv6') ? 'v6' : 'any';
  return [config.id.toLowerCase(), config.protocol, config.socketType, config.wait, internal, config.port, config.bind ?? '*', family].join('|');
}

export class Service {
  config: ServiceConfig;
  rules: AddressRules;
  listener: Listener | null = null;
  bound: BoundAddress | null = null;
  readonly running = new Set<RunningServer>();

  constructor(config: ServiceConfig) {
    this.config = config;
    this.rules = buildAddressRules(config);
  }

  /** Adopts a new configuration for new connections; running servers are left alone. */
  update(config: ServiceConfig): void {
    this.config = config;
    this.rules = buildAddressRules(config);
  }
}
