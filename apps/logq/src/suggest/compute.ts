/** Computes the suggestions from an open database; shared by `suggest` and `report`. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventFilter } from '../report/filter.js';
import type { Exemptions } from './addresses.js';
import { queryBlockPeaks, querySourceStats } from './offenders.js';
import { candidateBlocks, planSuggestions, type Plan } from './plan.js';
import type { Thresholds } from './thresholds.js';

export async function computePlan(connection: DuckDBConnection, filter: EventFilter, thresholds: Thresholds, exemptions: Exemptions): Promise<Plan> {
  const stats = await querySourceStats(connection, filter, thresholds);
  const blockPeaks = await queryBlockPeaks(connection, filter, thresholds, candidateBlocks(stats, thresholds));
  return planSuggestions(stats, blockPeaks, thresholds, exemptions);
}
