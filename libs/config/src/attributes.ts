/**
 * The attribute registry: one row per xinetd.conf attribute, saying how many values it
 * takes, which operators and entries accept it, how defaults reach a service, and how
 * its values parse. The builder and the validator are driven by this table; adding an
 * attribute means adding a row.
 */

import { isIP } from 'node:net';

import { checkAddressToken } from './address-syntax.js';
import type { Operator } from './lexer.js';
import { parseLogType } from './log-type.js';
import type { FailureLogFlag, LogType, ServiceFlag, ServiceType, SocketType, SuccessLogFlag } from './types.js';
import {
  parseAccessTimes,
  parseCps,
  parseCpuLimit,
  parseDenyTime,
  parseEnvStrings,
  parseRedirect,
  parseRlimit,
  parseRpcVersion,
} from './unenforced-values.js';
import {
  accept,
  onlyValue,
  parseInteger,
  parseKeyword,
  parseKeywords,
  parseLimit,
  parseOctal,
  parsePositiveFloat,
  parseYesNo,
  reject,
  type ValueResult,
} from './values.js';

export const SOCKET_TYPES: readonly SocketType[] = ['stream', 'dgram', 'raw', 'seqpacket'];
export const SERVICE_TYPES: readonly ServiceType[] = ['INTERNAL', 'UNLISTED', 'RPC', 'TCPMUX', 'TCPMUXPLUS'];
export const SERVICE_FLAGS: readonly ServiceFlag[] = [
  'REUSE', 'INTERCEPT', 'NORETRY', 'IDONLY', 'NAMEINARGS', 'NODELAY',
  'KEEPALIVE', 'NOLIBWRAP', 'SENSOR', 'IPv4', 'IPv6', 'LABELED',
];
export const SUCCESS_LOG_FLAGS: readonly SuccessLogFlag[] = ['PID', 'HOST', 'USERID', 'EXIT', 'DURATION', 'TRAFFIC'];
export const FAILURE_LOG_FLAGS: readonly FailureLogFlag[] = ['HOST', 'USERID', 'ATTEMPT'];

export interface Arity {
  readonly min: number;
  readonly max: number;
}

/**
 * Level of support for an attribute. Every attribute fills its ServiceConfig field. The
 * daemon acts on an `enforced` one; a `not-enforced` one is checked and reported as not
 * acted on yet. An `unsupported` one stops the service from loading, because serving the
 * service without it would be wrong.
 */
export type Support = 'enforced' | 'not-enforced' | 'unsupported';

interface SpecBase {
  readonly name: string;
  /** Other accepted spellings, such as `interface` for `bind`. */
  readonly aliases: readonly string[];
  readonly arity: Arity;
  readonly inService: boolean;
  readonly inDefaults: boolean;
  readonly support: Support;
  /** Copied from the defaults when a service entry starts, so += and -= modify it. */
  readonly copyAtStart: boolean;
  /** Taken from the defaults after the whole configuration is read, unless the service sets it. */
  readonly fillAfterRead: boolean;
}

/** An attribute that may be set once per entry, with `=` only. */
export interface SingleSpec<T> extends SpecBase {
  readonly kind: 'single';
  readonly parse: (values: readonly string[]) => ValueResult<T>;
  readonly duplicateCode: 'CONFIG_DUPLICATE_ATTRIBUTE' | 'CONFIG_DUPLICATE_LOG_TYPE';
}

/** A list attribute: `=` replaces, `+=` adds, `-=` removes, and it may repeat. */
export interface ListSpec extends SpecBase {
  readonly kind: 'list';
  readonly parse: (values: readonly string[]) => ValueResult<string[]>;
  readonly operators: readonly Operator[];
  /** `-=` adds, as xinetd does for `enabled` and `disabled`. */
  readonly minusAdds: boolean;
  /** The keys `-=` compares: an address token yields one key per network it stands for. */
  readonly entryKeys: (item: string) => string[];
}

export type AttributeSpec = SingleSpec<unknown> | ListSpec;

const ONE: Arity = { min: 1, max: 1 };
const ANY: Arity = { min: 0, max: Number.POSITIVE_INFINITY };

const BASE: Omit<SpecBase, 'name'> = {
  aliases: [],
  arity: ONE,
  inService: true,
  inDefaults: false,
  support: 'enforced',
  copyAtStart: false,
  fillAfterRead: false,
};

type Parser<T> = (values: readonly string[]) => ValueResult<T>;

function single<T>(name: string, parse: Parser<T>, options: Partial<SingleSpec<T>> = {}): SingleSpec<T> {
  return { ...BASE, name, kind: 'single', parse, duplicateCode: 'CONFIG_DUPLICATE_ATTRIBUTE', ...options };
}

