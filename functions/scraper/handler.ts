/**
 * Scraper: consumes run messages from the three priority queues (one event source mapping each,
 * with its own maximum concurrency), one browser per warm container. Partial batch responses: a
 * message whose run should be retried later stays on its queue. Logic: shared/scraping.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import { createMetrics, MetricUnit } from '../../shared/monitoring/index.ts';
import { createRunBatchConsumer, createRunScraper, readScraperConfig } from '../../shared/scraping/index.ts';
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
// Every message is counted by what became of it (skipped and malformed ones too).
const consumeBatch = createRunBatchConsumer({
  scraper,
  queue,
  logger,
  countOutcome: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
});

/** The container's browser (the local runtime and tests close it when they stop). */
export { browser };

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  try {
    return await consumeBatch(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
};
