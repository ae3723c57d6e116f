/** Gathers every panel's aggregates from the database in one read-only session. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Exemptions } from '../suggest/addresses.js';
import { computePlan } from '../suggest/compute.js';
import type { Plan } from '../suggest/plan.js';
import type { Thresholds } from '../suggest/thresholds.js';
import type { Count, FailsOverTime, Heatmap, IdentReply, ServiceActivity, SessionSummary, SourceSummary, Timeline, Totals } from './data.js';
import type { EventFilter } from './filter.js';
import { queryDurationHistogram, queryHeatmap, queryIdentReplies, querySessions, queryTimeline } from './query-activity.js';
import { queryFailsByReason, queryFailsOverTime, queryServiceActivity, queryTopSources, queryTotals } from './query-fails.js';

export interface ReportData {
  filter: EventFilter;
  generatedAt: Date;
  totals: Totals;
  failsOverTime: FailsOverTime;
  failsByReason: Count[];
  services: ServiceActivity[];
  topSources: SourceSummary[];
  sessions: SessionSummary[];
  durations: Count[];
  heatmap: Heatmap;
  timeline: Timeline;
  idents: IdentReply[];
  thresholds: Thresholds;
  plan: Plan;
}

/** Sets DuckDB's zone to this process's, so hours and day buckets match the times the report prints. */
async function useLocalZone(connection: DuckDBConnection): Promise<void> {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  await connection.run(`SET TimeZone = '${zone.replaceAll("'", "''")}'`);
}

export async function collectReport(
  connection: DuckDBConnection,
  filter: EventFilter,
  thresholds: Thresholds,
  exemptions: Exemptions,
  generatedAt: Date,
): Promise<ReportData> {
  await useLocalZone(connection);
  const totals = await queryTotals(connection, filter);
  return {
    filter,
    generatedAt,
    totals,
    failsOverTime: await queryFailsOverTime(connection, filter, totals),
    failsByReason: await queryFailsByReason(connection, filter),
    services: await queryServiceActivity(connection, filter),
    topSources: await queryTopSources(connection, filter),
    sessions: await querySessions(connection, filter),
    durations: await queryDurationHistogram(connection, filter),
    heatmap: await queryHeatmap(connection, filter),
    timeline: await queryTimeline(connection, filter),
    idents: await queryIdentReplies(connection, filter),
    thresholds,
    plan: await computePlan(connection, filter, thresholds, exemptions),
  };
}
