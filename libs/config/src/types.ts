/**
 * The configuration as the daemon uses it: one frozen ServiceConfig per service that
 * loaded, each value with the place it came from.
 */

export interface SourcePosition {
  file: string;
  /** Physical line number, 1-based, comments counted (as xinetd counts). */
  line: number;
}

export type SocketType = 'stream' | 'dgram' | 'raw' | 'seqpacket';

export type ServiceType = 'INTERNAL' | 'UNLISTED' | 'RPC' | 'TCPMUX' | 'TCPMUXPLUS';

export type ServiceFlag =
  | 'REUSE'
  | 'INTERCEPT'
  | 'NORETRY'
  | 'IDONLY'
  | 'NAMEINARGS'
  | 'NODELAY'
  | 'KEEPALIVE'
  | 'NOLIBWRAP'
  | 'SENSOR'
  | 'IPv4'
  | 'IPv6'
  | 'LABELED';

export type SuccessLogFlag = 'PID' | 'HOST' | 'USERID' | 'EXIT' | 'DURATION' | 'TRAFFIC';
export type FailureLogFlag = 'HOST' | 'USERID' | 'ATTEMPT';

export type LogType =
  | { kind: 'FILE'; path: string; softLimit: number | null; hardLimit: number | null }
  | { kind: 'SYSLOG'; facility: string; level: string };

/** A span of the day in minutes after midnight, local time; both ends inclusive. */
export interface TimeOfDayInterval {
  readonly start: number;
  readonly end: number;
}

/** An `rlimit_*` value: bytes (seconds for cpu, a count for files), or UNLIMITED. */
export type ResourceLimit = number | 'UNLIMITED';

/** The `rlimit_*` attributes; null leaves the limit the server inherits unchanged. */
export interface ResourceLimits {
  readonly as: ResourceLimit | null;
  readonly cpu: ResourceLimit | null;
  readonly data: ResourceLimit | null;
  readonly rss: ResourceLimit | null;
  readonly stack: ResourceLimit | null;
  /** RLIMIT_NOFILE. Null: xinetd gives the server its own hard limit as soft and hard limit. */
  readonly files: ResourceLimit | null;
}

/** The source of an effective value, for `--check` listings. */
export type ValueOrigin = 'service' | 'defaults' | 'built-in' | 'services-file';

export interface ServiceConfig {
  /** The word after `service`. Internal services are chosen by it. */
  readonly name: string;
  /** The `id` attribute, or the name; used in log lines. */
  readonly id: string;
  /** The `service` line. */
  readonly position: SourcePosition;
  readonly socketType: SocketType;
  readonly protocol: string;
  readonly wait: boolean;
  readonly types: ReadonlySet<ServiceType>;
  readonly flags: ReadonlySet<ServiceFlag>;
  /** `user` as written (a name or digits), or null for internal services. */
  readonly user: string | null;
  readonly group: string | null;
  /** Resolved from `user`/`group` through the passwd and group files; null when not set. */
  readonly uid: number | null;
  readonly gid: number | null;
  readonly server: string | null;
  /** argv for the server, argv[0] included (basename of `server` unless NAMEINARGS). */
  readonly argv: readonly string[];
  readonly port: number;
  /** The `bind` address, or null for every address. */
  readonly bind: string | null;
  /** Maximum running servers, or null for UNLIMITED. */
  readonly instances: number | null;
  /** Address tokens as written; null when `only_from` is not configured (everyone allowed). */
  readonly onlyFrom: readonly string[] | null;
  readonly noAccess: readonly string[];
  /** Null when no `log_type` applies: xinetd then writes no service lines at all. */
  readonly logType: LogType | null;
  readonly logOnSuccess: ReadonlySet<SuccessLogFlag>;
  readonly logOnFailure: ReadonlySet<FailureLogFlag>;
  /** `per_source`: maximum running servers per client address, or null for UNLIMITED (the default). */
  readonly perSource: number | null;
  /**
   * `cps = connections waitSeconds`: more than `connections` per second closes the listener
   * for `waitSeconds`. xinetd's built-in default is 50 10, so it is on unless set to 0,
   * which gives null.
   */
  readonly cps: { readonly connections: number; readonly waitSeconds: number } | null;
  /** `max_load`: connections are rejected while the 1-minute load average is at or above it; null when off (the default). */
  readonly maxLoad: number | null;
  /** `access_times`: when the service may be used; null for always (the default). */
  readonly accessTimes: readonly TimeOfDayInterval[] | null;
  /** `deny_time` of a SENSOR service: minutes, 'FOREVER', or null for NEVER (the default, also 0). */
  readonly denyTime: number | 'FOREVER' | null;
  /** `banner`: file sent to every client before the access checks; null for none. */
  readonly banner: string | null;
  /** `banner_success`: file sent after the access checks pass; null for none. */
  readonly bannerSuccess: string | null;
  /** `banner_fail`: file sent when a check rejects the client; null for none. */
  readonly bannerFail: string | null;
  /** `libwrap`: the daemon name for hosts.allow/hosts.deny; null picks it from the service (name or server). */
  readonly libwrap: string | null;
  /** `env`: NAME=value strings added to the server's environment, in order. */
  readonly env: readonly string[];
  /** `passenv`: names of the daemon's variables the server gets; null passes the whole environment. */
  readonly passenv: readonly string[] | null;
  /** `umask` applied in the server; null keeps the daemon's (its start-up umask OR 022). */
  readonly umask: number | null;
  /** `nice` increment for the server; null leaves the priority alone. */
  readonly nice: number | null;
  /** `groups = yes`: the server gets the user's supplementary groups; otherwise none. Default false. */
  readonly groups: boolean;
  readonly rlimits: ResourceLimits;
  /** `redirect`: TCP connections are relayed to this host and port instead of starting a server. */
  readonly redirect: { readonly host: string; readonly port: number } | null;
  /** `rpc_version` of an RPC service, `N` giving min = max = N; null when not set. */
  readonly rpcVersion: { readonly min: number; readonly max: number } | null;
  /** `rpc_number` of an RPC UNLISTED service; null when not set. */
  readonly rpcNumber: number | null;
  /**
   * `v6only`, or null when not set: the listener is then dual-stack. xinetd sets
   * IPV6_V6ONLY whenever the service itself has the attribute, even with `no`.
   */
  readonly v6only: boolean | null;
  /** The source of each attribute's effective value, keyed by attribute name. */
  readonly origins: ReadonlyMap<string, { origin: ValueOrigin; position: SourcePosition | null }>;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable code, e.g. CONFIG_UNKNOWN_ATTRIBUTE; tests assert codes, not wording. */
  readonly code: string;
  readonly severity: DiagnosticSeverity;
  readonly message: string;
  readonly position: SourcePosition | null;
  /** The service id the problem belongs to, if any. */
  readonly service: string | null;
  /** Advice on what to do next: allowed values, a "did you mean", the file to fix. */
  readonly hint: string | null;
}

export interface LoadedConfig {
  readonly services: readonly ServiceConfig[];
  readonly diagnostics: readonly Diagnostic[];
  /** Every file read, in order, the main file first. */
  readonly files: readonly string[];
}
