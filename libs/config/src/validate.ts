/**
 * Checks one service after the whole configuration was read and gathers what its
 * ServiceConfig needs. Every problem is reported, and a service with any error is not
 * loaded.
 */

import {
  BIND, FLAGS, GROUP, INSTANCES, LOG_ON_FAILURE, LOG_ON_SUCCESS, LOG_TYPE, NO_ACCESS, ONLY_FROM, PORT,
  PROTOCOL, REDIRECT, RPC_NUMBER, RPC_VERSION, SERVER, SERVER_ARGS, SOCKET_TYPE, TYPE, USER, WAIT,
  type ListSpec, type SingleSpec,
} from './attributes.js';
import { BUILTIN_SERVICES, hasBuiltin, PLANNED_BUILTINS } from './builtins.js';
import type { DiagnosticCode } from './codes.js';
import type { DiagnosticCollector } from './diagnostics.js';
import { inheritDefaults } from './inherit.js';
import { buildArgv, checkServerProgram, lookUpGroup, lookUpUser } from './program-checks.js';
import type { DefaultsState, ServiceDraft } from './settings.js';
import { didYouMean } from './suggest.js';
import type { SystemFiles } from './system-files.js';
import type {
  FailureLogFlag, LogType, ServiceFlag, ServiceType, SocketType, SuccessLogFlag,
} from './types.js';
import type { ValueProblem } from './values.js';

export interface CheckContext {
  readonly diagnostics: DiagnosticCollector;
  readonly system: SystemFiles;
  /** Directory that relative server paths are checked against. */
  readonly baseDir: string;
}

/** Everything a ServiceConfig needs beyond the name, id and origins. */
export interface CheckedService {
  socketType: SocketType;
  protocol: string;
  /** Attributes whose value was inferred rather than written. */
  builtIn: string[];
  /** Set when the port was looked up by the service's name in the services file. */
  portLookedUp: boolean;
  wait: boolean;
  types: Set<ServiceType>;
  flags: Set<ServiceFlag>;
  user: string | null;
  group: string | null;
  uid: number | null;
  gid: number | null;
  server: string | null;
  argv: string[];
  port: number;
  bind: string | null;
  instances: number | null;
  onlyFrom: string[] | null;
  noAccess: string[];
  logType: LogType | null;
  logOnSuccess: Set<SuccessLogFlag>;
  logOnFailure: Set<FailureLogFlag>;
  redirect: { host: string; port: number } | null;
}

interface Socket {
  socketType: SocketType;
  protocol: string;
  /** socket_type or protocol when inferred from the other. */
  inferred: string[];
}

interface Account {
  uid: number | null;
  gid: number | null;
}

interface Port {
  port: number;
  /** Taken from the services file rather than written. */
  lookedUp: boolean;
}

const UNSUPPORTED_TYPES: readonly ServiceType[] = ['RPC', 'TCPMUX', 'TCPMUXPLUS'];
const IDENT_PORT = 113;

/** Returns the protocol that a stream or dgram socket implies. */
function protocolOf(socketType: SocketType): string | undefined {
  if (socketType === 'stream') return 'tcp';
  if (socketType === 'dgram') return 'udp';
  return undefined;
}

function socketTypeOf(protocol: string | undefined): SocketType | undefined {
  if (protocol === 'tcp') return 'stream';
  if (protocol === 'udp') return 'dgram';
  return undefined;
}

/**
 * Fills a service from the final defaults and checks it. Returns null, with
 * diagnostics, when it cannot be loaded.
 */
export function checkService(draft: ServiceDraft, defaults: DefaultsState, context: CheckContext): CheckedService | null {
  // Checking a service whose lines already had errors would mostly repeat them.
  if (draft.owner.errorCount > 0) return null;
  inheritDefaults(draft, defaults, context.diagnostics);
  const checked = new ServiceChecker(draft, context).run();
  return draft.owner.errorCount > 0 ? null : checked;
}

class ServiceChecker {
  private readonly types: Set<ServiceType>;
  private readonly flags: Set<ServiceFlag>;

