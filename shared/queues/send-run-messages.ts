/**
 * Puts run messages on their queues (priority × mode, see run-routing.ts) with SendMessageBatch (10 per request, the SQS
 * limit), batches in parallel with a bound, and entries SQS reports as failed sent again.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { PRIORITIES, type Priority, RUN_QUEUE_MODES, type RunQueueMode } from '../definitions/index.ts';
import { chunk, mapWithConcurrency, sleep } from '../concurrency/index.ts';

export const SQS_BATCH_LIMIT = 10;
/** SQS refuses delays above 15 minutes (SendMessage `DelaySeconds`). */
export const SQS_MAX_DELAY_SECONDS = 900;
const MAX_ROUNDS = 5;

export interface OutgoingMessage {
  readonly priority: Priority;
  /** Which of the priority's queues: the HTTP-only scraper's or the Chromium scraper's. */
  readonly mode: RunQueueMode;
  /** Unique within one call; the run id. */
  readonly id: string;
  readonly body: string;
}

export interface SendOptions {
  readonly sqs: SQSClient;
  /** The queue of a priority and mode. */
  readonly queueUrlOf: (priority: Priority, mode: RunQueueMode) => string;
  readonly concurrency?: number;
}

export interface SendOutcome {
  readonly sent: string[];
  /** Ids that could not be sent after retries (their runs stay PENDING). */
  readonly unsent: string[];
  readonly lastError?: string;
}

/** Sends every message it can; reports which ids went and which did not. */
export async function sendRunMessages(
  options: SendOptions,
  messages: readonly OutgoingMessage[],
): Promise<SendOutcome> {
  const sent: string[] = [];
  const unsent: string[] = [];
  let lastReason = '';
  const batches = PRIORITIES.flatMap((priority) =>
    RUN_QUEUE_MODES.flatMap((mode) =>
      chunk(
        messages.filter((message) => message.priority === priority && message.mode === mode),
        SQS_BATCH_LIMIT,
      ),
    ),
  );
  await mapWithConcurrency(batches, options.concurrency ?? 16, async (batch) => {
    let pending = batch;
    for (let round = 1; pending.length > 0 && round <= MAX_ROUNDS; round += 1) {
      const first = pending[0] as OutgoingMessage;
      const queueUrl = options.queueUrlOf(first.priority, first.mode);
      // Batch entry ids must be short and simple; the index in this batch is.
      const { Successful = [], Failed = [] } = await options.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: pending.map((message, index) => ({ Id: String(index), MessageBody: message.body })),
        }),
      );
      for (const entry of Successful) sent.push((pending[Number(entry.Id)] as OutgoingMessage).id);
      const failed = new Set(Failed.map((entry) => Number(entry.Id)));
      for (const entry of Failed) lastReason = `${entry.Code ?? 'error'}: ${entry.Message ?? ''}`;
      // A sender fault (bad entry) will not succeed on retry; a service fault may.
      const retriable = Failed.filter((entry) => !entry.SenderFault).map((entry) => Number(entry.Id));
      for (const entry of Failed.filter((e) => e.SenderFault))
        unsent.push((pending[Number(entry.Id)] as OutgoingMessage).id);
      pending = pending.filter((_, index) => failed.has(index) && retriable.includes(index));
      if (pending.length > 0) await sleep(50 * 2 ** round);
    }
    unsent.push(...pending.map((message) => message.id));
  });
  return unsent.length > 0 ? { sent, unsent, lastError: lastReason } : { sent, unsent };
}
