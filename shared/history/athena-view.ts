/**
 * The de-duplicated view as Athena stores it: a Glue table of type VIRTUAL_VIEW whose
 * `ViewOriginalText` is `/* Presto View: <base64 of JSON> *\/` (the SQL, the catalog, the schema
 * and the view's columns with Trino types). CDK writes it at deploy time, so the view exists
 * without anyone running a CREATE VIEW; its SQL is `dedupedSelectOf`, the text DuckDB runs.
 */
import { dedupedSelectOf, type HistoryColumnType, type HistoryTable } from './history-table.ts';

/** The table of every copy written (`snapshots_raw`), in Glue and in DuckDB alike. */
export const rawTableNameOf = <Row>(table: HistoryTable<Row>): string => `${table.name}_raw`;

/** Trino types of the view's columns (Athena engine 3 reads Parquet timestamps as timestamp(3)). */
export const PRESTO_TYPES: Record<HistoryColumnType, string> = {
  string: 'varchar',
  int: 'integer',
  bigint: 'bigint',
  double: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp(3)',
};

export interface PrestoViewColumn {
  readonly name: string;
  readonly type: string;
}

/** What Athena encodes in a view's ViewOriginalText. */
export interface PrestoViewDefinition {
  readonly originalSql: string;
  readonly catalog: string;
  readonly schema: string;
  readonly columns: readonly PrestoViewColumn[];
}

export function prestoViewOf<Row>(table: HistoryTable<Row>, database: string): PrestoViewDefinition {
  return {
    originalSql: dedupedSelectOf(table, rawTableNameOf(table)),
    catalog: 'awsdatacatalog',
    schema: database,
    columns: [
      ...table.columns.map((column) => ({ name: column.name, type: PRESTO_TYPES[column.type] })),
      ...table.partitionKeys.map((key) => ({ name: key.name, type: 'varchar' })),
    ],
  };
}

const PRESTO_VIEW_MARK = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/;

export const prestoViewTextOf = (definition: PrestoViewDefinition): string =>
  `/* Presto View: ${Buffer.from(JSON.stringify(definition), 'utf8').toString('base64')} */`;

/** The definition inside a ViewOriginalText (tests and on-call read back what was deployed). */
export function prestoViewOfText(text: string): PrestoViewDefinition | undefined {
  const encoded = PRESTO_VIEW_MARK.exec(text)?.[1];
  return encoded
    ? (JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as PrestoViewDefinition)
    : undefined;
}
