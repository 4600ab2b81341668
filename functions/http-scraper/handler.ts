/**
 * HTTP-only scraper: consumes run messages from the three HTTP queues (`runs-<priority>-http`, one
 * event source mapping each, with its own maximum concurrency) and reads their pages over HTTP,
 * with no Chromium in the bundle. A run that needs the browser is handed back to the browser
 * queue of its priority. Partial batch responses, as the Chromium scraper. Logic: shared/scraping.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import { UnavailableError } from '../../shared/errors/index.ts';
import { createMetrics, MetricUnit } from '../../shared/monitoring/index.ts';
// The file, not the scraping index: the index loads the browser, which this function must not bundle.
import {
  consumeRunMessage,
  createHttpRunScraper,
  readScraperConfig,
} from '../../shared/scraping/http-run-scraper.ts';
import { createStores } from '../../shared/stores/index.ts';

const logger = new Logger({ serviceName: 'shelfwatch-http-scraper' });
const resources = resourceEnvironment();
const metrics = createMetrics(resources.stage);
const clients = createAwsClients();
const { scraper, queue } = createHttpRunScraper(
  createStores(resources, clients),
  resources,
  clients,
  readScraperConfig(),
  logger,
  // An `auto` run that must escalate: counted here, where HTTP did not read the page well.
  { onEscalation: () => metrics.addMetric('Escalations', MetricUnit.Count, 1) },
);
const processor = new BatchProcessor(EventType.SQS);

// The same metrics as the Chromium scraper's: a hand-over to the browser is a hand-back.
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
      logger.info('message handled', {
        messageId: record.messageId,
        verdict,
        outcome: outcome.kind,
        ...('why' in outcome ? { why: outcome.why } : {}),
      });
      metrics.addMetric(OUTCOME_METRICS[outcome.kind], MetricUnit.Count, 1);
      if (verdict === 'retry-later') {
        throw new UnavailableError('RETRY_LATER', `run message ${record.messageId}: retry later`);
      }
    },
    processor,
    { context, throwOnFullBatchFailure: false },
  );
