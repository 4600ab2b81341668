/**
 * Which table's stream feeds which history table: the items table's the snapshots, the changes
 * table's the changes. The deployed history function has one event source mapping per stream and
 * tells them apart by the record's `eventSourceARN`; `npm start` runs one pump per stream.
 */
import type { TableName } from '../catalogue/index.ts';
import { tableName } from '../catalogue/index.ts';
import { CHANGE_HISTORY } from './change-history.ts';
import type { HistoryTable } from './history-table.ts';
import { SNAPSHOT_HISTORY } from './snapshot-history.ts';

export interface HistoryStream {
  /** The catalogue table whose stream (new images) is read. */
  readonly source: TableName;
  /** The history table its records become rows of. */
  readonly table: HistoryTable<never>;
}

export const HISTORY_STREAMS: readonly HistoryStream[] = [
  { source: 'items', table: SNAPSHOT_HISTORY },
  { source: 'changes', table: CHANGE_HISTORY },
];

const STREAM_ARN_TABLE = /:table\/([^/]+)\/stream\//;

/** The history stream of a record's `eventSourceARN` in this stage, or undefined for another table. */
export function historyStreamOfArn(
  stage: string,
  eventSourceArn: string | undefined,
): HistoryStream | undefined {
  const name = eventSourceArn === undefined ? undefined : STREAM_ARN_TABLE.exec(eventSourceArn)?.[1];
  return HISTORY_STREAMS.find((stream) => tableName(stage, stream.source) === name);
}
