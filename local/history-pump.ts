/**
 * The history of `npm start`: reads one table's DynamoDB stream on DynamoDB Local (items →
 * snapshots, changes → changes: one pump each), as the deployed history function's event source
 * mappings would, and writes each batch of rows as Parquet into `<data-dir>/history` (docs/history.md). Each shard is read from its oldest record
 * on the first pass, then from where the last pass stopped; a restart reads the retained records
 * again, which the readers' de-duplication absorbs (writes are at-least-once by design).
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type HistoryDestination,
  type HistoryTable,
  rowsOfStreamRecords,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../shared/history/index.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';

export interface HistoryPumpOptions {
  readonly dynamodb: DynamoDBClient;
  /** DynamoDB Local's endpoint: its streams API is served there too. */
  readonly endpoint: string;
  readonly tableName: string;
  readonly destination: HistoryDestination;
  /** The history table the stream's records are rows of (HISTORY_STREAMS); default: the snapshots. */
  readonly history?: HistoryTable<never>;
  /** Records per Parquet write at most (the deployed mapping's batch size). */
  readonly batchSize?: number;
}

export interface PumpPass {
  readonly records: number;
  readonly rows: number;
  readonly files: number;
}

export class HistoryPump {
  private readonly options: HistoryPumpOptions;
  private readonly streams: DynamoDBStreamsClient;
  /** Where each shard's next read starts; null once a closed shard is read to its end. */
  /** Per shard: the sequence number of the last record written, and whether a closed shard is done. */
  private readonly positions = new Map<string, { after?: string; ended: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<PumpPass> | undefined;

  constructor(options: HistoryPumpOptions) {
    this.options = options;
    this.streams = new DynamoDBStreamsClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: options.endpoint,
    });
  }

  /** Reads every shard up to its newest record and writes what it read; one pass at a time. */
  drain(): Promise<PumpPass> {
    this.pass ??= this.readAll().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  /** Drains every `intervalMs`; `onError` hears a failed pass (the next pass retries from the same place). */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => void this.drain().catch(onError), intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pass?.catch(() => undefined);
    await this.drain().catch(() => undefined); // what arrived since the last pass
    this.streams.destroy();
  }

  private async readAll(): Promise<PumpPass> {
    const batchSize = this.options.batchSize ?? 10_000;
    const pending: StreamRecord[] = [];
    const total = { records: 0, rows: 0, files: 0 };
    const flush = async (records: StreamRecord[]) => {
      const written = await writeHistory(
        this.options.history ?? (SNAPSHOT_HISTORY as HistoryTable<never>),
        rowsOfStreamRecords<never>(records),
        this.options.destination,
      );
      total.records += records.length;
      total.rows += written.rows;
      total.files += written.files.length;
    };
    for (const shardId of await this.shardIds()) {
      const position = this.positions.get(shardId) ?? { ended: false };
      if (position.ended) continue;
      let iterator: string | undefined = await this.iteratorAfter(shardId, position.after);
      let last = position.after;
      while (iterator) {
        const page: GetRecordsCommandOutput = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }),
        );
        const records = page.Records ?? [];
        pending.push(...records);
        last = records.at(-1)?.dynamodb?.SequenceNumber ?? last;
        while (pending.length >= batchSize) await flush(pending.splice(0, batchSize));
        iterator = records.length === 0 ? undefined : page.NextShardIterator; // empty: newest record read
        if (!page.NextShardIterator) position.ended = true; // a closed shard, read to its end
      }
      if (pending.length > 0) await flush(pending.splice(0));
      // The place moves only once the records before it are written: a failed pass is read again.
      this.positions.set(shardId, { ...(last ? { after: last } : {}), ended: position.ended });
    }
    return total;
  }

  private async shardIds(): Promise<string[]> {
    const { Table } = await this.options.dynamodb.send(
      new DescribeTableCommand({ TableName: this.options.tableName }),
    );
    if (!Table?.LatestStreamArn) return [];
    const { StreamDescription } = await this.streams.send(
      new DescribeStreamCommand({ StreamArn: Table.LatestStreamArn }),
    );
    this.streamArn = Table.LatestStreamArn;
    return (StreamDescription?.Shards ?? []).flatMap((shard) => (shard.ShardId ? [shard.ShardId] : []));
  }

  private streamArn = '';

  private async iteratorAfter(shardId: string, after: string | undefined): Promise<string> {
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    if (!ShardIterator) throw new Error(`DynamoDB Local gave no iterator for shard ${shardId}`);
    return ShardIterator;
  }
}
