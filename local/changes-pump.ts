/**
 * The notifier of `npm start`: reads the changes table's DynamoDB stream on DynamoDB Local, as the
 * deployed notifier's event source mapping would (INSERTs; batches of the catalogue's size), and
 * runs the same shared logic (shared/alerts/notify-changes.ts): change events to the local event
 * bus (events.jsonl), fired rules to the fauxqs alerts topic and the webhook port. A batch not
 * fully notified is read again from its first record not done on the next pass, as the mapping
 * retries. Counts feed the progress line: `changesSinceStart` counts each change written after
 * the pump was made once, by its stream record's creation time, so the records a new reader
 * reads again from the stream's oldest (a restart on the same data folder) are not counted.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { type NotifierDependencies, notifyChanges } from '../shared/alerts/index.ts';
import { FUNCTIONS } from '../shared/catalogue/index.ts';
import { PeriodicPass, StreamReader } from './stream-reader.ts';

export interface ChangesPumpOptions {
  readonly dynamodb: DynamoDBClient;
  readonly endpoint: string;
  readonly tableName: string;
  readonly notifier: NotifierDependencies;
  /** A batch not fully notified (it is retried on the next pass). */
  readonly onBatchFailure?: (sequenceNumber: string, error: unknown) => void;
  /** Changes written before this time are notified but not counted in `changesSinceStart`. Default: now. */
  readonly countChangesSinceMs?: number;
}

export interface ChangesPumpTotals {
  /** Changes notified, a change read again (a retried batch, a new reader) each time. */
  changes: number;
  /** Changes written since `countChangesSinceMs`, each once: the progress line's `changes`. */
  changesSinceStart: number;
  events: number;
  /** Rules fired (firings recorded) since start. */
  rulesFired: number;
  alertsPublished: number;
  batchFailures: number;
}

const INSERTS_ONLY = new Set<string>(FUNCTIONS.notifier.consumesStream.eventNames);

/**
 * The records of a batch written since `sinceMs` and taken (before the record the batch is
 * retried from). A stream record's creation time is rounded down to the second: one written in
 * the starting second is not counted, one written before the start never is.
 */
export function countWrittenSince(
  records: readonly StreamRecord[],
  sinceMs: number,
  retryFrom: string | undefined,
): number {
  const retryAt = retryFrom === undefined ? undefined : BigInt(retryFrom);
  return records.filter((record) => {
    const createdAt = record.dynamodb?.ApproximateCreationDateTime;
    const sequence = record.dynamodb?.SequenceNumber;
    if (!createdAt || createdAt.getTime() < sinceMs) return false;
    return retryAt === undefined || (sequence !== undefined && BigInt(sequence) < retryAt);
  }).length;
}

export class ChangesPump {
  readonly totals: ChangesPumpTotals = {
    changes: 0,
    changesSinceStart: 0,
    events: 0,
    rulesFired: 0,
    alertsPublished: 0,
    batchFailures: 0,
  };
  private readonly reader: StreamReader;
  private readonly passes: PeriodicPass<number>;

  constructor(options: ChangesPumpOptions) {
    this.reader = new StreamReader({ ...options, batchSize: FUNCTIONS.notifier.consumesStream.batchSize });
    const countSinceMs = options.countChangesSinceMs ?? Date.now();
    this.passes = new PeriodicPass(() =>
      this.reader.read(async (records) => {
        // The mapping's filter: other events never reach the function.
        const inserts = records.filter((record) => INSERTS_ONLY.has(record.eventName ?? ''));
        if (inserts.length === 0) return;
        const outcome = await notifyChanges(inserts, options.notifier);
        this.totals.changes += outcome.changes;
        this.totals.changesSinceStart += countWrittenSince(
          inserts,
          countSinceMs,
          outcome.failure?.sequenceNumber,
        );
        this.totals.events += outcome.eventsPublished;
        this.totals.rulesFired += outcome.firingsRecorded.length;
        this.totals.alertsPublished += outcome.alertsPublished;
        if (!outcome.failure) return;
        this.totals.batchFailures += 1;
        options.onBatchFailure?.(outcome.failure.sequenceNumber, outcome.failure.error);
        return { retryFrom: outcome.failure.sequenceNumber };
      }),
    );
  }

  /** Reads the stream up to its newest record and notifies what it read; one pass at a time. */
  drain(): Promise<number> {
    return this.passes.drain();
  }

  start(intervalMs: number, onError: (error: unknown) => void): void {
    this.passes.start(intervalMs, onError);
  }

  async stop(): Promise<void> {
    await this.passes.stop();
    this.reader.destroy();
  }
}