function list(name: string, parse: Parser<string[]>, options: Partial<ListSpec> = {}): ListSpec {
  const defaults = {
    arity: ANY,
    operators: ['=', '+=', '-='] as const,
    minusAdds: false,
    entryKeys: (item: string) => [item],
  };
  return { ...BASE, ...defaults, name, kind: 'list', parse, ...options };
}

function word(values: readonly string[]): ValueResult<string> {
  return accept(onlyValue(values));
}

function words(values: readonly string[]): ValueResult<string[]> {
  return accept([...values]);
}

function parseBind(values: readonly string[]): ValueResult<string> {
  const address = onlyValue(values);
  if (isIP(address) !== 0) return accept(address);
  const hint = 'write a numeric address such as 127.0.0.1 or ::1; host names are not accepted';
  return reject(`"${address}" is not an IPv4 or IPv6 address`, hint, 'CONFIG_BAD_BIND');
}

function parseAddresses(values: readonly string[]): ValueResult<string[]> {
  for (const token of values) {
    const check = checkAddressToken(token);
    if (!check.ok) return reject(`invalid address "${token}": ${check.reason}`, check.hint, 'CONFIG_BAD_ADDRESS');
  }
  return accept([...values]);
}

function addressKeys(token: string): string[] {
  const check = checkAddressToken(token);
  return check.ok ? check.entries : [token];
}

const DEFAULTS_SINGLE = { inDefaults: true, fillAfterRead: true };
const DEFAULTS_LIST = { inDefaults: true, copyAtStart: true };
const PENDING = { support: 'not-enforced' as const };

export const ID = single('id', word);
export const TYPE = single<ServiceType[]>('type', (values) => parseKeywords(values, SERVICE_TYPES), { arity: ANY });
export const FLAGS = single<ServiceFlag[]>('flags', (values) => parseKeywords(values, SERVICE_FLAGS), { arity: ANY });
export const DISABLE = single('disable', (values) => parseYesNo(onlyValue(values)));
export const SOCKET_TYPE = single('socket_type', (values) => parseKeyword(onlyValue(values), SOCKET_TYPES));
export const PROTOCOL = single('protocol', word);
export const WAIT = single('wait', (values) => parseYesNo(onlyValue(values)));
export const USER = single('user', word);
export const GROUP = single('group', word);
export const SERVER = single('server', word);
export const SERVER_ARGS = single('server_args', words, { arity: { min: 1, max: ANY.max } });
export const PORT = single('port', (values) => parseInteger(onlyValue(values), 0, 65535));
export const BIND = single('bind', parseBind, { ...DEFAULTS_SINGLE, aliases: ['interface'] });
export const INSTANCES = single('instances', (values) => parseLimit(onlyValue(values)), DEFAULTS_SINGLE);
export const LOG_TYPE = single<LogType>('log_type', parseLogType, {
  ...DEFAULTS_SINGLE,
  arity: { min: 1, max: 4 },
  duplicateCode: 'CONFIG_DUPLICATE_LOG_TYPE',
});
export const ONLY_FROM = list('only_from', parseAddresses, { ...DEFAULTS_LIST, entryKeys: addressKeys });
export const NO_ACCESS = list('no_access', parseAddresses, { ...DEFAULTS_LIST, entryKeys: addressKeys });
export const LOG_ON_SUCCESS = list('log_on_success', (values) => parseKeywords(values, SUCCESS_LOG_FLAGS), {
  ...DEFAULTS_LIST,
  fillAfterRead: true,
});
export const LOG_ON_FAILURE = list('log_on_failure', (values) => parseKeywords(values, FAILURE_LOG_FLAGS), {
  ...DEFAULTS_LIST,
  fillAfterRead: true,
});
export const ENABLED = list('enabled', words, { inService: false, inDefaults: true, minusAdds: true });
export const DISABLED = list('disabled', words, { inService: false, inDefaults: true, minusAdds: true });
export const REDIRECT = single('redirect', parseRedirect, { arity: { min: 2, max: 2 }, support: 'unsupported' });

const TUNING_DEFAULT = { ...PENDING, ...DEFAULTS_SINGLE };
const BANNER_OPTIONS = { inDefaults: true, copyAtStart: true };

