/**
 * DuckDB over a history folder: for each table a view `<name>_raw` of every copy written and a
 * view `<name>` with one row per identity (the same SELECT the Athena view runs). Partition keys
 * are read as text (`platform=1688` stays the string '1688'). When files differ (some written
 * before a column was added) they are unioned by column name, and the older ones read it as null.
 */
import { glob } from 'node:fs/promises';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type Json } from '@duckdb/node-api';
import { rawTableNameOf } from './athena-view.ts';
import { DUCKDB_TYPES, dedupedSelectOf, type HistoryTable, tablePrefixOf } from './history-table.ts';
import { HISTORY_STREAMS } from './history-streams.ts';
import { sqlString } from './sql-text.ts';

/** Every history table: DuckDB views, Glue tables and views, the writer's grants. */
export const HISTORY_TABLES: readonly HistoryTable<never>[] = HISTORY_STREAMS.map((stream) => stream.table);

export interface HistoryReader {
  readonly connection: DuckDBConnection;
  /** Runs one statement and returns its rows as JSON values (small results: tests, the CLI's table). */
  rows(sql: string): Promise<Record<string, Json>[]>;
  close(): void;
}

/**
 * DuckDB settings of every reader, measured on a history of 418 small files (bench:history):
 * - the metadata cache keeps each file's footer once read, so the passes a query makes over the
 *   files (schema check, binding the views, binding the query, the scan) parse it once, not four
 *   times;
 * - the external file cache (on by default since DuckDB 1.3) keeps the bytes of every file read
 *   in memory: ~77 MB for an export of 8 MB of local files, for no gain on a local disk.
 */
export const READER_SETTINGS: Readonly<Record<string, string>> = {
  parquet_metadata_cache: 'true',
  enable_external_file_cache: 'false',
};

/** Opens an in-memory DuckDB with the history views over `root` (a folder). */
export async function openHistoryReader(
  root: string,
  tables: readonly HistoryTable<never>[] = HISTORY_TABLES,
): Promise<HistoryReader> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    // SET, not instance options: the Parquet settings exist once the extension has loaded.
    for (const [name, value] of Object.entries(READER_SETTINGS))
      await connection.run(`SET ${name} = ${value}`);
    for (const table of tables) {
      await connection.run(
        `CREATE VIEW ${rawTableNameOf(table)} AS ${await rawSelectOf(connection, table, path.resolve(root))}`,
      );
      await connection.run(`CREATE VIEW ${table.name} AS ${dedupedSelectOf(table, rawTableNameOf(table))}`);
    }
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  return {
    connection,
    rows: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson(),
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function rawSelectOf(
  connection: DuckDBConnection,
  table: HistoryTable<never>,
  root: string,
): Promise<string> {
  const partitions = table.partitionKeys.map((key) => `${key.name}=*`).join('/');
  const pattern = `${tablePrefixOf(table)}/${partitions}/*.parquet`;
  if (!(await hasAny(glob(pattern, { cwd: root })))) {
    // read_parquet refuses a glob that matches nothing: an empty history is an empty view.
    const nulls = [
      ...table.columns.map((column) => `CAST(NULL AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`),
      ...table.partitionKeys.map((key) => `CAST(NULL AS VARCHAR) AS ${key.name}`),
    ];
    return `SELECT ${nulls.join(', ')} WHERE false`;
  }
  // A column added to the version after every file here was written is in none of them:
  // union_by_name cannot know it, so it is read as a typed null.
  const schema = (
    await connection.runAndReadAll(
      `SELECT file_name, name FROM parquet_schema(${sqlString(path.join(root, pattern))})`,
    )
  ).getRowObjectsJson() as { file_name: string; name: string }[];
  const inFiles = new Set(schema.map((row) => row.name));
  const names = [
    ...table.columns.map((column) =>
      inFiles.has(column.name) ? column.name : `CAST(NULL AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`,
    ),
    ...table.partitionKeys.map((key) => key.name),
  ].join(', ');
  const hiveTypes = table.partitionKeys.map((key) => `${key.name}: 'VARCHAR'`).join(', ');
  // union_by_name costs a reader per file for the whole query (38 MiB over 418 files in
  // bench:history): only when files differ, e.g. some written before a column was added.
  const union = haveOneSchema(schema) ? '' : ', union_by_name = true';
  return (
    `SELECT ${names} FROM read_parquet(${sqlString(path.join(root, pattern))}, ` +
    `hive_partitioning = true, hive_types = { ${hiveTypes} }${union})`
  );
}

/** Whether every file has the same column names (parquet_schema: one row per file and column). */
function haveOneSchema(schema: readonly { file_name: string; name: string }[]): boolean {
  const columnsByFile = new Map<string, Set<string>>();
  for (const { file_name: file, name } of schema) {
    columnsByFile.set(file, (columnsByFile.get(file) ?? new Set()).add(name));
  }
  const all = new Set(schema.map((row) => row.name));
  return [...columnsByFile.values()].every((columns) => columns.size === all.size);
}

async function hasAny(entries: AsyncIterable<unknown>): Promise<boolean> {
  for await (const _ of entries) return true;
  return false;
}
