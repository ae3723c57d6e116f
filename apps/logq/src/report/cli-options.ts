/** Option parsers shared by the `report` and `suggest` commands. */
import { InvalidArgumentError } from '../commander.js';
import { TIME_HINT, parseDuration, parseTimeArgument } from '../duration.js';
import { LogqError } from '../errors.js';
import { currentTime, type CliIo } from '../io.js';
import { formatLocalTime } from '../local-time.js';
import { parseNetwork, type Network } from '../suggest/addresses.js';
import type { EventFilter } from './filter.js';

export const DB_HELP = 'DuckDB database file (default: $LOGQ_DB, else $XDG_DATA_HOME/xinetd-ts/logq.duckdb, XDG default ~/.local/share)';
export const SINCE_HELP = 'only events at or after this time: a duration before now (1d, 2h30m, 90m, 1w) or an ISO date or date-time (local time unless it has a zone)';
export const UNTIL_HELP = 'only events before this time, in the same forms as --since';

export function timeOption(io: CliIo): (value: string) => Date {
  return (value) => {
    const time = parseTimeArgument(value, currentTime(io));
    if (!time) throw new InvalidArgumentError(`Expected a duration or a date: ${TIME_HINT}.`);
    return time;
  };
}

/** Parses a duration such as `10m` or `1d` into milliseconds; it must be longer than zero. */
export function durationOption(value: string): number {
  const milliseconds = parseDuration(value);
  if (milliseconds === null || milliseconds <= 0) {
    throw new InvalidArgumentError('Expected a duration above zero with units w, d, h, m and s, such as 10m, 1d or 2h30m.');
  }
  return milliseconds;
}

export function countOption(minimum: number): (value: string) => number {
  return (value) => {
    const count = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(count) || count < minimum) {
      throw new InvalidArgumentError(`Expected a whole number of at least ${minimum}.`);
    }
    return count;
  };
}

export function checkRange(filter: EventFilter): void {
  if (filter.since && filter.until && filter.since.getTime() >= filter.until.getTime()) {
    throw new LogqError(
      'LOGQ_INVALID_RANGE',
      `--since ${formatLocalTime(filter.since)} is not before --until ${formatLocalTime(filter.until)}: swap them or widen the range`,
    );
  }
}

/** Collects repeated `--allow` values into networks. */
export function collectNetwork(value: string, previous: Network[]): Network[] {
  const network = parseNetwork(value);
  if (!network) throw new InvalidArgumentError(`"${value}" is not an IPv4 or IPv6 address or CIDR block, such as 192.0.2.7 or 10.0.0.0/8.`);
  return [...previous, network];
}
