/**
 * The daemon's exit statuses. Init scripts test them, so their meanings are fixed.
 * 1 is what xinetd uses for both usage and configuration errors.
 */
export const EXIT = {
  /** Stopped on request, or `-version`. */
  OK: 0,
  /** Bad command line, or no service could be loaded (fix the config and start again). */
  CONFIG: 1,
  /** A temporary or system failure, such as failing to start in the background. */
  TEMPORARY: 75,
  /** A bug in xinetd-ts itself. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
