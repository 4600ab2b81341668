/**
 * The notifier of `npm start`: reads the changes table's DynamoDB stream on DynamoDB Local, as the
 * deployed notifier's event source mapping would (INSERTs; batches of the catalogue's size), and
 * runs the same shared logic (shared/alerts/notify-changes.ts): change events to the local event
 * bus (events.jsonl), fired rules to the fauxqs alerts topic and the webhook port. A batch not
 * fully notified is read again from its first record not done on the next pass, as the mapping
 * retries. With a position file (a data folder), a restart resumes after the last batch taken.
 *
 * Counts feed the progress line: `changesSinceStart` counts each change whose stream record lies
 * past the stream's end when the pump was made (its mark), once. Not by the record's creation
 * time: DynamoDB Local rounds `ApproximateCreationDateTime` down to the minute (written at
 * 00:49:13.111, read as 00:49:00.000), which would drop the changes of the starting minute.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { type NotifierDependencies, notifyChanges } from '../shared/alerts/index.ts';
import { FUNCTIONS } from '../shared/catalogue/index.ts';
import { isAfter } from './stream-positions.ts';
import { type StreamMark, StreamPump } from './stream-reader.ts';

export interface ChangesPumpOptions {
  readonly dynamodb: DynamoDBClient;
  readonly endpoint: string;
  readonly tableName: string;
  readonly notifier: NotifierDependencies;
  /** Where the pump keeps its place across restarts (`<data dir>/streams/notifier.json`); none: from the oldest record. */
  readonly positionFile?: string | undefined;
  /** A batch not fully notified (it is retried on the next pass). */
  readonly onBatchFailure?: (sequenceNumber: string, error: unknown) => void;
}

export interface ChangesPumpTotals {
  /** Changes notified, a change read again (a retried batch, a new reader) each time. */
  changes: number;
  /** Changes written after the pump was made, each once: the progress line's `changes`. */
  changesSinceStart: number;
  events: number;
  /** Rules fired (firings recorded) since start. */
  rulesFired: number;
  alertsPublished: number;
  batchFailures: number;
}

const INSERTS_ONLY = new Set<string>(FUNCTIONS.notifier.consumesStream.eventNames);

/**
 * Counts the records written after a mark of the stream, each once however often it is read (a
 * retried batch, a pass read again): per shard, a record counts when its sequence number is past
 * the mark and past the newest record counted so far. A shard the mark did not see is all new.
 */
export class ChangesSinceMark {
  private readonly mark: StreamMark;
  /** Per shard: the newest record counted, or else the mark's. */
  private readonly countedUpTo = new Map<string, string | undefined>();

  constructor(mark: StreamMark) {
    this.mark = mark;
  }

  /** The records of one shard's batch that are new, taken before the record the batch is retried from. */
  count(shardId: string, records: readonly StreamRecord[], retryFrom: string | undefined): number {
    let upTo = this.countedUpTo.has(shardId) ? this.countedUpTo.get(shardId) : this.mark.get(shardId);
    let counted = 0;
    for (const record of records) {
      const sequence = record.dynamodb?.SequenceNumber;
      if (sequence === undefined) continue;
      if (retryFrom !== undefined && !isAfter(retryFrom, sequence)) break;
      if (upTo !== undefined && !isAfter(sequence, upTo)) continue;
      counted += 1;
      upTo = sequence;
    }
    this.countedUpTo.set(shardId, upTo);
    return counted;
  }
}

export class ChangesPump extends StreamPump<number> {
  readonly totals: ChangesPumpTotals = {
    changes: 0,
    changesSinceStart: 0,
    events: 0,
    rulesFired: 0,
    alertsPublished: 0,
    batchFailures: 0,
  };
  private readonly options: ChangesPumpOptions;
  private sinceStart: Promise<ChangesSinceMark> | undefined;

  constructor(options: ChangesPumpOptions) {
    super({ ...options, batchSize: FUNCTIONS.notifier.consumesStream.batchSize });
    this.options = options;
    // The stream's end now is the start; a failed mark is taken again by the first pass.
    void this.changesSinceStart().catch(() => undefined);
  }

  protected async pass(): Promise<number> {
    const sinceStart = await this.changesSinceStart();
    return this.reader.read(async (records, shardId) => {
      // The mapping's filter: other events never reach the function.
      const inserts = records.filter((record) => INSERTS_ONLY.has(record.eventName ?? ''));
      if (inserts.length === 0) return;
      const outcome = await notifyChanges(inserts, this.options.notifier);
      this.totals.changes += outcome.changes;
      this.totals.changesSinceStart += sinceStart.count(shardId, inserts, outcome.failure?.sequenceNumber);
      this.totals.events += outcome.eventsPublished;
      this.totals.rulesFired += outcome.firingsRecorded.length;
      this.totals.alertsPublished += outcome.alertsPublished;
      if (!outcome.failure) return;
      this.totals.batchFailures += 1;
      this.options.onBatchFailure?.(outcome.failure.sequenceNumber, outcome.failure.error);
      return { retryFrom: outcome.failure.sequenceNumber };
    });
  }

  private changesSinceStart(): Promise<ChangesSinceMark> {
    this.sinceStart ??= this.reader.mark().then(
      (mark) => new ChangesSinceMark(mark),
      (error: unknown) => {
        this.sinceStart = undefined;
        throw error;
      },
    );
    return this.sinceStart;
  }
}
