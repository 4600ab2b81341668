/**
 * `shelfwatch query`: one SQL statement over the local history (views `snapshots` and
 * `snapshots_raw`), its first rows returned. Bounded: DuckDB stops producing once `maxRows` + 1
 * rows are read, so a SELECT over a year of snapshots does not fill memory; `truncated` says more
 * were there (export writes them all).
 */
import type { Json } from '@duckdb/node-api';
import { HistoryQueryError } from './history-error.ts';
import { openHistoryReader } from './history-reader.ts';

export interface HistoryQueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, Json>[];
  readonly truncated: boolean;
}

export async function queryHistory(root: string, sql: string, maxRows = 1_000): Promise<HistoryQueryResult> {
  const reader = await openHistoryReader(root);
  try {
    const result = await reader.connection.streamAndReadUntil(sql, maxRows + 1).catch((error: unknown) => {
      throw new HistoryQueryError((error as Error).message, { cause: error });
    });
    const rows = result.getRowObjectsJson();
    return { columns: result.columnNames(), rows: rows.slice(0, maxRows), truncated: rows.length > maxRows };
  } finally {
    reader.close();
  }
}
