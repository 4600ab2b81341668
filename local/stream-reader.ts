/**
 * Reads a table's DynamoDB stream on DynamoDB Local, as an event source mapping would: each shard
 * from its oldest record on the first pass, then from where the last pass stopped, in batches of
 * at most `batchSize` records handed to a consumer. A shard's place moves only past records the
 * consumer took: a consumer that throws, or names a record to retry from, is given the same
 * records again on the next pass. Used by the history pump and the changes pump of `npm start`.
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
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';

export interface StreamReaderOptions {
  readonly dynamodb: DynamoDBClient;
  /** DynamoDB Local's endpoint: its streams API is served there too. */
  readonly endpoint: string;
  readonly tableName: string;
  /** Records per consumer call at most (the deployed mapping's batch size). */
  readonly batchSize: number;
}

/** What a consumer did with a batch: all taken, or the sequence number of the first record to read again. */
export type BatchResult = { readonly retryFrom?: string | undefined } | void;

export type StreamConsumer = (records: StreamRecord[]) => Promise<BatchResult>;

export class StreamReader {
  private readonly options: StreamReaderOptions;
  private readonly streams: DynamoDBStreamsClient;
  /** Per shard: the sequence number of the last record taken, and whether a closed shard is done. */
  private readonly positions = new Map<string, { after?: string; ended: boolean }>();
  private streamArn = '';

  constructor(options: StreamReaderOptions) {
    this.options = options;
    this.streams = new DynamoDBStreamsClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: options.endpoint,
    });
  }

  /** Reads every shard up to its newest record; returns the records the consumer took. */
  async read(consume: StreamConsumer): Promise<number> {
    let taken = 0;
    for (const shardId of await this.shardIds()) {
      const position = this.positions.get(shardId) ?? { ended: false };
      if (position.ended) continue;
      let iterator: string | undefined = await this.iteratorAfter(shardId, position.after);
      const pending: StreamRecord[] = [];
      let ended = false;
      let stopped = false;
      const flush = async (records: StreamRecord[]) => {
        const result = await consume(records);
        const retryFrom = result ? result.retryFrom : undefined;
        const cut = retryFrom
          ? records.findIndex((record) => record.dynamodb?.SequenceNumber === retryFrom)
          : records.length;
        const done = records.slice(0, cut < 0 ? records.length : cut);
        const last = done.at(-1)?.dynamodb?.SequenceNumber;
        if (last) position.after = last;
        this.positions.set(shardId, { ...position, ended: false });
        taken += done.length;
        if (retryFrom) stopped = true; // the rest of the shard waits for the next pass, in order
      };
      while (iterator && !stopped) {
        const page: GetRecordsCommandOutput = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }),
        );
        const records = page.Records ?? [];
        pending.push(...records);
        while (pending.length >= this.options.batchSize && !stopped) {
          await flush(pending.splice(0, this.options.batchSize));
        }
        iterator = records.length === 0 ? undefined : page.NextShardIterator; // empty: newest record read
        if (!page.NextShardIterator) ended = true; // a closed shard, read to its end
      }
      if (pending.length > 0 && !stopped) await flush(pending.splice(0));
      if (ended && !stopped) this.positions.set(shardId, { ...position, ended: true });
    }
    return taken;
  }

  destroy(): void {
    this.streams.destroy();
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

/** Runs a pass every `intervalMs`, one pass at a time; `drain()` runs one now (or joins the running one). */
export class PeriodicPass<T> {
  private readonly run: () => Promise<T>;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<T> | undefined;

  constructor(run: () => Promise<T>) {
    this.run = run;
  }

  drain(): Promise<T> {
    this.pass ??= this.run().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  /** `onError` hears a failed pass (the next pass retries from the same place). */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.timer = setInterval(() => void this.drain().catch(onError), intervalMs);
  }

  /** Stops the timer, waits for a running pass and runs a last one for what arrived since. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pass?.catch(() => undefined);
    await this.drain().catch(() => undefined);
  }
}
