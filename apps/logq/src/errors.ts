/**
 * logq's error registry. Each code is stable and documented in the README, and tests
 * assert codes, not message wording.
 */
import { EXIT_INPUT, EXIT_USAGE, type ExitStatus } from './exit-codes.js';

/** Every error code, with the exit status that it leads to. */
export const ERROR_CODES = {
  LOGQ_DB_NOT_FOUND: EXIT_INPUT,
  LOGQ_DB_OPEN_FAILED: EXIT_INPUT,
  LOGQ_DB_DIR_NOT_FOUND: EXIT_INPUT,
  LOGQ_DB_LOCKED: EXIT_INPUT,
  LOGQ_DB_NOT_LOGQ: EXIT_INPUT,
  LOGQ_DB_SCHEMA_TOO_NEW: EXIT_INPUT,
  LOGQ_FILE_NOT_FOUND: EXIT_INPUT,
  LOGQ_FILE_IS_DIRECTORY: EXIT_INPUT,
  LOGQ_FILE_NOT_REGULAR: EXIT_INPUT,
  LOGQ_FILE_UNREADABLE: EXIT_INPUT,
  LOGQ_FILE_BINARY: EXIT_INPUT,
  LOGQ_FILE_READ_FAILED: EXIT_INPUT,
  LOGQ_FROM_NOT_JSONL: EXIT_INPUT,
  LOGQ_INVALID_RANGE: EXIT_USAGE,
  LOGQ_INVALID_SOURCE: EXIT_USAGE,
  LOGQ_INVALID_OPTION: EXIT_USAGE,
  LOGQ_QUERY_FAILED: EXIT_USAGE,
  LOGQ_EXPORT_FAILED: EXIT_INPUT,
  LOGQ_INVALID_ADDRESS: EXIT_USAGE,
  LOGQ_INCLUDE_NAME_SKIPPED: EXIT_USAGE,
  LOGQ_RELOAD_WITHOUT_WRITE: EXIT_USAGE,
  LOGQ_INCLUDE_FILE_FOREIGN: EXIT_INPUT,
  LOGQ_WRITE_FAILED: EXIT_INPUT,
  LOGQ_PIDFILE_UNREADABLE: EXIT_INPUT,
  LOGQ_SIGNAL_FAILED: EXIT_INPUT,
} as const satisfies Record<string, ExitStatus>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * An expected failure caused by the user's input or environment, never by a logq bug.
 * The ingest command reports the LOGQ_FILE_* errors per file and goes on with the others.
 */
export class LogqError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LogqError';
    this.code = code;
  }

  get exitStatus(): ExitStatus {
    return ERROR_CODES[this.code];
  }
}

/** Formats an error for stderr: `logq: <message> [<code>]`, the code being what the README lists. */
export function formatError(error: LogqError): string {
  return `logq: ${error.message} [${error.code}]\n`;
}
