/**
 * The notifier of `npm start`: reads the changes table's DynamoDB stream on DynamoDB Local, as the
 * deployed notifier's event source mapping would (INSERTs; batches of the catalogue's size), and
 * runs the same shared logic (shared/alerts/notify-changes.ts): change events to the local event
 * bus (events.jsonl), fired rules to the fauxqs alerts topic and the webhook port. A batch not
 * fully notified is read again from its first record not done on the next pass, as the mapping
 * retries. Counts feed the progress line.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
}

export interface ChangesPumpTotals {
  changes: number;
  events: number;
  /** Rules fired (firings recorded) since start. */
  rulesFired: number;
  alertsPublished: number;
  batchFailures: number;
}

const INSERTS_ONLY = new Set<string>(FUNCTIONS.notifier.consumesStream.eventNames);

export class ChangesPump {
  readonly totals: ChangesPumpTotals = {
    changes: 0,
    events: 0,
    rulesFired: 0,
    alertsPublished: 0,
    batchFailures: 0,
  };
  private readonly reader: StreamReader;
  private readonly passes: PeriodicPass<number>;

  constructor(options: ChangesPumpOptions) {
    this.reader = new StreamReader({ ...options, batchSize: FUNCTIONS.notifier.consumesStream.batchSize });
    this.passes = new PeriodicPass(() =>
      this.reader.read(async (records) => {
        // The mapping's filter: other events never reach the function.
        const inserts = records.filter((record) => INSERTS_ONLY.has(record.eventName ?? ''));
        if (inserts.length === 0) return;
        const outcome = await notifyChanges(inserts, options.notifier);
        this.totals.changes += outcome.changes;
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
