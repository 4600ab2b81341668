/**
 * Compaction of finished days: each partition's files of a due day become one file sorted by
 * item, with one row per identity (the latest copy, as the readers' views keep). Order of
 * operations, so a reader never misses a row:
 *
 *   list the partition ─▶ read exactly those files ─▶ write compacted-<uuid>.parquet (staged)
 *        ─▶ publish it (rename / PutObject: atomic) ─▶ delete exactly the files listed
 *
 * Between publish and delete a reader sees the rows twice, which the identity de-duplication
 * absorbs. A file that lands after the listing (a late or redelivered batch) is not read and not
 * deleted: it stays beside the compacted file and is compacted on the next run. Nothing is
 * deleted unless its compacted file was published; a failure leaves the partition as it was.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  COMPACTED_FILE_PREFIX,
  COMPACTION_GRACE_MS,
  dueDayFolders,
  type PartitionCompaction,
  planDayCompaction,
} from './compaction-plan.ts';
import type { HistoryFileStore } from './history-destination.ts';
import { HistoryCompactionError } from './history-error.ts';
import { EXPORT_ROW_GROUP_ROWS } from './history-export.ts';
import { HISTORY_TABLES } from './history-reader.ts';
import { DUCKDB_TYPES, type HistoryTable, tablePrefixOf } from './history-table.ts';
import { sqlString } from './sql-text.ts';

export interface CompactHistoryOptions {
  /** Epoch ms of "now": days that ended `graceMs` before it are compacted. */
  readonly nowMs: number;
  readonly graceMs?: number;
  /** Default: every history table (snapshots and changes). */
  readonly tables?: readonly HistoryTable<never>[];
  /** Parent of the private staging folder (default: the system's temporary folder). */
  readonly stagingRoot?: string;
  /** DuckDB's memory limit (its buffers; it spills to the staging folder past it). Default 512MB. */
  readonly memoryLimit?: string;
  /** Called once the compacted file is published, before the files it replaces are deleted. */
  readonly onPublished?: (compaction: PartitionCompaction, compactedFile: string) => Promise<void> | void;
}

export interface PartitionCompacted {
  readonly partition: string;
  /** The files replaced (deleted). */
  readonly files: readonly string[];
  readonly compactedFile: string;
  /** Rows in the files read (every copy). */
  readonly rowsRead: number;
  /** Rows in the compacted file (one per identity). */
  readonly rowsWritten: number;
}

export interface HistoryCompaction {
  readonly compacted: readonly PartitionCompacted[];
  /** Due days listed (of every table), compacted or already down to one compacted file per partition. */
  readonly daysListed: number;
}

/** DuckDB's own buffers stay under this unless told otherwise (a day's partition is tens of MB). */
export const COMPACTION_MEMORY_LIMIT = '512MB';

/**
 * Compacts every due day of every table in `store`. Partitions are done one at a time; one that
 * fails keeps its files, the others go on, and the failures are thrown together at the end
 * (HistoryCompactionError) so a scheduled run is seen to fail.
 */
export async function compactHistory(
  store: HistoryFileStore,
  options: CompactHistoryOptions,
): Promise<HistoryCompaction> {
  const compacted: PartitionCompacted[] = [];
  const failed: { partition: string; error: unknown }[] = [];
  let daysListed = 0;
  for (const table of options.tables ?? HISTORY_TABLES) {
    const prefix = tablePrefixOf(table);
    const days = dueDayFolders(
      await store.listFolders(prefix),
      options.nowMs,
      options.graceMs ?? COMPACTION_GRACE_MS,
    );
    for (const day of days) {
      daysListed += 1;
      const plans = planDayCompaction(table, day, await store.listFiles(`${prefix}/${day}`));
      for (const plan of plans) {
        try {
          compacted.push(await compactPartition(store, plan, options));
        } catch (error) {
          failed.push({ partition: plan.partition, error });
        }
      }
    }
  }
  if (failed.length > 0) {
    throw new HistoryCompactionError(
      failed.map((failure) => failure.partition),
      { cause: failed[0]?.error },
    );
  }
  return { compacted, daysListed };
}

