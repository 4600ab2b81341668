/**
 * Scraper: consumes run messages from the three priority queues (one event source mapping each,
 * with its own maximum concurrency), one browser per warm container. Partial batch responses: a
 * message whose run should be retried later stays on its queue. Logic: shared/scraping.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import { UnavailableError } from '../../shared/errors/index.ts';
import { createMetrics, MetricUnit } from '../../shared/monitoring/index.ts';
import { consumeRunMessage, createRunScraper, readScraperConfig } from '../../shared/scraping/index.ts';
import { createStores } from '../../shared/stores/index.ts';

const logger = new Logger({ serviceName: 'shelfwatch-scraper' });
const resources = resourceEnvironment();
const metrics = createMetrics(resources.stage);
const clients = createAwsClients();
const { scraper, queue, browser } = createRunScraper(
  createStores(resources, clients),
  resources,
  clients,
  readScraperConfig(),
  logger,
  // An `auto` run read a page over HTTP, then in the browser: counted, as pages go, per escalation.
  { onEscalation: () => metrics.addMetric('Escalations', MetricUnit.Count, 1) },
);
const processor = new BatchProcessor(EventType.SQS);

/** The container's browser (the local runtime and tests close it when they stop). */
export { browser };

const OUTCOME_METRICS = {
  succeeded: 'ScraperRunsSucceeded',
  failed: 'ScraperRunsFailed',
  retry: 'ScraperRunsRetried',
  'handed-back': 'ScraperRunsHandedBack',
  skipped: 'ScraperMessagesSkipped',
  malformed: 'ScraperMessagesMalformed',
} as const;

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  try {
    return await processBatch(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
};

const processBatch = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
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
      logger.info('message handled', { messageId: record.messageId, verdict, outcome: outcome.kind });
      // Every message is counted by what became of it (skipped and malformed ones too).
      metrics.addMetric(OUTCOME_METRICS[outcome.kind], MetricUnit.Count, 1);
      // Thrown so that Powertools reports the message as a batch item failure: it comes back later.
      if (verdict === 'retry-later') {
        throw new UnavailableError('RETRY_LATER', `run message ${record.messageId}: retry later`);
      }
    },
    processor,
    // A run to retry later is an expected outcome, not a function error (ScraperErrors would fire).
    { context, throwOnFullBatchFailure: false },
  );