  constructor(
    private readonly draft: ServiceDraft,
    private readonly context: CheckContext,
  ) {
    this.types = new Set(this.value(TYPE) ?? []);
    this.flags = new Set(this.value(FLAGS) ?? []);
  }

  run(): CheckedService | null {
    const internal = this.types.has('INTERNAL');
    this.checkUnsupported();
    this.checkRequired(internal);
    const socket = this.resolveSocket();
    const wait = this.value(WAIT) ?? false;
    if (socket !== null) this.checkSocketRules(socket, wait, internal);
    if (socket !== null) this.checkSpecialServices(socket, wait);
    if (internal && this.flags.has('NAMEINARGS')) {
      const message = 'an INTERNAL service cannot have the NAMEINARGS flag';
      this.report('CONFIG_INCOMPATIBLE_ATTRIBUTES', message, 'remove NAMEINARGS from flags', FLAGS);
    }
    const account = this.resolveAccount();
    this.checkServer();
    const port = socket === null ? null : this.resolvePort(socket.protocol);
    this.checkTraffic();
    const redirect = this.resolveRedirect();
    if (socket === null || port === null || account === null || redirect === undefined) return null;
    return { ...this.finish(socket, port, account, wait), redirect };
  }

  private finish(socket: Socket, port: Port, account: Account, wait: boolean): Omit<CheckedService, 'redirect'> {
    this.adjustFlags(wait);
    const logOnSuccess = new Set(this.items(LOG_ON_SUCCESS) as SuccessLogFlag[]);
    const logOnFailure = new Set(this.items(LOG_ON_FAILURE) as FailureLogFlag[]);
    if (port.port === IDENT_PORT && socket.protocol === 'tcp') this.clearUserId(logOnSuccess, logOnFailure);
    const onlyFrom = this.draft.settings.items(ONLY_FROM);
    if (onlyFrom?.length === 0) {
      const hint = 'list the allowed clients, or remove only_from to allow everyone';
      this.report('CONFIG_EMPTY_ONLY_FROM', 'only_from is empty, so every client is rejected', hint, ONLY_FROM);
    }
    const server = this.value(SERVER) ?? null;
    const nameInArgs = this.flags.has('NAMEINARGS');
    const argv = server === null || this.types.has('INTERNAL') ? [] : buildArgv(server, this.value(SERVER_ARGS) ?? [], nameInArgs);
    return {
      socketType: socket.socketType,
      protocol: socket.protocol,
      builtIn: socket.inferred,
      portLookedUp: port.lookedUp,
      wait,
      types: this.types,
      flags: this.flags,
      user: this.value(USER) ?? null,
      group: this.value(GROUP) ?? null,
      ...account,
      server,
      argv,
      port: port.port,
      bind: this.value(BIND) ?? null,
      instances: this.value(INSTANCES) ?? null,
      onlyFrom: onlyFrom === undefined ? null : [...onlyFrom],
      noAccess: [...this.items(NO_ACCESS)],
      logType: this.value(LOG_TYPE) ?? null,
      logOnSuccess,
      logOnFailure,
    };
  }

  private value<T>(spec: SingleSpec<T>): T | undefined {
    return this.draft.settings.value(spec);
  }

  private items(spec: ListSpec): readonly string[] {
    return this.draft.settings.items(spec) ?? [];
  }

  /** Reports at the line that set `attribute`, or at the service line. */
  private report(code: DiagnosticCode, message: string, hint: string | null, attribute: { name: string } | null = null): void {
    const position = (attribute === null ? undefined : this.draft.settings.get(attribute)?.position) ?? this.draft.position;
    this.context.diagnostics.report(code, message, { position, owner: this.draft.owner, hint });
  }

  private reportProblem(problem: ValueProblem, attribute: { name: string }): void {
    this.report(problem.code, problem.message, problem.hint, attribute);
  }

