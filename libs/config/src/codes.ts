/**
 * The diagnostic codes of libs/config. Codes are stable: tests and callers match on
 * them, never on message text. Each code has one fixed severity.
 *
 * An `error` on a service means that the service is not loaded. An `error` without a
 * service is about a file or the defaults entry. A `warning` means that something
 * written was ignored, and an `info` changes nothing.
 */

import type { DiagnosticSeverity } from './types.js';

export interface CodeInfo {
  readonly severity: DiagnosticSeverity;
  readonly description: string;
}

export const DIAGNOSTIC_CODES = {
  CONFIG_DEFAULTS_AFTER_SERVICES: {
    severity: 'warning',
    description: 'A defaults entry sets a list that services copy when their entry starts (no_access, only_from, log_on_success …) after some services, which keep what they copied before it.',
  },
  CONFIG_FILE_NOT_FOUND: {
    severity: 'error',
    description: 'A configuration file or included directory does not exist.',
  },
  CONFIG_FILE_UNREADABLE: {
    severity: 'error',
    description: 'A configuration file or included directory exists but cannot be read.',
  },
  CONFIG_INCLUDE_CYCLE: {
    severity: 'error',
    description: 'A file includes itself, directly or through other files; the repeated include is skipped.',
  },
  CONFIG_NOT_REGULAR_FILE: {
    severity: 'warning',
    description: 'An entry of an includedir directory is not a regular file and is skipped.',
  },
  CONFIG_SYSTEM_FILE_UNREADABLE: {
    severity: 'warning',
    description: 'A system database (services, protocols, passwd or group file) cannot be read.',
  },
  CONFIG_CRLF_LINE_ENDINGS: {
    severity: 'warning',
    description: 'The file has CR-LF line endings; the CR stays part of the last word of each line.',
  },
  CONFIG_NUL_BYTE: {
    severity: 'error',
    description: 'A configuration file contains a NUL byte; the whole file is skipped.',
  },
  CONFIG_LINE_TOO_LONG: {
    severity: 'error',
    description: 'A line is longer than 16 KiB; it is skipped, and the service it belongs to is not loaded.',
  },
  CONFIG_MISSING_BRACE: {
    severity: 'error',
    description: 'An entry header is not followed by a line holding only "{", or an entry has no closing "}".',
  },
  CONFIG_MISSING_KEYWORD: {
    severity: 'error',
    description: 'A line outside any entry does not start with service, defaults, include or includedir.',
  },
  CONFIG_MISSING_NAME: {
    severity: 'error',
    description: 'A service, include or includedir line has no name or path after the keyword.',
  },
  CONFIG_IGNORED_TOKENS: {
    severity: 'warning',
    description: 'Extra words after a service, defaults, include or includedir header are ignored.',
  },
  CONFIG_MISSING_SPACE: {
    severity: 'error',
    description: 'An attribute name is directly followed by its operator; a space is required before it.',
  },
  CONFIG_BAD_LINE: {
    severity: 'error',
    description: 'A line inside an entry is not of the form "name OP values", with OP one of =, += or -=.',
  },
  CONFIG_DUPLICATE_DEFAULTS: {
    severity: 'error',
    description: 'A second defaults entry in the same file is ignored.',
  },
  CONFIG_UNKNOWN_ATTRIBUTE: {
    severity: 'warning',
    description: 'The attribute name is not known; the line is ignored.',
  },
  CONFIG_NOT_ALLOWED_IN_DEFAULTS: {
    severity: 'warning',
    description: 'The attribute cannot be set in the defaults entry; the line is ignored.',
  },
  CONFIG_NOT_ALLOWED_IN_SERVICE: {
    severity: 'warning',
    description: 'The attribute can only be set in the defaults entry; the line is ignored.',
  },
  CONFIG_OPERATOR_IGNORED: {
    severity: 'warning',
    description: 'The attribute only accepts "="; a line using += or -= is ignored.',
  },
  CONFIG_OPERATOR_NOT_SUPPORTED: {
    severity: 'error',
    description: 'The attribute does not support this operator (env has no -=).',
  },
  CONFIG_DUPLICATE_ATTRIBUTE: {
    severity: 'warning',
    description: 'A single-valued attribute is set again in the same entry; the first value is kept.',
  },
  CONFIG_DUPLICATE_LOG_TYPE: {
    severity: 'error',
    description: 'log_type is set twice in the same entry.',
  },
  CONFIG_WRONG_VALUE_COUNT: {
    severity: 'error',
    description: 'The attribute has too few or too many values.',
  },
  CONFIG_BAD_VALUE: {
    severity: 'error',
    description: 'A value of the attribute is invalid.',
  },
  CONFIG_BAD_ADDRESS: {
    severity: 'error',
    description: 'An only_from or no_access token is not a valid address, network or host name.',
  },
  CONFIG_BAD_BIND: {
    severity: 'error',
    description: 'The bind (interface) value is not an IPv4 or IPv6 address literal.',
  },
  CONFIG_BAD_DEFAULT: {
    severity: 'error',
    description: 'A service would inherit a defaults attribute whose value was invalid.',
  },
  CONFIG_NOT_ENFORCED: {
    severity: 'info',
    description: 'The attribute is parsed and checked but xinetd-ts does not act on it yet.',
  },
  CONFIG_UNSUPPORTED: {
    severity: 'error',
    description: 'The service needs a feature that xinetd-ts does not implement (RPC, TCPMUX, redirect, raw or seqpacket sockets).',
  },
  CONFIG_SERVICE_DISABLED: {
    severity: 'info',
    description: 'The service is disabled by "disable = yes" or by the enabled/disabled lists of the defaults.',
  },
  CONFIG_SERVICE_SKIPPED: {
    severity: 'info',
    description: 'The service is not loaded because of the errors reported for it.',
  },
  CONFIG_MISSING_ATTRIBUTE: {
    severity: 'error',
    description: 'A required attribute is not set in the service entry.',
  },
  CONFIG_UNKNOWN_PROTOCOL: {
    severity: 'error',
    description: 'The protocol is not listed in the protocols file.',
  },
  CONFIG_UNKNOWN_SERVICE_PORT: {
    severity: 'error',
    description: 'A listed (not UNLISTED) service name and protocol are not in the services file.',
  },
  CONFIG_PORT_MISMATCH: {
    severity: 'error',
    description: 'The port differs from the one the services file gives for the service name.',
  },
  CONFIG_UNKNOWN_USER: {
    severity: 'error',
    description: 'The user name is not in the passwd file.',
  },
  CONFIG_UNKNOWN_GROUP: {
    severity: 'error',
    description: 'The group name is not in the group file.',
  },
  CONFIG_SERVER_NOT_FOUND: {
    severity: 'error',
    description: 'The server program does not exist.',
  },
  CONFIG_SERVER_RELATIVE: {
    severity: 'error',
    description: 'The server path is relative or contains "..", so the program run would depend on the working directory.',
  },
  CONFIG_SERVER_NOT_EXECUTABLE: {
    severity: 'error',
    description: 'The server program is not a regular file with execute permission.',
  },
  CONFIG_UNKNOWN_BUILTIN: {
    severity: 'error',
    description: 'An INTERNAL service names no built-in service for its socket type.',
  },
  CONFIG_INCOMPATIBLE_ATTRIBUTES: {
    severity: 'error',
    description: 'Two settings of the service contradict each other (INTERNAL with NAMEINARGS, stream with udp, TRAFFIC without redirect).',
  },
  CONFIG_DGRAM_NO_WAIT: {
    severity: 'error',
    description: 'A dgram service has "wait = no", which would start a server per datagram.',
  },
  CONFIG_FLAG_CLEARED: {
    severity: 'warning',
    description: 'A flag or log option that cannot apply to this service was removed.',
  },
  CONFIG_EMPTY_ONLY_FROM: {
    severity: 'warning',
    description: 'only_from is set but empty, so every client is rejected.',
  },
  CONFIG_DUPLICATE_SERVICE: {
    severity: 'error',
    description: 'A service with the same id, port, protocol and bind address was loaded earlier.',
  },
  CONFIG_INETD_BAD_LINE: {
    severity: 'error',
    description: 'An inetd.conf line read for -inetd_compat has a missing or invalid field, or names an internal service that does not exist.',
  },
  CONFIG_INETD_MISSING: {
    severity: 'info',
    description: 'The inetd.conf that -inetd_compat reads does not exist, so it adds no services.',
  },
  CONFIG_INETD_HIDDEN: {
    severity: 'info',
    description: 'An inetd.conf entry is skipped because a service with the same id was read from the xinetd configuration.',
  },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
