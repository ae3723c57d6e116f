/** Gathers every panel's aggregates from the database in one read-only session. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Exemptions, Network } from '../suggest/addresses.js';
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
  /** The allow-list that kept entries out of the plan. */
  allow: readonly Network[];
  /** The database path when the user chose it by --db or $LOGQ_DB, for the suggest command. */
  databasePath?: string;
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
    allow: exemptions.allow,
    plan: await computePlan(connection, filter, thresholds, exemptions, 'report_fails'),
  };
}
