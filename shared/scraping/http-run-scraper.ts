/**
 * The HTTP-only scraper (functions/http-scraper): a RunScraper without a browser, so its bundle
 * holds no Chromium and no puppeteer. It reads `http` and `auto` runs over HTTP; a run that needs
 * the browser (an `auto` run escalating, a `browser` run routed here) is handed back with its
 * checkpoint marked escalated and its attempt refunded, and its fresh message goes to the browser
 * queue of its priority (shared/queues/run-routing.ts).
 *
 * The handler imports this file, not the scraping index: the index loads BrowserHost.
 */
import type { AwsClients, ResourceEnvironment } from '../aws/index.ts';
import type { RunQueue } from '../queues/index.ts';
import { RunScraper, type RunScraperOptions, type ScraperLogger } from './run-scraper.ts';
import type { ScraperConfig } from './scraper-config.ts';
import { runScraperOptionsOf, type ScraperStores } from './scraper-wiring.ts';

export { consumeRunMessage } from './consume-run-message.ts';
export {
  createRunBatchConsumer,
  type RunBatchConsumer,
  SCRAPER_OUTCOME_METRICS,
  type ScraperOutcomeMetric,
} from './consume-run-batch.ts';
export { readScraperConfig } from './scraper-config.ts';
export { runScraperOptionsOf, type ScraperStores } from './scraper-wiring.ts';

export interface HttpScraperWiring {
  readonly scraper: RunScraper;
  readonly queue: RunQueue;
}

export function createHttpRunScraper(
  stores: ScraperStores,
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents' | 'secrets'>,
  config: ScraperConfig,
  logger?: ScraperLogger,
  hooks: Pick<RunScraperOptions, 'onEscalation'> = {},
): HttpScraperWiring {
  const scraper = new RunScraper(runScraperOptionsOf(stores, resources, clients, config, logger, hooks));
  return { scraper, queue: stores.queue };
}
