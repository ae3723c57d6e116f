/** Computes the suggestions from an open database; shared by `suggest` and `report`. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventFilter } from '../report/filter.js';
import type { Exemptions } from './addresses.js';
import { prepareFailures, querySourceStats, queryWindows } from './offenders.js';
import { groupByBlock, planSuggestions, selectCandidates, selectSinglesOfBlocks, type Plan } from './plan.js';
import type { Thresholds } from './thresholds.js';

/** `relation` is where the FAIL events come from, as for prepareFailures. */
export async function computePlan(
  connection: DuckDBConnection,
  filter: EventFilter,
  thresholds: Thresholds,
  exemptions: Exemptions,
  relation = 'events',
): Promise<Plan> {
  await prepareFailures(connection, filter, thresholds, relation);
  const groups = groupByBlock(await querySourceStats(connection));
  const windows = await queryWindows(connection, thresholds, selectCandidates(groups, thresholds));
  // A second, usually empty, round for the sources of blocks that are not one entry after all.
  const singles = await queryWindows(connection, thresholds, selectSinglesOfBlocks(groups, windows, thresholds, exemptions));
  for (const [key, window] of singles) windows.set(key, window);
  return planSuggestions(groups, windows, thresholds, exemptions);
}
