/**
 * `logq export --parquet DIR`: writes the events as Parquet, partitioned by host and day
 * (`DIR/host_key=gw/day=2026-12-04/data_0.parquet`), a layout that DuckDB, Spark and
 * Trino read as Hive partitions. Events without a host go under `host_key=unknown`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { LogqError } from './errors.js';
import { EXIT_OK, EXIT_USAGE, type ExitStatus } from './exit-codes.js';
import { buildFilter, where } from './filters.js';
import type { CliIo } from './io.js';
import { openEvents } from './query-source.js';
import { DB_HELP, checkRange, type CommonOptions, type SetStatus } from './question-commands.js';

export interface ExportOptions extends CommonOptions {
  parquet?: string;
}

function checkTarget(directory: string): void {
  if (existsSync(directory) && readdirSync(directory).length > 0) {
    throw new LogqError('LOGQ_EXPORT_FAILED', `export directory ${directory} is not empty: pass a new or empty directory, so no old partition mixes in`);
  }
}

/**
 * Builds the COPY statement. The day is the UTC date, so a partition means the same on
 * every machine. DuckDB takes no bound parameter for the COPY target, so the path is
 * written as a quoted SQL literal, with quotes doubled.
 */
function copyStatement(directory: string, condition: string): string {
  const literal = `'${directory.replace(/'/g, "''")}'`;
  return `COPY (
    SELECT *, coalesce(host, 'unknown') AS host_key, strftime(time AT TIME ZONE 'UTC', '%Y-%m-%d') AS day
    FROM events WHERE ${condition}
  ) TO ${literal} (FORMAT parquet, PARTITION_BY (host_key, day), COMPRESSION zstd)`;
}

export async function runExport(options: ExportOptions, io: CliIo): Promise<ExitStatus> {
  if (!options.parquet) {
    io.stderr.write('logq: export needs --parquet DIR, the directory to write [LOGQ_INVALID_OPTION]\n');
    return EXIT_USAGE;
  }
  checkRange(options);
  const directory = resolve(options.parquet);
  checkTarget(directory);
  const database = await openEvents(options, io);
  try {
    const filter = await buildFilter(database.connection, options);
    const reader = await database.connection.runAndReadAll(copyStatement(directory, where(filter)), filter.params);
    const rows = Number(reader.getRows()[0]?.[0] ?? 0);
    io.stdout.write(`exported ${rows} events to ${directory} (Parquet, partitioned by host_key and day)\n`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof LogqError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LogqError('LOGQ_EXPORT_FAILED', `export to ${directory} failed: ${reason}`, { cause: error });
  } finally {
    database.close();
  }
}

export function addExportCommand(program: Command, io: CliIo, setStatus: SetStatus): void {
  program
    .command('export')
    .description('write the events as Parquet files partitioned by host and day, for DuckDB, Spark or Trino')
    .requiredOption('--parquet <dir>', 'new or empty directory to write')
    .option('--db <path>', DB_HELP)
    .option('--service <name>', 'only events of this service')
    .option('--host <name>', 'only events written on this host')
    .action(async (options: ExportOptions) => {
      setStatus(await runExport(options, io));
    });
}
