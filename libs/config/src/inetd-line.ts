/**
 * One line of inetd.conf, in the form of netkit inetd with the OpenBSD and FreeBSD
 * additions (a listen address, `user:group`):
 *   [address:]name[/rpc-versions] socket-type protocol wait|nowait[.max] user[.group|:group] program [argv0 args…]
 * `program` is `internal` for a service inetd implements itself. The protocol may be
 * tcp, udp, tcp4/udp4, tcp6/udp6, or rpc/tcp and rpc/udp for an RPC service.
 */

import { splitWords } from './lexer.js';

export interface InetdService {
  /** 1-based line in inetd.conf. */
  readonly line: number;
  readonly text: string;
  readonly name: string;
  /** The listen address of an `address:name` entry, or null. */
  readonly bind: string | null;
  /** `N` or `N-M` after a slash: the service is an RPC one. */
  readonly rpcVersion: string | null;
  readonly socketType: string;
  /** tcp or udp, without the rpc/ prefix or the 4/6 suffix. */
  readonly protocol: string;
  readonly family: 'IPv4' | 'IPv6' | null;
  readonly wait: boolean;
  /** The `.max` of `nowait.max`: most servers started per minute. */
  readonly maxPerMinute: number | null;
  readonly user: string;
  readonly group: string | null;
  /** Null for an internal service. */
  readonly server: string | null;
  /** argv as written, argv[0] included; empty for an internal service. */
  readonly argv: readonly string[];
}

export type InetdLine =
  | { kind: 'comment'; line: number; text: string }
  | { kind: 'service'; service: InetdService }
  | { kind: 'invalid'; line: number; text: string; message: string; hint: string };

const FIELD_NAMES = ['service name', 'socket type', 'protocol', 'wait/nowait', 'user', 'server program'];

function invalid(line: number, text: string, message: string, hint: string): InetdLine {
  return { kind: 'invalid', line, text, message, hint };
}

/** Splits `address:name/versions`; an IPv6 address is written in brackets, as OpenBSD does. */
function splitName(field: string): { bind: string | null; name: string; rpcVersion: string | null } {
  const colon = field.lastIndexOf(':');
  const bind = colon === -1 ? null : field.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const rest = colon === -1 ? field : field.slice(colon + 1);
  const slash = rest.indexOf('/');
  const name = slash === -1 ? rest : rest.slice(0, slash);
  return { bind: bind === '*' ? null : bind, name, rpcVersion: slash === -1 ? null : rest.slice(slash + 1) };
}

function splitProtocol(field: string): { protocol: string; family: InetdService['family']; rpc: boolean } | null {
  const match = /^(rpc\/)?(tcp|udp)([46])?$/i.exec(field);
  if (match === null) return null;
  let family: InetdService['family'] = null;
  if (match[3] === '4') family = 'IPv4';
  if (match[3] === '6') family = 'IPv6';
  return { protocol: (match[2] ?? '').toLowerCase(), family, rpc: match[1] !== undefined };
}

function splitWait(field: string): { wait: boolean; maxPerMinute: number | null } | null {
  const match = /^(wait|nowait)(?:[./](\d+))?$/i.exec(field);
  if (match === null) return null;
  return { wait: (match[1] ?? '').toLowerCase() === 'wait', maxPerMinute: match[2] === undefined ? null : Number(match[2]) };
}

function splitUser(field: string): { user: string; group: string | null } {
  const match = /^([^.:]+)[.:](.+)$/.exec(field);
  return match === null ? { user: field, group: null } : { user: match[1] ?? '', group: match[2] ?? null };
}

/** Parses one line; a line starting with `#` and a blank line are kept as comments. */
export function parseInetdLine(text: string, line: number): InetdLine {
  const words = splitWords(text.replace(/\r$/, ''));
  if (words.length === 0 || (words[0] ?? '').startsWith('#')) return { kind: 'comment', line, text };
  if (words.length < FIELD_NAMES.length) {
    const missing = FIELD_NAMES[words.length] ?? 'server program';
    return invalid(line, text, `the ${missing} field is missing`, 'an entry is: name socket-type protocol wait|nowait user server [args]');
  }

  const [nameField = '', socketType = '', protocolField = '', waitField = '', userField = '', server = '', ...argv] = words;
  const name = splitName(nameField);
  const protocol = splitProtocol(protocolField);
  if (protocol === null) return invalid(line, text, `protocol "${protocolField}" is not known`, 'use tcp, udp, tcp6, udp6, rpc/tcp or rpc/udp');
  const wait = splitWait(waitField);
  if (wait === null) return invalid(line, text, `"${waitField}" is neither wait nor nowait`, 'write wait, nowait or nowait.N');
  if (protocol.rpc !== (name.rpcVersion !== null)) {
    return invalid(line, text, 'an RPC service needs both "name/version" and an rpc/ protocol', 'write for example rstatd/1-3 dgram rpc/udp');
  }

  const internal = server.toLowerCase() === 'internal';
  const service: InetdService = {
    line,
    text,
    name: name.name,
    bind: name.bind,
    rpcVersion: name.rpcVersion,
    socketType: socketType.toLowerCase(),
    protocol: protocol.protocol,
    family: protocol.family,
    ...wait,
    ...splitUser(userField),
    server: internal ? null : server,
    argv: internal ? [] : argv,
  };
  return { kind: 'service', service };
}

export function parseInetdConf(text: string): InetdLine[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, index) => parseInetdLine(line, index + 1));
}
