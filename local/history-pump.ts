/**
 * The history of `npm start`: reads one table's DynamoDB stream on DynamoDB Local (items →
 * snapshots, changes → changes: one pump each), as the deployed history function's event source
 * mappings would, and writes each batch of rows as Parquet into `<data-dir>/history`
 * (docs/history.md). Each shard is read from its oldest record on the first pass (or, with a
 * position file, from after the last batch written before a restart), then from where the last
 * pass stopped. A crash between a write and the saving of its place writes that batch again,
 * which the readers' de-duplication absorbs (writes are at-least-once by design).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type HistoryDestination,
  type HistoryTable,
  rowsOfStreamRecords,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../shared/history/index.ts';
import { StreamPump } from './stream-reader.ts';

export interface HistoryPumpOptions {
  readonly dynamodb: DynamoDBClient;
  /** DynamoDB Local's endpoint: its streams API is served there too. */
  readonly endpoint: string;
  readonly tableName: string;
  readonly destination: HistoryDestination;
  /** Records per Parquet write at most (the deployed mapping's batch size). */
  readonly batchSize?: number;
  /** The history table the stream's records are rows of (HISTORY_STREAMS); default: the snapshots. */
  readonly history?: HistoryTable<never>;
  /** Where the pump keeps its place across restarts (`<data dir>/streams/history-<table>.json`). */
  readonly positionFile?: string | undefined;
}

export interface PumpPass {
  readonly records: number;
  readonly rows: number;
  readonly files: number;
}

export class HistoryPump extends StreamPump<PumpPass> {
  private readonly options: HistoryPumpOptions;

  constructor(options: HistoryPumpOptions) {
    super({ ...options, batchSize: options.batchSize ?? 10_000 });
    this.options = options;
  }

  protected async pass(): Promise<PumpPass> {
    const total = { records: 0, rows: 0, files: 0 };
    await this.reader.read(async (records) => {
      const written = await writeHistory(
        this.options.history ?? (SNAPSHOT_HISTORY as HistoryTable<never>),
        rowsOfStreamRecords<never>(records),
        this.options.destination,
      );
      total.records += records.length;
      total.rows += written.rows;
      total.files += written.files.length;
    });
    return total;
  }
}
