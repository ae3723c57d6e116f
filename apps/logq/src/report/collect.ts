/** Gathers every panel's aggregates from the database in one read-only session. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Exemptions } from '../suggest/addresses.js';
import { computePlan } from '../suggest/compute.js';
import type { Plan } from '../suggest/plan.js';
import type { Thresholds } from '../suggest/thresholds.js';
import type { Count, FailsOverTime, Heatmap, IdentReply, ServiceActivity, Sessions, SourceSummary, Timeline, Totals } from './data.js';
import type { EventFilter } from './filter.js';
import { queryHeatmap, queryIdentReplies, querySessions, queryTimeline } from './query-activity.js';
import { prepareReportFails, queryFailsByReason, queryFailsOverTime, queryTopSources, queryTotalsAndServices } from './query-fails.js';

export interface ReportData {
  filter: EventFilter;
  generatedAt: Date;
  totals: Totals;
  failsOverTime: FailsOverTime;
  failsByReason: Count[];
  services: ServiceActivity[];
  topSources: SourceSummary[];
  sessions: Sessions;
  heatmap: Heatmap;
  timeline: Timeline;
  idents: IdentReply[];
  thresholds: Thresholds;
  plan: Plan;
}

export async function collectReport(
  connection: DuckDBConnection,
  filter: EventFilter,
  thresholds: Thresholds,
  exemptions: Exemptions,
  generatedAt: Date,
): Promise<ReportData> {
  await prepareReportFails(connection, filter);
  const { totals, services } = await queryTotalsAndServices(connection, filter);
  return {
    filter,
    generatedAt,
    totals,
    failsOverTime: await queryFailsOverTime(connection),
    failsByReason: await queryFailsByReason(connection),
    services,
    topSources: await queryTopSources(connection, filter),
    sessions: await querySessions(connection, filter),
    heatmap: await queryHeatmap(connection, filter),
    timeline: await queryTimeline(connection, filter),
    idents: await queryIdentReplies(connection, filter),
    thresholds,
    plan: await computePlan(connection, filter, thresholds, exemptions, 'report_fails'),
  };
}
