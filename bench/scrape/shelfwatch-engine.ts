/**
 * Shelfwatch's side, wired as each scraper Lambda wires itself over the environment (DynamoDB
 * runs, items and domain budget): the HTTP mode as the HTTP-only function (`createHttpRunScraper`,
 * no browser module loaded), the browser mode as the Chromium function (`createRunScraper`,
 * imported only for it). N run scrapes in flight: each lane
 * takes the next run message and scrapes the whole run (lease, pages, a checkpoint per page,
 * items saved in DynamoDB, completion) before taking another. The runs' fetch mode (`http` or
 * `browser`) is their definition's, set by the parent. Once done (outside the timed phase), the
 * items are read back from DynamoDB: the readings are what was saved, not what was meant to be.
 */
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import type { AwsClients, ResourceEnvironment } from '../../shared/aws/index.ts';
import type { RunScraper, ScraperLogger } from '../../shared/scraping/index.ts';
import { createStores } from '../../shared/stores/index.ts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemStore } from '../../shared/results/index.ts';
import type { EngineResult, OperationProfile, Reporter, ScrapeJob } from './job.ts';
import { type ComparableItem, readingsOf } from './readings.ts';

/** Which scraper function the engine stands for. */
export type ShelfwatchWiring = 'http' | 'browser';

export async function scrapeWithShelfwatch(
  job: ScrapeJob,
  reporter: Reporter,
  wiring: ShelfwatchWiring,
): Promise<EngineResult> {
  const failures: string[] = [];
  const logger: ScraperLogger = {
    // "page done" is logged once the page's items are saved and its checkpoint written.
    info: (message, attributes) => {
      if (message === 'page done' && Number(attributes.saved) > 0) reporter.firstItem();
    },
    warn: (message, attributes) => failures.push(`${message} ${JSON.stringify(attributes)}`),
    error: (message, attributes) => failures.push(`${message} ${JSON.stringify(attributes)}`),
  };
  const clients = createAwsClients();
  const profile = profileRequests(clients.documents);
  const resources = resourceEnvironment();
  const stores = createStores(resources, clients);
  const { scraper, close } = await wiredScraper(wiring, stores, resources, clients, logger);
  const waiting = [...job.runs];
  let pages = 0;
  let items = 0;
  let runMs = 0;
  reporter.scrapeStart();
  const lane = async (index: number) => {
    for (let message = waiting.shift(); message; message = waiting.shift()) {
      const runStartedAt = performance.now();
      const outcome = await scraper.scrape(message, {
        owner: `bench-lane-${index}`,
        remainingMs: () => 900_000,
      });
      runMs += performance.now() - runStartedAt;
      if (outcome.kind === 'succeeded') {
        pages += outcome.run.checkpoint?.page ?? 0;
        items += outcome.run.counts.saved;
      } else {
        failures.push(`run ${message.runId}: ${outcome.kind} ${JSON.stringify(outcome)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, (_, index) => lane(index)));
  const doneAtMs = reporter.scrapeDone();
  // Taken now: the read-back below is the benchmark's check, not Shelfwatch's work.
  const requestsWhileScraping = Object.fromEntries(profile);
  await close();
  const saved = (await Promise.all(job.runs.map(({ runId }) => savedItemsOf(stores.items, runId)))).flat();
  clients.destroy();
  return {
    doneAtMs,
    pages,
    items,
    failures,
    readings: readingsOf(saved),
    runMs: Math.round(runMs),
    profile: requestsWhileScraping,
  };
}

/**
 * The scraper as its function builds it. The HTTP wiring imports the file the HTTP-only handler
 * imports, not the scraping index (which loads puppeteer-core and @sparticuz/chromium).
 */
async function wiredScraper(
  wiring: ShelfwatchWiring,
  stores: ReturnType<typeof createStores>,
  resources: ResourceEnvironment,
  clients: AwsClients,
  logger: ScraperLogger,
): Promise<{ scraper: RunScraper; close: () => Promise<void> }> {
  if (wiring === 'http') {
    const { createHttpRunScraper, readScraperConfig } =
      await import('../../shared/scraping/http-run-scraper.ts');
    const { scraper } = createHttpRunScraper(stores, resources, clients, readScraperConfig(), logger);
    return { scraper, close: () => Promise.resolve() };
  }
  const { createRunScraper, readScraperConfig } = await import('../../shared/scraping/index.ts');
  const { scraper, browser } = createRunScraper(stores, resources, clients, readScraperConfig(), logger);
  return { scraper, close: () => browser.close() };
}

/** The items a run saved, as DynamoDB holds them. */
export async function savedItemsOf(store: ItemStore, runId: string): Promise<ComparableItem[]> {
  const items: ComparableItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listByRun(runId, cursor ? { cursor } : {});
    for (const { item } of page.snapshots) {
      items.push({
        id: item.id,
        title: item.title,
        price: item.price,
        rating: item.rating,
        reviewCount: item.reviewCount,
        hasProductUrl: item.url !== undefined,
        hasImage: item.imageUrl !== undefined,
      });
    }
    cursor = page.cursor;
  } while (cursor);
  return items;
}

/** Requests and time in flight per DynamoDB operation (after retries: each attempt counted). */
function profileRequests(
  client: Pick<DynamoDBDocumentClient, 'middlewareStack'>,
): Map<string, OperationProfile> {
  const profile = new Map<string, OperationProfile>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const before = profile.get(name) ?? { requests: 0, ms: 0 };
        profile.set(name, { requests: before.requests + 1, ms: before.ms + performance.now() - started });
      }
    },
    { step: 'finalizeRequest', name: 'benchRequestProfile', priority: 'low' },
  );
  return profile;
}
