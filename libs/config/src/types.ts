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

/** Where an effective value came from, for `--check` listings. */
export type ValueOrigin = 'service' | 'defaults' | 'built-in';

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
  /** Where each attribute's effective value came from, keyed by attribute name. */
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
  /** What to do next: allowed values, a "did you mean", the file to fix. */
  readonly hint: string | null;
}

export interface LoadedConfig {
  readonly services: readonly ServiceConfig[];
  readonly diagnostics: readonly Diagnostic[];
  /** Every file read, in order, the main file first. */
  readonly files: readonly string[];
}
