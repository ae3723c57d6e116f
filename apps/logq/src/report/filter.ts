/** The event filter shared by `report` and `suggest`: a time range and a service. */
import type { DuckDBValue } from '@duckdb/node-api';
import { timestampValue } from '../records.js';

export interface EventFilter {
  /** Inclusive lower bound on the event time. */
  since?: Date;
  /** Exclusive upper bound on the event time. */
  until?: Date;
  service?: string;
}

export interface SqlFilter {
  /** Conditions joined by AND, for a WHERE clause; `true` when there are none. */
  where: string;
  params: Record<string, DuckDBValue>;
}

/** Builds the WHERE clause for `filter` plus fixed `conditions`, with every user value as a bound parameter. */
export function buildFilter(filter: EventFilter, conditions: readonly string[] = []): SqlFilter {
  const parts = [...conditions];
  const params: Record<string, DuckDBValue> = {};
  if (filter.since) {
    parts.push('time >= $since');
    params.since = timestampValue(filter.since);
  }
  if (filter.until) {
    parts.push('time < $until');
    params.until = timestampValue(filter.until);
  }
  if (filter.service !== undefined) {
    parts.push('service = $service');
    params.service = filter.service;
  }
  return { where: parts.length > 0 ? parts.join(' AND ') : 'true', params };
}
