/**
 * The DuckDB client's values, loaded with require. Importing this CommonJS package from
 * ESM makes Node scan its files for named exports, which took about 50 ms per command
 * on the 2-core machine of docs/BENCHMARKS.md.
 */
import { createRequire } from 'node:module';

type NodeApi = typeof import('@duckdb/node-api');

const api = createRequire(import.meta.url)('@duckdb/node-api') as NodeApi;

export const { DuckDBDataChunk, DuckDBInstance, listValue, timestampTZValue } = api;
export type DuckDBDataChunk = import('@duckdb/node-api').DuckDBDataChunk;
export type DuckDBInstance = import('@duckdb/node-api').DuckDBInstance;
