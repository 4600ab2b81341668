/**
 * A batch of run messages from SQS, as both scraper functions (Chromium and HTTP-only) consume
 * it: each record goes through `consumeRunMessage`, is logged and counted by what became of it,
 * and a run to retry later is reported as a batch item failure (Powertools partial batch
 * response), so its message stays on the queue with the backoff as its visibility.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { UnavailableError } from '../errors/index.ts';
import type { RunQueue } from '../queues/index.ts';
import { type ConsumeResult, consumeRunMessage } from './consume-run-message.ts';
import type { RunScraper, ScraperLogger } from './run-scraper.ts';

/** The metric each message is counted under; a hand-over to the browser counts as a hand-back. */
export const SCRAPER_OUTCOME_METRICS = {
  succeeded: 'ScraperRunsSucceeded',
  failed: 'ScraperRunsFailed',
  retry: 'ScraperRunsRetried',
  'handed-back': 'ScraperRunsHandedBack',
  skipped: 'ScraperMessagesSkipped',
  malformed: 'ScraperMessagesMalformed',
} as const satisfies Record<ConsumeResult['outcome']['kind'], string>;

export type ScraperOutcomeMetric = (typeof SCRAPER_OUTCOME_METRICS)[keyof typeof SCRAPER_OUTCOME_METRICS];

export interface RunBatchConsumer {
  readonly scraper: RunScraper;
  readonly queue: RunQueue;
  readonly logger: ScraperLogger;
  /** Called once per message, skipped and malformed ones too (the handler adds it to its metrics). */
  readonly countOutcome: (metric: ScraperOutcomeMetric) => void;
}

/** The batch handling of a scraper function: (event, context) → its partial batch response. */
export function createRunBatchConsumer(
  consumer: RunBatchConsumer,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const { scraper, queue, logger, countOutcome } = consumer;
  const processor = new BatchProcessor(EventType.SQS);
  return (event, context) =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const { verdict, outcome } = await consumeRunMessage(
          {
            body: record.body,
            receiptHandle: record.receiptHandle,
            queueUrl: queue.queueUrlOfArn(record.eventSourceARN),
          },
          scraper,
          queue,
          { owner: context.awsRequestId, remainingMs: () => context.getRemainingTimeInMillis() },
          logger,
        );
        logger.info('message handled', {
          messageId: record.messageId,
          verdict,
          outcome: outcome.kind,
          ...('why' in outcome ? { why: outcome.why } : {}),
        });
        countOutcome(SCRAPER_OUTCOME_METRICS[outcome.kind]);
        // Thrown so that Powertools reports the message as a batch item failure: it comes back later.
        if (verdict === 'retry-later') {
          throw new UnavailableError('RETRY_LATER', `run message ${record.messageId}: retry later`);
        }
      },
      processor,
      // A run to retry later is an expected outcome, not a function error (ScraperErrors would fire).
      { context, throwOnFullBatchFailure: false },
    );
}