  private checkUnsupported(): void {
    const hint = 'xinetd-ts does not implement this yet; keep this service on xinetd or disable it';
    for (const type of UNSUPPORTED_TYPES) {
      if (this.types.has(type)) this.report('CONFIG_UNSUPPORTED', `type ${type} is not supported`, hint, TYPE);
    }
    const socketType = this.value(SOCKET_TYPE);
    if (socketType === 'raw' || socketType === 'seqpacket') {
      const message = `socket_type ${socketType} is not supported: Node.js has only stream (tcp) and dgram (udp) sockets`;
      this.report('CONFIG_UNSUPPORTED', message, hint, SOCKET_TYPE);
    }
  }

  private requireAttribute(spec: { name: string }, reason: string): void {
    if (this.draft.assigned.has(spec.name)) return;
    this.report('CONFIG_MISSING_ATTRIBUTE', `missing attribute "${spec.name}"`, reason);
  }

  /** Only attributes set in the service entry itself count, as in xinetd. */
  private checkRequired(internal: boolean): void {
    this.requireAttribute(WAIT, 'every service needs "wait = yes" or "wait = no"');
    const redirected = this.draft.settings.has(REDIRECT);
    if (!internal) {
      this.requireAttribute(USER, 'a service that is not INTERNAL needs the user its server runs as (a redirect service too)');
      if (!redirected) this.requireAttribute(SERVER, 'a service that is not INTERNAL needs the path of its server program');
      if (this.flags.has('NAMEINARGS')) {
        this.requireAttribute(SERVER_ARGS, 'with NAMEINARGS, the first server_args word is argv[0]');
      }
    }
    if (this.types.has('RPC')) this.checkRpcRequired();
    else if (this.isMuxClient()) this.requireAttribute(PROTOCOL, 'a TCPMUX service needs "protocol = tcp"');
    else if (this.types.has('UNLISTED')) {
      this.requireAttribute(PORT, 'an UNLISTED service is not looked up in the services file, so it needs a port');
    }
  }

  private checkRpcRequired(): void {
    this.requireAttribute(PROTOCOL, 'an RPC service needs its protocol, tcp or udp');
    this.requireAttribute(RPC_VERSION, 'an RPC service needs the version or range of versions it serves');
    if (this.types.has('UNLISTED')) this.requireAttribute(RPC_NUMBER, 'an UNLISTED RPC service is not looked up in /etc/rpc, so it needs its program number');
  }

  private isMuxClient(): boolean {
    return this.types.has('TCPMUX') || this.types.has('TCPMUXPLUS');
  }

  /** Applies xinetd's rules for redirect and TCPMUX services. */
  private checkSpecialServices(socket: Socket, wait: boolean): void {
    if (this.draft.settings.has(REDIRECT)) {
      const hint = 'a redirect service relays tcp connections: use socket_type stream, "wait = no" and no NAMEINARGS';
      if (socket.protocol !== 'tcp') this.report('CONFIG_INCOMPATIBLE_ATTRIBUTES', 'only tcp services can be redirected', hint, REDIRECT);
      if (wait) this.report('CONFIG_INCOMPATIBLE_ATTRIBUTES', 'a redirect service must not wait', hint, WAIT);
      if (this.flags.has('NAMEINARGS')) this.report('CONFIG_INCOMPATIBLE_ATTRIBUTES', 'a redirect service cannot have NAMEINARGS', hint, FLAGS);
    }
    if (this.isMuxClient()) {
      const hint = 'a TCPMUX service is started by the tcpmux service: write "type = TCPMUX UNLISTED" and "protocol = tcp"';
      if (!this.types.has('UNLISTED')) this.report('CONFIG_INCOMPATIBLE_ATTRIBUTES', 'a TCPMUX service needs UNLISTED in type', hint, TYPE);
      if (socket.protocol !== 'tcp') this.report('CONFIG_INCOMPATIBLE_ATTRIBUTES', 'a TCPMUX service needs protocol tcp', hint, PROTOCOL);
    }
  }

