/**
 * A history table, declared once: its columns (name, type, how a row's value is read), its
 * partition keys and the identity that de-duplicates copies on read. The Parquet writer, the
 * DuckDB views and the Glue table (infra, later) are all derived from a declaration, so the
 * three cannot drift apart.
 *
 * Layout of one table under a root (a folder locally, a bucket prefix deployed):
 *
 *   <root>/<name>/v<version>/dt=YYYY-MM-DD/platform=<platform>/marketplace=<marketplace>/part-<uuid>.parquet
 *
 * Versioning: within a version, columns may only be added, nullable, at the end (readers union
 * files by column name). Renaming, removing or retyping a column makes a new version, written
 * under a new prefix (a new Glue table); old files stay readable under the old one.
 */
import { HistoryPartitionValueError } from './history-error.ts';

/** Logical column types, each with one Parquet/DuckDB type and one Glue (Hive) type. */
export type HistoryColumnType = 'string' | 'int' | 'bigint' | 'double' | 'boolean' | 'timestamp';

/** A value as the writer takes it: text, a number, a flag, epoch milliseconds for a timestamp, or null. */
export type HistoryValue = string | number | boolean | null;

export interface HistoryColumn<Row> {
  /** snake_case: Glue and Athena lower-case names, so a name is the same in both engines. */
  readonly name: string;
  readonly type: HistoryColumnType;
  readonly comment: string;
  readonly valueOf: (row: Row) => HistoryValue;
}

/** A partition key: always text (a path segment `name=value`), never stored inside the files. */
export interface HistoryPartitionKey<Row> {
  readonly name: string;
  readonly comment: string;
  readonly valueOf: (row: Row) => string;
}

export interface HistoryTable<Row> {
  /** Folder (and Glue table) name. */
  readonly name: string;
  readonly version: number;
  readonly columns: readonly HistoryColumn<Row>[];
  readonly partitionKeys: readonly HistoryPartitionKey<Row>[];
  /** Columns that name one fact: copies with the same identity are one row on read. */
  readonly identity: readonly string[];
  /** Of several copies, the one with the greatest value of this column is kept. */
  readonly latestBy: string;
}

export const DUCKDB_TYPES: Record<HistoryColumnType, string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

export const GLUE_TYPES: Record<HistoryColumnType, string> = {
  string: 'string',
  int: 'int',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp',
};

/** The shape of `AWS::Glue::Table` columns (CfnTable.ColumnProperty), without importing CDK. */
export interface GlueColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

/** The Glue table's data columns, in file order. */
export const glueColumnsOf = <Row>(table: HistoryTable<Row>): GlueColumn[] =>
  table.columns.map((column) => ({
    name: column.name,
    type: GLUE_TYPES[column.type],
    comment: column.comment,
  }));

/** The Glue table's partition keys, in path order (all `string`, as partition projection wants). */
export const gluePartitionKeysOf = <Row>(table: HistoryTable<Row>): GlueColumn[] =>
  table.partitionKeys.map((key) => ({ name: key.name, type: 'string', comment: key.comment }));

/** Where a table's files live under a root, without a trailing slash: `snapshots/v1`. */
export const tablePrefixOf = <Row>(table: HistoryTable<Row>): string => `${table.name}/v${table.version}`;

const PATH_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** A row's partition values, in key order; refuses a value that cannot be a folder name. */
export function partitionValuesOf<Row>(table: HistoryTable<Row>, row: Row): string[] {
  return table.partitionKeys.map((key) => {
    const value = key.valueOf(row);
    if (!PATH_SEGMENT.test(value) || value === '.' || value === '..') {
      throw new HistoryPartitionValueError(table.name, key.name, value);
    }
    return value;
  });
}

/** The relative folder of one partition: `snapshots/v1/dt=2026-11-23/platform=amazon/marketplace=US`. */
export const partitionPathOf = <Row>(table: HistoryTable<Row>, values: readonly string[]): string =>
  [tablePrefixOf(table), ...table.partitionKeys.map((key, index) => `${key.name}=${values[index]}`)].join(
    '/',
  );

/**
 * The de-duplicated rows of a table read from `source` (a raw view or table of every copy): one
 * row per identity, the latest by `latestBy`. Plain SQL that DuckDB and Athena (Trino) both run,
 * so the view is the same text in both engines.
 */
export function dedupedSelectOf<Row>(table: HistoryTable<Row>, source: string): string {
  const names = [...table.columns, ...table.partitionKeys].map((column) => column.name).join(', ');
  return (
    `SELECT ${names} FROM (SELECT *, row_number() OVER (PARTITION BY ${table.identity.join(', ')} ` +
    `ORDER BY ${table.latestBy} DESC) AS copy_rank FROM ${source}) AS copies WHERE copy_rank = 1`
  );
}
