/**
 * The webhooks queue's event source mapping, emulated in-process: receives a batch (the
 * catalogue's batch size), invokes the webhook sender's real handler with an SQSEvent, and
 * deletes the messages not listed in `batchItemFailures`. A handler that throws deletes nothing:
 * the batch comes back when its visibility ends, as in Lambda. The handler's own visibility
 * changes (its retry backoff) stand. Receives hide a message for `receiveVisibilitySeconds`
 * (compressed from the deployed 6× the timeout, so a crashed batch returns in seconds).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deleteDoneRecords, failedMessageIds, type MappedQueue, receiveRecords } from './sqs-batch.ts';
import { WEBHOOK_QUEUE } from '../shared/catalogue/index.ts';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export interface WebhookMappingOptions {
  readonly sqs: SQSClient;
  readonly region: string;
  readonly queue: MappedQueue;
  readonly handler: SqsHandler;
  /** Concurrent batches at most. Default: the catalogue's maximum concurrency. */
  readonly maxConcurrency?: number;
  readonly receiveVisibilitySeconds?: number;
  /** Wait before polling again after an empty receive. Default 250 ms. */
  readonly idlePollMs?: number;
  readonly onInvocation?: (report: { records: number; failedRecords: number; error?: string }) => void;
  readonly onError?: (error: unknown) => void;
}

export class WebhookQueueMapping {
  private readonly options: WebhookMappingOptions;
  private stopped = false;
  private lanes: Promise<void>[] = [];

  constructor(options: WebhookMappingOptions) {
    this.options = options;
  }

  start(): void {
    if (this.lanes.length > 0) return;
    const lanes = this.options.maxConcurrency ?? WEBHOOK_QUEUE.maxConcurrency;
    this.lanes = Array.from({ length: lanes }, () => this.poll());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.lanes);
  }

  /** Receives one batch and invokes the handler with it; the number of records (0: queue empty). */
  async invokeOnce(): Promise<number> {
    const { sqs, region, queue } = this.options;
    const records = await receiveRecords({
      sqs,
      region,
      queue,
      batchSize: WEBHOOK_QUEUE.batchSize,
      visibilitySeconds: this.options.receiveVisibilitySeconds ?? 30,
    });
    if (records.length === 0) return 0;
    let response: SQSBatchResponse;
    try {
      response = await this.options.handler({ Records: records });
    } catch (error) {
      this.options.onInvocation?.({
        records: records.length,
        failedRecords: records.length,
        error: String(error),
      });
      return records.length;
    }
    const failed = failedMessageIds(response);
    await deleteDoneRecords(sqs, queue, records, failed);
    this.options.onInvocation?.({ records: records.length, failedRecords: failed.size });
    return records.length;
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      let received = 0;
      try {
        received = await this.invokeOnce();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (received === 0 && !this.stopped) {
        await new Promise((resolve) => setTimeout(resolve, this.options.idlePollMs ?? 250));
      }
    }
  }
}
