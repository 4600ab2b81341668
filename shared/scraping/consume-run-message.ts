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
import { ValidationError } from '../errors/index.ts';
import { parseRunMessage, type RunQueue } from '../queues/index.ts';
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

export async function consumeRunMessage(
  message: ReceivedRunMessage,
  scraper: RunScraper,
  queue: RunQueue,
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
    await queue.retryLater(message.queueUrl, message.receiptHandle, outcome.delaySeconds);
    return { verdict: 'retry-later', outcome };
  }
  if (outcome.kind === 'handed-back') {
    await queue.sendLater(outcome.run, outcome.delaySeconds);
    return { verdict: 'done', outcome };
  }
  return { verdict: 'done', outcome };
}
