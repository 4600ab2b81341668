/**
 * Turns rows of a history table into Parquet files in the table's layout. DuckDB writes them
 * (COPY ... PARTITION_BY) into a private staging folder; the destination then makes each file
 * visible in one step. File names are random (`part-<uuid>.parquet`), so writers never collide
 * and a batch written twice adds copies, never overwrites: writes are at-least-once and readers
 * de-duplicate by the table's identity (see history-reader.ts).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DuckDBAppender, DuckDBInstance, DuckDBTimestampValue } from '@duckdb/node-api';
import type { HistoryDestination } from './history-destination.ts';
import {
  DUCKDB_TYPES,
  type HistoryColumnType,
  type HistoryTable,
  type HistoryValue,
  partitionValuesOf,
  tablePrefixOf,
} from './history-table.ts';
import { sqlString } from './sql-text.ts';

export interface WrittenHistory {
  /** Rows written (every row given: nothing is de-duplicated on write). */
  readonly rows: number;
  /** The files made visible, relative to the destination: `snapshots/v1/dt=.../part-<uuid>.parquet`. */
  readonly files: readonly string[];
}

export interface WriteHistoryOptions {
  /** Parent of the private staging folder (default: the system's temporary folder). */
  readonly stagingRoot?: string;
}

const STAGED = 'staged_rows';

export async function writeHistory<Row>(
  table: HistoryTable<Row>,
  rows: readonly Row[],
  destination: HistoryDestination,
  options: WriteHistoryOptions = {},
): Promise<WrittenHistory> {
  if (rows.length === 0) return { rows: 0, files: [] };
  const partitions = rows.map((row) => partitionValuesOf(table, row)); // refuses bad rows before writing any
  const staging = await mkdtemp(path.join(options.stagingRoot ?? tmpdir(), 'shelfwatch-history-'));
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  try {
    const connection = await instance.connect();
    const definitions = [
      ...table.columns.map((column) => `${column.name} ${DUCKDB_TYPES[column.type]}`),
      ...table.partitionKeys.map((key) => `${key.name} VARCHAR`),
    ];
    await connection.run(`CREATE TABLE ${STAGED} (${definitions.join(', ')})`);
    const appender = await connection.createAppender(STAGED);
    rows.forEach((row, index) => {
      for (const column of table.columns) appendValue(appender, column.type, column.valueOf(row));
      for (const value of partitions[index] ?? []) appender.appendVarchar(value);
      appender.endRow();
    });
    appender.closeSync();

    const output = path.join(staging, 'out');
    const keys = table.partitionKeys.map((key) => key.name).join(', ');
    // Sorted by identity: an item's rows sit together, so Parquet statistics let a reader skip
    // the row groups of other items.
    await connection.run(
      `COPY (SELECT * FROM ${STAGED} ORDER BY ${table.identity.join(', ')}) TO ${sqlString(output)} ` +
        `(FORMAT parquet, PARTITION_BY (${keys}), FILENAME_PATTERN 'part-{uuid}', ` +
        `KV_METADATA { shelfwatch_table: ${sqlString(table.name)}, shelfwatch_schema_version: '${table.version}' })`,
    );
    connection.closeSync();

    const files: string[] = [];
    for (const relative of await parquetFilesUnder(output)) {
      const target = `${tablePrefixOf(table)}/${relative}`;
      await destination.publish(path.join(output, ...relative.split('/')), target);
      files.push(target);
    }
    return { rows: rows.length, files };
  } finally {
    instance.closeSync();
    await rm(staging, { recursive: true, force: true });
  }
}

function appendValue(appender: DuckDBAppender, type: HistoryColumnType, value: HistoryValue): void {
  if (value === null) return appender.appendNull();
  switch (type) {
    case 'string':
      return appender.appendVarchar(String(value));
    case 'int':
      return appender.appendInteger(Number(value));
    case 'bigint':
      return appender.appendBigInt(BigInt(Math.trunc(Number(value))));
    case 'double':
      return appender.appendDouble(Number(value));
    case 'boolean':
      return appender.appendBoolean(value === true);
    case 'timestamp':
      return appender.appendTimestamp(new DuckDBTimestampValue(BigInt(Number(value)) * 1000n));
  }
}

/** Relative paths (forward slashes) of the Parquet files under a folder. */
async function parquetFilesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.parquet'))
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}
