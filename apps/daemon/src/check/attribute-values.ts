/**
 * The effective value of each attribute of a loaded service, written back in
 * xinetd.conf syntax for the `--check` listing. Null means "not set, no built-in value".
 */
import type { ResourceLimit, ServiceConfig } from '#config';

type Formatter = (config: ServiceConfig) => string | null;

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');
const limit = (value: number | null): string => (value === null ? 'UNLIMITED' : String(value));
const words = (items: Iterable<string>): string => [...items].join(' ');
const optional = (value: string | number | null): string | null => (value === null ? null : String(value));

function rlimit(value: ResourceLimit | null): string | null {
  return value === null ? null : String(value);
}

function clock(minutes: number): string {
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

function logType(config: ServiceConfig): string {
  const type = config.logType;
  if (type === null) return '(none: no service log lines)';
  if (type.kind === 'SYSLOG') return `SYSLOG ${type.facility} ${type.level}`;
  const limits = type.softLimit === null ? [] : [type.softLimit, type.hardLimit];
  return ['FILE', type.path, ...limits].join(' ');
}

function serverArgs(config: ServiceConfig): string | null {
  const args = config.flags.has('NAMEINARGS') ? config.argv : config.argv.slice(1);
  return args.length === 0 ? null : words(args);
}

/** Attribute name and formatter, in the order the listing prints them. */
export const ATTRIBUTE_VALUES: ReadonlyArray<readonly [string, Formatter]> = [
  ['id', (c) => c.id],
  ['type', (c) => (c.types.size === 0 ? null : words(c.types))],
  ['flags', (c) => (c.flags.size === 0 ? null : words(c.flags))],
  ['socket_type', (c) => c.socketType],
  ['protocol', (c) => c.protocol],
  ['port', (c) => String(c.port)],
  ['wait', (c) => yesNo(c.wait)],
  ['user', (c) => c.user],
  ['group', (c) => c.group],
  ['server', (c) => c.server],
  ['server_args', serverArgs],
  ['bind', (c) => c.bind ?? '(every address)'],
  ['v6only', (c) => (c.v6only === null ? null : yesNo(c.v6only))],
  ['redirect', (c) => (c.redirect === null ? null : `${c.redirect.host} ${c.redirect.port}`)],
  ['rpc_version', (c) => (c.rpcVersion === null ? null : `${c.rpcVersion.min}-${c.rpcVersion.max}`)],
  ['rpc_number', (c) => optional(c.rpcNumber)],
  ['instances', (c) => limit(c.instances)],
  ['per_source', (c) => limit(c.perSource)],
  ['cps', (c) => (c.cps === null ? '0 (off)' : `${c.cps.connections} ${c.cps.waitSeconds}`)],
  ['max_load', (c) => optional(c.maxLoad)],
  ['access_times', (c) => (c.accessTimes === null ? null : c.accessTimes.map((span) => `${clock(span.start)}-${clock(span.end)}`).join(' '))],
  ['only_from', (c) => (c.onlyFrom === null ? '(everyone)' : words(c.onlyFrom) || '(nobody)')],
  ['no_access', (c) => words(c.noAccess) || '(none)'],
  ['libwrap', (c) => c.libwrap],
  ['deny_time', (c) => optional(c.denyTime)],
  ['log_type', logType],
  ['log_on_success', (c) => words(c.logOnSuccess) || '(none)'],
  ['log_on_failure', (c) => words(c.logOnFailure) || '(none)'],
  ['banner', (c) => c.banner],
  ['banner_success', (c) => c.bannerSuccess],
  ['banner_fail', (c) => c.bannerFail],
  ['env', (c) => (c.env.length === 0 ? null : words(c.env))],
  ['passenv', (c) => (c.passenv === null ? null : words(c.passenv) || '(nothing)')],
  ['umask', (c) => (c.umask === null ? null : `0${c.umask.toString(8).padStart(3, '0')}`)],
  ['nice', (c) => optional(c.nice)],
  ['groups', (c) => yesNo(c.groups)],
  ['rlimit_as', (c) => rlimit(c.rlimits.as)],
  ['rlimit_cpu', (c) => rlimit(c.rlimits.cpu)],
  ['rlimit_data', (c) => rlimit(c.rlimits.data)],
  ['rlimit_rss', (c) => rlimit(c.rlimits.rss)],
  ['rlimit_stack', (c) => rlimit(c.rlimits.stack)],
  ['rlimit_files', (c) => rlimit(c.rlimits.files)],
];
