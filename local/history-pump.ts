/**
 * The history of `npm start`: reads one table's DynamoDB stream on DynamoDB Local (items →
 * snapshots, changes → changes: one pump each), as the deployed history function's event source
 * mappings would, and writes each batch of rows as Parquet into `<data-dir>/history`
 * (docs/history.md). Each shard is read from its oldest record
 * on the first pass, then from where the last pass stopped; a restart reads the retained records
 * again, which the readers' de-duplication absorbs (writes are at-least-once by design).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type HistoryDestination,
  type HistoryTable,
  rowsOfStreamRecords,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../shared/history/index.ts';
import { PeriodicPass, StreamReader } from './stream-reader.ts';

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
}

export interface PumpPass {
  readonly records: number;
  readonly rows: number;
  readonly files: number;
}

export class HistoryPump {
  private readonly reader: StreamReader;
  private readonly passes: PeriodicPass<PumpPass>;

  constructor(options: HistoryPumpOptions) {
    this.reader = new StreamReader({ ...options, batchSize: options.batchSize ?? 10_000 });
    this.passes = new PeriodicPass(async () => {
      const total = { records: 0, rows: 0, files: 0 };
      await this.reader.read(async (records) => {
        const written = await writeHistory(
          options.history ?? (SNAPSHOT_HISTORY as HistoryTable<never>),
          rowsOfStreamRecords<never>(records),
          options.destination,
        );
        total.records += records.length;
        total.rows += written.rows;
        total.files += written.files.length;
      });
      return total;
    });
  }

  /** Reads every shard up to its newest record and writes what it read; one pass at a time. */
  drain(): Promise<PumpPass> {
    return this.passes.drain();
  }

  /** Drains every `intervalMs`; `onError` hears a failed pass (the next pass retries from the same place). */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.passes.start(intervalMs, onError);
  }

  async stop(): Promise<void> {
    await this.passes.stop();
    this.reader.destroy();
  }
}
