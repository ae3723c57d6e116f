import { DuckDBInstance, type DuckDBConnection, listValue, timestampTZValue } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openReadConnection, statementTypeName, type ReadConnection } from './read-client.js';

let client: ReadConnection;
let instance: DuckDBInstance;
let nodeApi: DuckDBConnection;

const SETUP = [
  "CREATE TYPE mood AS ENUM ('low', 'high')",
  `CREATE TABLE sample AS SELECT i,
     CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END AS flag,
     (i % 100)::TINYINT AS tiny, (i * 3)::SMALLINT AS small, (i * -1000)::INTEGER AS int,
     CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1000000000000 END::BIGINT AS big,
     (i % 200)::UTINYINT AS utiny, i::USMALLINT AS usmall, i::UINTEGER * 100000 AS uint,
     18446744073709551615::UBIGINT - i AS ubig,
     (i::HUGEINT * -17014118346046923173168730371588410) AS huge,
     340282366920938463463374607431768211455::UHUGEINT - i AS uhuge,
     (i / 3)::FLOAT AS float, i / 7 AS double,
     CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN 'short' || i ELSE 'a string longer than twelve bytes ' || i || ' é' END AS text,
     CASE WHEN i % 4 = 0 THEN NULL ELSE (CASE WHEN i % 2 = 0 THEN 'low' ELSE 'high' END)::mood END AS mood,
     TIMESTAMPTZ '1969-12-31 23:59:59.9995+00' + to_microseconds(i * 123456789) AS stamp_tz,
     TIMESTAMP '1900-01-01 00:00:00' - to_microseconds(i * 7) AS stamp,
     CASE WHEN i % 6 = 0 THEN NULL ELSE [i, NULL, i + 1] END AS numbers,
     [[('x' || i), NULL], []] AS nested
   FROM range(5000) t(i)`,
];

beforeAll(async () => {
  client = await openReadConnection(':memory:');
  instance = await DuckDBInstance.create(':memory:');
  nodeApi = await instance.connect();
  for (const sql of SETUP) {
    await client.run(sql);
    await nodeApi.run(sql);
  }
});

afterAll(() => {
  client.closeSync();
  nodeApi.closeSync();
  instance.closeSync();
});

test('read client rows match node-api', async () => {
  const sql = 'SELECT * FROM sample ORDER BY i';
  const ours = await client.runAndReadAll(sql);
  const theirs = await nodeApi.runAndReadAll(sql);
  expect(ours.getRowObjectsJS()).toEqual(theirs.getRowObjectsJS());
  expect(ours.getRowObjectsJS()).toHaveLength(5000);
  expect(ours.columnNames()).toEqual(theirs.columnNames());
});

test('read client falls back for other types', async () => {
  const sql = "SELECT 1.25::DECIMAL(9, 2) AS decimal, DATE '2026-12-04' AS day, {'a': 1} AS struct, INTERVAL 3 HOUR AS span";
  const ours = await client.runAndReadAll(sql);
  expect(ours.getRowObjectsJS()).toEqual((await nodeApi.runAndReadAll(sql)).getRowObjectsJS());
});

test('read client repeated column names', async () => {
  const sql = 'SELECT 1 AS a, 2 AS a, 3 AS a';
  const ours = await client.runAndReadAll(sql);
  const theirs = await nodeApi.runAndReadAll(sql);
  expect(ours.getRowObjectsJS()).toEqual(theirs.getRowObjectsJS());
  expect(ours.columnNames()).toEqual(['a', 'a', 'a']);
  expect(ours.getRows()).toEqual([[1, 2, 3]]);
});

test('read client binds parameters', async () => {
  const sql = `SELECT $text AS text, $small AS small, $large AS large, $fraction AS fraction, $huge AS huge, $flag AS flag,
      $time AS time, $list::VARCHAR[] AS list, $none AS none, typeof($small) AS small_type,
      typeof($large) AS large_type, typeof($huge) AS huge_type`;
  const time = new Date('2026-12-04T10:11:12.345Z');
  const ours = await client.runAndReadAll(sql, {
    text: 'x', small: 7, large: 2 ** 40, fraction: 0.5, huge: 10n ** 30n, flag: true, time, list: ['a', 'b'], none: null,
  });
  const theirs = await nodeApi.runAndReadAll(sql, {
    text: 'x', small: 7, large: 2 ** 40, fraction: 0.5, huge: 10n ** 30n, flag: true, time: timestampTZValue(BigInt(time.getTime()) * 1000n),
    list: listValue(['a', 'b']), none: null,
  });
  expect(ours.getRowObjectsJS()).toEqual(theirs.getRowObjectsJS());
  expect(ours.getRowObjectsJS()[0]?.time).toEqual(time);
});

// node-api 1.5.6 cannot bind an empty list, because it cannot tell the item type. A
// --source network that matches no stored address gives one.
test('read client binds empty list', async () => {
  const ours = await client.runAndReadAll('SELECT len($empty::VARCHAR[]) AS n, list_contains($empty::VARCHAR[], \'a\') AS found', { empty: [] });
  expect(ours.getRowObjectsJS()).toEqual([{ n: 0n, found: false }]);
});

test('read client runs leading statements', async () => {
  const ours = await client.runAndReadAll('CREATE TEMP TABLE first_rows AS SELECT 41 AS n; SELECT n + $add AS n FROM first_rows', { add: 1 });
  expect(ours.getRowObjectsJS()).toEqual([{ n: 42 }]);
});

test('read client statement types', async () => {
  const select = await client.prepare('SELECT 1');
  const insert = await client.prepare('INSERT INTO sample (i) VALUES (1)');
  expect(statementTypeName(select.statementType)).toBe('SELECT');
  expect(statementTypeName(insert.statementType)).toBe('INSERT');
  select.destroySync();
  insert.destroySync();
});

test('read client reports SQL errors', async () => {
  await expect(client.runAndReadAll('SELECT missing_column FROM sample')).rejects.toThrow(/missing_column/);
  await expect(client.runAndReadAll('SELECT $x + 1', {})).rejects.toThrow();
});
