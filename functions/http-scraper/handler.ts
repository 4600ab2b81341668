/**
 * HTTP-only scraper: consumes run messages from the three HTTP queues (`runs-<priority>-http`, one
 * event source mapping each, with its own maximum concurrency) and reads their pages over HTTP,
 * with no Chromium in the bundle. A run that needs the browser is handed back to the browser
 * queue of its priority. Partial batch responses, as the Chromium scraper. Logic: shared/scraping.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import { createMetrics, MetricUnit } from '../../shared/monitoring/index.ts';
// The file, not the scraping index: the index loads the browser, which this function must not bundle.
import {
  createHttpRunScraper,
  createRunBatchConsumer,
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
// The same metrics as the Chromium scraper's: a hand-over to the browser is a hand-back.
const consumeBatch = createRunBatchConsumer({
  scraper,
  queue,
  logger,
  countOutcome: (metric) => metrics.addMetric(metric, MetricUnit.Count, 1),
});

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  try {
    return await consumeBatch(event, context);
  } finally {
    metrics.publishStoredMetrics();
  }
};
