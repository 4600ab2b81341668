/**
 * Puts runs back on the queue of their priority: after an operator's retry, a redrive, a worker's
 * failure with attempts left, or a worker forced offline. SQS delays a message by 15 minutes at
 * most; a longer backoff is recorded on the run (`nextAttemptAt`) and capped here.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { UnavailableError } from '../errors/index.ts';
import type { Priority } from '../aws/catalogue.ts';
import { runMessageOf } from '../expansion/run-message.ts';
import { sendRunMessages } from '../queues/index.ts';
import type { Run } from '../runs/index.ts';

export const MAX_MESSAGE_DELAY_SECONDS = 900;

export class RunQueue {
  private readonly sqs: SQSClient;
  readonly queueUrls: Record<Priority, string>;

  constructor(options: { sqs: SQSClient; queueUrls: Record<Priority, string> }) {
    this.sqs = options.sqs;
    this.queueUrls = options.queueUrls;
  }

  /** Sends one message per run (batched); throws if any could not be sent. */
  async enqueue(runs: readonly Run[]): Promise<void> {
    if (runs.length === 0) return;
    const { unsent, lastError } = await sendRunMessages(
      { sqs: this.sqs, queueUrls: this.queueUrls },
      runs.map(runMessageOf),
    );
    if (unsent.length > 0) {
      throw new UnavailableError(
        'RUN_NOT_QUEUED',
        `could not queue ${unsent.join(', ')}: ${lastError ?? 'unknown error'}`,
      );
    }
  }

  async enqueueLater(run: Run, delaySeconds: number): Promise<void> {
    const message = runMessageOf(run);
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrls[run.priority],
        MessageBody: message.body,
        DelaySeconds: Math.max(0, Math.min(MAX_MESSAGE_DELAY_SECONDS, Math.round(delaySeconds))),
      }),
    );
  }
}
