/**
 * A run message from SQS, end to end: validate it, scrape the run, and turn the outcome into
 * what happens to the message.
 *
 *   succeeded / failed / skipped / malformed  → done: the message is deleted
 *   retry (transient, blocked)                → its visibility becomes the backoff; left on the
 *                                               queue (a batch item failure), received again later
 *   handed back (deadline, over budget)       → a fresh message with a delay, this one deleted, so
 *                                               receive counts keep meaning "crashed consumers"
 */
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Priority } from '../aws/index.ts';
import { ValidationError } from '../errors/index.ts';
import { encodeRunMessage, parseRunMessage } from '../expansion/run-message.ts';
import type { Run } from '../runs/index.ts';
import type { Invocation, RunScraper, ScrapeOutcome, ScraperLogger } from './run-scraper.ts';

export interface ReceivedRunMessage {
  readonly body: string;
  readonly receiptHandle: string;
  /** The queue it came from (its URL). */
  readonly queueUrl: string;
}

export type MessageVerdict = 'done' | 'retry-later';

export interface ConsumeResult {
  readonly verdict: MessageVerdict;
  readonly outcome:
    ScrapeOutcome | { readonly kind: 'malformed'; readonly issues: ValidationError['issues'] };
}

export interface RunQueues {
  readonly sqs: SQSClient;
  readonly queueUrls: Readonly<Record<Priority, string>>;
}

/** SQS refuses delays above 15 minutes on SendMessage. */
const MAX_SEND_DELAY_SECONDS = 900;

export async function consumeRunMessage(
  message: ReceivedRunMessage,
  scraper: RunScraper,
  queues: RunQueues,
  invocation: Invocation,
  logger: ScraperLogger,
): Promise<ConsumeResult> {
  let parsed;
  try {
    parsed = parseRunMessage(message.body);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // A malformed message can never succeed: deleting it is the permanent failure (logged, counted).
    logger.error('malformed run message deleted', { issues: error.issues, body: message.body.slice(0, 500) });
    return { verdict: 'done', outcome: { kind: 'malformed', issues: error.issues } };
  }
  const outcome = await scraper.scrape(parsed, invocation);
  if (outcome.kind === 'retry') {
    await queues.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: message.queueUrl,
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: outcome.delaySeconds,
      }),
    );
    return { verdict: 'retry-later', outcome };
  }
  if (outcome.kind === 'handed-back') {
    await sendLater(queues, outcome.run, outcome.delaySeconds);
    return { verdict: 'done', outcome };
  }
  return { verdict: 'done', outcome };
}

async function sendLater(queues: RunQueues, run: Run, delaySeconds: number): Promise<void> {
  await queues.sqs.send(
    new SendMessageCommand({
      QueueUrl: queues.queueUrls[run.priority],
      DelaySeconds: Math.min(MAX_SEND_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))),
      MessageBody: encodeRunMessage({
        runId: run.runId,
        definitionId: run.definitionId,
        slot: run.slot,
        attempt: run.attempts,
      }),
    }),
  );
}

/** The URL of the queue an SQS event record came from, among the configured ones. */
export function queueUrlOfArn(eventSourceArn: string, queueUrls: Readonly<Record<Priority, string>>): string {
  const name = eventSourceArn.split(':').at(-1) ?? '';
  const url = Object.values(queueUrls).find((candidate) => candidate.endsWith(`/${name}`));
  if (!url) throw new Error(`message from ${eventSourceArn}, which is not one of the configured run queues`);
  return url;
}