/** Compacts one partition's listed files into one, then deletes them (see the file's comment). */
export async function compactPartition(
  store: HistoryFileStore,
  plan: PartitionCompaction,
  options: Pick<CompactHistoryOptions, 'stagingRoot' | 'memoryLimit' | 'onPublished'> = {},
): Promise<PartitionCompacted> {
  const staging = await mkdtemp(path.join(options.stagingRoot ?? tmpdir(), 'shelfwatch-compaction-'));
  const instance = await DuckDBInstance.create(':memory:', {
    threads: '1',
    memory_limit: options.memoryLimit ?? COMPACTION_MEMORY_LIMIT,
    temp_directory: path.join(staging, 'spill'),
  });
  try {
    const inputs: string[] = [];
    for (const [index, file] of plan.files.entries()) {
      const local = path.join(staging, `in-${index}.parquet`);
      await store.download(file, local);
      inputs.push(local);
    }
    const output = path.join(staging, `${COMPACTED_FILE_PREFIX}${randomUUID()}.parquet`);
    const connection = await instance.connect();
    let rowsRead: number;
    let rowsWritten: number;
    try {
      ({ rowsRead, rowsWritten } = await writeCompacted(connection, plan.table, inputs, output));
    } finally {
      connection.closeSync();
    }
    const compactedFile = `${plan.partition}/${path.basename(output)}`;
    await store.publish(output, compactedFile);
    await options.onPublished?.(plan, compactedFile);
    await store.remove(plan.files);
    return { partition: plan.partition, files: plan.files, compactedFile, rowsRead, rowsWritten };
  } finally {
    instance.closeSync();
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The table's columns in declaration order and type (a column no input has is a typed null,
 * as history-reader.ts reads it), one row per identity (the latest by `latestBy`), sorted by
 * item then time, in row groups of EXPORT_ROW_GROUP_ROWS. Partition keys stay in the path.
 */
async function writeCompacted(
  connection: DuckDBConnection,
  table: HistoryTable<never>,
  inputs: readonly string[],
  output: string,
): Promise<{ rowsRead: number; rowsWritten: number }> {
  const files = `[${inputs.map(sqlString).join(', ')}]`;
  const present = new Set(
    (await connection.runAndReadAll(`SELECT DISTINCT name FROM parquet_schema(${files})`))
      .getRowObjectsJson()
      .map((row) => row.name as string),
  );
  const columns = table.columns.map((column) =>
    present.has(column.name)
      ? `CAST(${column.name} AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`
      : `CAST(NULL AS ${DUCKDB_TYPES[column.type]}) AS ${column.name}`,
  );
  await connection.run(
    `CREATE TEMP TABLE copies AS SELECT ${columns.join(', ')} ` +
      `FROM read_parquet(${files}, union_by_name = true, hive_partitioning = false)`,
  );
  const [first, ...rest] = table.identity;
  const order = [first, table.latestBy, ...rest].filter((name, index, all) => all.indexOf(name) === index);
  const names = table.columns.map((column) => column.name).join(', ');
  await connection.run(
    `COPY (SELECT ${names} FROM (SELECT *, row_number() OVER (PARTITION BY ${table.identity.join(', ')} ` +
      `ORDER BY ${table.latestBy} DESC) AS copy_rank FROM copies) AS ranked WHERE copy_rank = 1 ` +
      `ORDER BY ${order.join(', ')}) TO ${sqlString(output)} ` +
      `(FORMAT parquet, ROW_GROUP_SIZE ${EXPORT_ROW_GROUP_ROWS}, ` +
      `KV_METADATA { shelfwatch_table: ${sqlString(table.name)}, shelfwatch_schema_version: '${table.version}', ` +
      `shelfwatch_compacted_files: '${inputs.length}' })`,
  );
  const counts = (
    await connection.runAndReadAll(
      `SELECT (SELECT count(*) FROM copies) AS read, (SELECT count(*) FROM read_parquet(${sqlString(output)})) AS written`,
    )
  ).getRowObjectsJson()[0];
  return { rowsRead: Number(counts?.read ?? 0), rowsWritten: Number(counts?.written ?? 0) };
}