  /** Infers socket_type from a tcp or udp protocol, and the protocol from a stream or dgram socket. */
  private resolveSocket(): Socket | null {
    const written = this.value(SOCKET_TYPE);
    const protocolWord = this.value(PROTOCOL);
    const protocol = protocolWord === undefined ? undefined : this.canonicalProtocol(protocolWord);
    if (protocol === null) return null;
    const socketType = written ?? socketTypeOf(protocol);
    if (socketType === undefined) {
      this.requireAttribute(SOCKET_TYPE, 'every service needs a socket_type, or a protocol of tcp or udp to infer it from');
      return null;
    }
    const inferred = written === undefined ? [SOCKET_TYPE.name] : [];
    if (protocol !== undefined) return { socketType, protocol, inferred };
    const implied = protocolOf(socketType);
    if (implied !== undefined) return { socketType, protocol: implied, inferred: [...inferred, PROTOCOL.name] };
    this.report('CONFIG_MISSING_ATTRIBUTE', 'missing attribute "protocol"', `socket_type ${socketType} needs an explicit protocol`);
    return null;
  }

  /** Returns the official name from the protocols file (TCP → tcp), or null after reporting. */
  private canonicalProtocol(word: string): string | null {
    const protocol = this.context.system.protocols().canonicalName(word);
    if (protocol !== undefined) return protocol;
    const message = `protocol "${word}" is not in ${this.context.system.paths.protocols}`;
    this.report('CONFIG_UNKNOWN_PROTOCOL', message, 'use a protocol name such as tcp or udp', PROTOCOL);
    return null;
  }

  private checkSocketRules(socket: Socket, wait: boolean, internal: boolean): void {
    const { socketType, protocol } = socket;
    const expected = protocolOf(socketType) ?? protocol;
    if (protocol !== expected) {
      const message = `socket_type ${socketType} does not work with protocol ${protocol}`;
      this.report('CONFIG_INCOMPATIBLE_ATTRIBUTES', message, `use protocol ${expected}, or remove the protocol line`, PROTOCOL);
    }
    if (socketType === 'dgram' && !wait && this.draft.assigned.has(WAIT.name)) {
      const message = 'socket_type dgram with "wait = no" would start a server for every datagram';
      this.report('CONFIG_DGRAM_NO_WAIT', message, 'set "wait = yes"', WAIT);
    }
    // A SENSOR service runs xinetd's sensor built-in, whatever its name.
    if (internal && !this.flags.has('SENSOR') && !hasBuiltin(this.draft.name, socketType)) this.reportUnknownBuiltin(socketType);
  }

  private reportUnknownBuiltin(socketType: SocketType): void {
    const name = this.draft.name;
    const names = [...BUILTIN_SERVICES.keys()];
    const planned = PLANNED_BUILTINS.includes(name.toLowerCase());
    const suggestion = didYouMean(name, names);
    const list = `INTERNAL services are chosen by service name: ${names.join(', ')}`;
    const hint = planned
      ? `xinetd-ts does not implement the ${name} built-in yet`
      : suggestion === null ? list : `${suggestion} ${list}`;
    this.report('CONFIG_UNKNOWN_BUILTIN', `no built-in service "${name}" for socket type ${socketType}`, hint, TYPE);
  }

  /** Resolves uid and gid. Without `group`, the gid is the user's: from passwd, or the uid for a numeric user. */
  private resolveAccount(): Account | null {
    const user = this.value(USER);
    const group = this.value(GROUP);
    const owner = user === undefined ? null : lookUpUser(user, this.context.system);
    const gid = group === undefined ? null : lookUpGroup(group, this.context.system);
    if (owner?.ok === false) this.reportProblem(owner.problem, USER);
    if (gid?.ok === false) this.reportProblem(gid.problem, GROUP);
    if (owner?.ok === false || gid?.ok === false) return null;
    return { uid: owner?.value.uid ?? null, gid: gid?.value ?? owner?.value.gid ?? null };
  }

  private checkServer(): void {
    const server = this.value(SERVER);
    const problem = server === undefined ? null : checkServerProgram(server, this.context.baseDir);
    if (problem !== null) this.reportProblem(problem, SERVER);
  }

