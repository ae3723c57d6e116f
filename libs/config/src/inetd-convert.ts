/**
 * Turns inetd.conf entries into xinetd.conf attributes, in two modes:
 *   - `convert`, for `xinetd-ts convert-inetd`: a tcpd wrapper is removed, argv[0] is
 *     dropped when it equals the program's name, and `nowait.N` becomes a `cps` line.
 *   - `compat`, for `-inetd_compat`: what xinetd does when it reads /etc/inetd.conf
 *     itself (id = name, groups = yes, flags REUSE NOLIBWRAP NAMEINARGS, tcpd kept).
 */

import { basename, isAbsolute, join } from 'node:path';

import { BUILTIN_SERVICES } from './builtins.js';
import type { InetdService } from './inetd-line.js';

export type InetdMode = 'convert' | 'compat';

export interface ConvertedService {
  readonly name: string;
  readonly attributes: ReadonlyArray<readonly [string, readonly string[]]>;
  /** Explanations written as comments above the entry. */
  readonly notes: readonly string[];
  /** Set when the entry cannot be converted; it is then written as a comment only. */
  readonly problem: { readonly message: string; readonly hint: string } | null;
}

export interface ConvertOptions {
  readonly mode: InetdMode;
  /** Directory of the programs that tcpd starts by a bare name; default /usr/sbin. */
  readonly daemonDir?: string;
}

const RETRY_SECONDS = 600;

class Builder {
  readonly attributes: Array<readonly [string, readonly string[]]> = [];
  readonly notes: string[] = [];
  private readonly flags: string[] = [];

  set(name: string, ...values: string[]): void {
    this.attributes.push([name, values]);
  }

  flag(flag: string): void {
    if (!this.flags.includes(flag)) this.flags.push(flag);
  }

  /** Returns the attributes with `flags` placed after `type` (or first). */
  finish(): Array<readonly [string, readonly string[]]> {
    if (this.flags.length === 0) return this.attributes;
    const index = this.attributes.findIndex(([name]) => name === 'type') + 1;
    return [...this.attributes.slice(0, index), ['flags', this.flags], ...this.attributes.slice(index)];
  }
}

function failed(service: InetdService, message: string, hint: string): ConvertedService {
  return { name: service.name, attributes: [], notes: [], problem: { message, hint } };
}

/** Converts one entry; a service xinetd cannot express is returned with a problem. */
export function convertInetdService(service: InetdService, options: ConvertOptions): ConvertedService {
  const builder = new Builder();
  if (service.server === null) {
    const problem = addInternal(builder, service, options.mode);
    if (problem !== null) return failed(service, problem, `built-in services are ${[...BUILTIN_SERVICES.keys()].join(', ')}`);
  } else {
    addExternal(builder, service, options);
  }
  const attributes = builder.finish();
  if (service.rpcVersion !== null && options.mode === 'convert') {
    // xinetd stops reading an entry at `disable = yes`, so it goes last.
    builder.notes.push('xinetd-ts does not serve RPC services yet, so this entry is disabled; xinetd can run it');
    attributes.push(['disable', ['yes']]);
  }
  return { name: service.name, attributes, notes: builder.notes, problem: null };
}

function addSocket(builder: Builder, service: InetdService): void {
  builder.set('socket_type', service.socketType);
  builder.set('protocol', service.protocol);
  if (service.socketType === 'dgram' && !service.wait) {
    builder.notes.push('inetd.conf said nowait; a dgram service must wait, or a server starts per datagram');
    builder.set('wait', 'yes');
  } else {
    builder.set('wait', service.wait ? 'yes' : 'no');
  }
  if (service.bind !== null) builder.set('bind', service.bind);
  if (service.family !== null) builder.flag(service.family);
}

function addInternal(builder: Builder, service: InetdService, mode: InetdMode): string | null {
  if (service.rpcVersion !== null) return 'an RPC service cannot be internal';
  const socketTypes = BUILTIN_SERVICES.get(service.name.toLowerCase());
  if (socketTypes === undefined) return `there is no built-in service "${service.name}"`;
  builder.set('type', 'INTERNAL');
  builder.set('id', `${service.name}-${service.socketType}`);
  addSocket(builder, service);
  if (mode === 'compat') builder.flag('REUSE');
  return null;
}

function addExternal(builder: Builder, service: InetdService, options: ConvertOptions): void {
  const compat = options.mode === 'compat';
  if (service.rpcVersion !== null) {
    builder.set('type', 'RPC');
    builder.set('rpc_version', service.rpcVersion);
  }
  if (compat) builder.set('id', service.name);
  addSocket(builder, service);
  builder.set('user', service.user);
  if (service.group !== null) builder.set('group', service.group);
  if (compat) addCompatProgram(builder, service);
  else addProgram(builder, service, options.daemonDir ?? '/usr/sbin');
  if (service.maxPerMinute !== null && !compat) addRateLimit(builder, service.maxPerMinute);
}

/** xinetd's own inetd.conf reading: the program as written, the whole argv through NAMEINARGS. */
function addCompatProgram(builder: Builder, service: InetdService): void {
  builder.set('groups', 'yes');
  builder.flag('REUSE');
  builder.flag('NOLIBWRAP');
  builder.flag('NAMEINARGS');
  builder.set('server', service.server ?? '');
  builder.set('server_args', ...(service.argv.length > 0 ? service.argv : [basename(service.server ?? '')]));
}

function addProgram(builder: Builder, service: InetdService, daemonDir: string): void {
  let server = service.server ?? '';
  let argv = [...service.argv];
  if (basename(server) === 'tcpd' && argv.length > 0) {
    const program = argv[0] ?? '';
    server = isAbsolute(program) ? program : join(daemonDir, program);
    argv = [basename(program), ...argv.slice(1)];
    builder.notes.push(`tcpd removed: xinetd checks hosts.allow and hosts.deny itself (libwrap); the server is ${server}`);
  }
  builder.set('server', server);
  const argv0 = argv[0] ?? basename(server);
  if (argv0 === basename(server)) {
    if (argv.length > 1) builder.set('server_args', ...argv.slice(1));
    return;
  }
  builder.flag('NAMEINARGS');
  builder.set('server_args', ...argv);
}

/** inetd's `nowait.N` allows N servers a minute and then stops the service for 10 minutes. */
function addRateLimit(builder: Builder, perMinute: number): void {
  const perSecond = Math.max(1, Math.ceil(perMinute / 60));
  builder.notes.push(`inetd.conf allowed ${perMinute} servers a minute (nowait.${perMinute}); the nearest xinetd limit is cps = ${perSecond} ${RETRY_SECONDS}`);
  builder.set('cps', String(perSecond), String(RETRY_SECONDS));
}

/** Formats an entry as xinetd.conf text, attribute lines aligned as itox aligns them. */
export function formatXinetdEntry(converted: ConvertedService, source: InetdService | null = null): string {
  const lines: string[] = [];
  if (source !== null) lines.push(`# inetd.conf line ${source.line}: ${source.text.trim()}`);
  for (const note of converted.notes) lines.push(`# ${note}`);
  lines.push(`service ${converted.name}`, '{');
  for (const [name, values] of converted.attributes) lines.push(`\t${name.padEnd(15)} = ${values.join(' ')}`.trimEnd());
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