export const GROUPS = single('groups', (values) => parseYesNo(onlyValue(values)), TUNING_DEFAULT);
export const UMASK = single('umask', (values) => parseOctal(onlyValue(values), 0o777), TUNING_DEFAULT);
export const NICE = single('nice', (values) => parseInteger(onlyValue(values), -(2 ** 31), 2 ** 31 - 1), PENDING);
export const PER_SOURCE = single('per_source', (values) => parseLimit(onlyValue(values)), DEFAULTS_SINGLE);
export const CPS = single('cps', parseCps, { ...DEFAULTS_SINGLE, arity: { min: 2, max: 2 } });
export const MAX_LOAD = single('max_load', (values) => parsePositiveFloat(onlyValue(values)), DEFAULTS_SINGLE);
export const ACCESS_TIMES = single('access_times', parseAccessTimes, { arity: ANY });
export const RPC_VERSION = single('rpc_version', (values) => parseRpcVersion(onlyValue(values)), PENDING);
export const RPC_NUMBER = single('rpc_number', (values) => parseInteger(onlyValue(values), 0, 2 ** 31 - 1), PENDING);
export const ENV = list('env', parseEnvStrings, { ...PENDING, operators: ['=', '+='] });
export const PASSENV = list('passenv', words, { ...PENDING, ...DEFAULTS_LIST });
export const BANNER = single('banner', word, BANNER_OPTIONS);
export const BANNER_SUCCESS = single('banner_success', word, BANNER_OPTIONS);
export const BANNER_FAIL = single('banner_fail', word, BANNER_OPTIONS);
export const LIBWRAP = single('libwrap', word);
export const DENY_TIME = single('deny_time', (values) => parseDenyTime(onlyValue(values)));
export const V6ONLY = single('v6only', (values) => parseYesNo(onlyValue(values)), TUNING_DEFAULT);

function rlimit(name: string, parse: (word: string) => ValueResult<number | 'UNLIMITED'> = parseRlimit): SingleSpec<number | 'UNLIMITED'> {
  return single(name, (values) => parse(onlyValue(values)), PENDING);
}

export const RLIMIT_AS = rlimit('rlimit_as');
export const RLIMIT_CPU = rlimit('rlimit_cpu', parseCpuLimit);
export const RLIMIT_DATA = rlimit('rlimit_data');
export const RLIMIT_RSS = rlimit('rlimit_rss');
export const RLIMIT_STACK = rlimit('rlimit_stack');
export const RLIMIT_FILES = rlimit('rlimit_files');

/** Attributes of xinetd 2.3.15 that are checked here but not acted on yet. */
const UNENFORCED: readonly AttributeSpec[] = [
  GROUPS, UMASK, NICE, RPC_VERSION, RPC_NUMBER, ENV, PASSENV, RLIMIT_CPU, RLIMIT_AS, RLIMIT_DATA, RLIMIT_RSS,
  RLIMIT_STACK, RLIMIT_FILES, V6ONLY,
];

/** The access controls and limits the daemon acts on. */
const ACCESS: readonly AttributeSpec[] = [
  PER_SOURCE, CPS, MAX_LOAD, ACCESS_TIMES, BANNER, BANNER_SUCCESS, BANNER_FAIL, LIBWRAP, DENY_TIME,
];

export const ATTRIBUTES: readonly AttributeSpec[] = [
  ID, TYPE, FLAGS, DISABLE, SOCKET_TYPE, PROTOCOL, WAIT, USER, GROUP, SERVER, SERVER_ARGS, PORT,
  BIND, INSTANCES, LOG_TYPE, ONLY_FROM, NO_ACCESS, LOG_ON_SUCCESS, LOG_ON_FAILURE, ENABLED, DISABLED,
  REDIRECT, ...ACCESS, ...UNENFORCED,
];

const BY_NAME = new Map<string, AttributeSpec>(
  ATTRIBUTES.flatMap((spec) => [spec.name, ...spec.aliases].map((name) => [name, spec] as const)),
);

/** Finds an attribute by name or alias, case-insensitively. */
export function findAttribute(name: string): AttributeSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Returns every name, aliases included, that a service or the defaults entry accepts. */
export function attributeNames(entry: 'service' | 'defaults'): string[] {
  const specs = ATTRIBUTES.filter((spec) => (entry === 'service' ? spec.inService : spec.inDefaults));
  return specs.flatMap((spec) => [spec.name, ...spec.aliases]);
}

/** One attribute as documentation and `--check` describe it. */
export interface AttributeInfo {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly inService: boolean;
  readonly inDefaults: boolean;
  readonly operators: readonly Operator[];
  readonly support: Support;
}

/** Returns the registry as plain data, in registry order. */
export function describeAttributes(): AttributeInfo[] {
  return ATTRIBUTES.map((spec) => ({
    name: spec.name,
    aliases: spec.aliases,
    inService: spec.inService,
    inDefaults: spec.inDefaults,
    operators: spec.kind === 'list' ? spec.operators : ['='],
    support: spec.support,
  }));
}
