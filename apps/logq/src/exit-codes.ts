/**
 * logq's exit statuses. Each has one fixed meaning, documented in the README, so that
 * scripts and cron jobs can tell a bad input apart from a logq bug.
 */
export const EXIT_OK = 0;

/**
 * Some input could not be read: a log file was missing, a directory, unreadable or binary
 * (the other files still loaded), or the database was missing, locked or not a logq database.
 */
export const EXIT_INPUT = 1;

/** The command line was invalid: unknown command or option, or a malformed value. */
export const EXIT_USAGE = 2;

/** An internal error, which is a bug in logq (EX_SOFTWARE in sysexits.h). */
export const EXIT_INTERNAL = 70;

export type ExitStatus = typeof EXIT_OK | typeof EXIT_INPUT | typeof EXIT_USAGE | typeof EXIT_INTERNAL;
