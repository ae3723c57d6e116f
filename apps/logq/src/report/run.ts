/** The `logq report` command: collect the aggregates and write the HTML file. */
import { resolve } from 'node:path';
import { openDatabase } from '../db.js';
import { EXIT_OK, type ExitStatus } from '../exit-codes.js';
import { currentTime, type CliIo } from '../io.js';
import { resolveDatabaseLocation } from '../paths.js';
import { checkSchema } from '../schema.js';
import { interfaceAddresses, type Network } from '../suggest/addresses.js';
import { writeAtomically } from '../suggest/include-file.js';
import { DEFAULT_THRESHOLDS } from '../suggest/thresholds.js';
import { collectReport, type ReportData } from './collect.js';
import type { EventFilter } from './filter.js';
import { renderReport } from './html.js';

export interface ReportOptions extends EventFilter {
  db?: string;
  output: string;
  allow: Network[];
  includeLoopback?: boolean;
}

async function loadReport(options: ReportOptions, io: CliIo): Promise<ReportData> {
  const location = resolveDatabaseLocation(options.db, io.env);
  const database = await openDatabase(location.path, 'read');
  try {
    await checkSchema(database.connection, database.path);
    const exemptions = { allow: options.allow, own: interfaceAddresses(), includeLoopback: options.includeLoopback === true };
    const data = await collectReport(database.connection, options, DEFAULT_THRESHOLDS, exemptions, currentTime(io));
    return location.chosen ? { ...data, databasePath: location.path } : data;
  } finally {
    database.close();
  }
}

export async function runReport(options: ReportOptions, io: CliIo): Promise<ExitStatus> {
  const html = renderReport(await loadReport(options, io));
  if (options.output === '-') {
    io.stdout.write(html);
    return EXIT_OK;
  }
  const path = resolve(options.output);
  writeAtomically(path, html);
  io.stderr.write(`wrote ${path} (${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)\n`);
  return EXIT_OK;
}