  /** Resolves the port. A listed service takes it from the services file, and a written port must agree. */
  private resolvePort(protocol: string): Port | null {
    const written = this.value(PORT);
    // An RPC service binds a port the kernel picks, and a TCPMUX one listens on none of its own.
    if (this.types.has('RPC') || this.isMuxClient()) return { port: written ?? 0, lookedUp: false };
    if (this.types.has('UNLISTED')) return written === undefined ? null : { port: written, lookedUp: false };
    const name = this.draft.name;
    const file = this.context.system.paths.services;
    const services = this.context.system.services();
    const known = services?.port(name, protocol);
    if (known === undefined) {
      const suggestion = services === null ? null : didYouMean(name, services.names(protocol));
      const unlisted = 'add "type = UNLISTED" and a port for a service that is not in the services file';
      const hint = suggestion === null ? unlisted : `${suggestion} Or ${unlisted}`;
      this.report('CONFIG_UNKNOWN_SERVICE_PORT', `service name "${name}" with protocol ${protocol} is not in ${file}`, hint);
      return null;
    }
    if (written !== undefined && written !== known) {
      const message = `port ${written} differs from port ${known} that ${file} gives for ${name}/${protocol}`;
      this.report('CONFIG_PORT_MISMATCH', message, `remove the port line, or add "type = UNLISTED" to use port ${written}`, PORT);
      return null;
    }
    return { port: known, lookedUp: written === undefined };
  }

  /** Returns the redirect target with a numeric port, null without redirect, or undefined after reporting. */
  private resolveRedirect(): CheckedService['redirect'] | undefined {
    const target = this.value(REDIRECT);
    if (target === undefined) return null;
    if (/^\d+$/.test(target.port)) return { host: target.host, port: Number(target.port) };
    const port = this.context.system.services()?.port(target.port, 'tcp');
    if (port !== undefined) return { host: target.host, port };
    const message = `redirect port "${target.port}" is not a tcp service in ${this.context.system.paths.services}`;
    this.report('CONFIG_UNKNOWN_SERVICE_PORT', message, 'give the port as a number', REDIRECT);
    return undefined;
  }

  /** TRAFFIC counts the bytes a redirect service forwards, so it means nothing elsewhere. */
  private checkTraffic(): void {
    if (!this.items(LOG_ON_SUCCESS).includes('TRAFFIC') || this.draft.settings.has(REDIRECT)) return;
    const message = 'log_on_success TRAFFIC is only valid for a redirect service';
    this.report('CONFIG_INCOMPATIBLE_ATTRIBUTES', message, 'remove TRAFFIC from log_on_success', LOG_ON_SUCCESS);
  }

  private clearFlag(flag: ServiceFlag, reason: string): void {
    this.flags.delete(flag);
    this.report('CONFIG_FLAG_CLEARED', `${flag} removed: ${reason}`, null, FLAGS);
  }

  private adjustFlags(wait: boolean): void {
    if (this.flags.has('INTERCEPT') && this.types.has('INTERNAL')) {
      this.clearFlag('INTERCEPT', 'internal services cannot be intercepted');
    }
    if (this.flags.has('INTERCEPT') && !wait) {
      this.clearFlag('INTERCEPT', 'services with "wait = no" cannot be intercepted');
    }
    if (this.flags.has('IPv4') && this.flags.has('IPv6')) {
      this.clearFlag('IPv4', 'with both IPv4 and IPv6 the service uses IPv6, which accepts IPv4 clients too');
    }
  }

  /** Ident lookups on the ident port itself could loop between two daemons. */
  private clearUserId(success: Set<SuccessLogFlag>, failure: Set<FailureLogFlag>): void {
    const message = (attribute: string): string => `USERID removed from ${attribute} on the ident port ${IDENT_PORT}`;
    if (success.delete('USERID')) this.report('CONFIG_FLAG_CLEARED', message('log_on_success'), null, LOG_ON_SUCCESS);
    if (failure.delete('USERID')) this.report('CONFIG_FLAG_CLEARED', message('log_on_failure'), null, LOG_ON_FAILURE);
  }
}
