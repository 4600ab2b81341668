/**
 * npm run bench:scrape [-- --listings 40 --pages 5 --concurrency 4 --rounds 2]
 *
 * Shelfwatch's scraper in each fetch mode against the Crawlee crawler of the same kind, side by
 * side in one run: the HTTP mode against CheerioCrawler and PuppeteerCrawler, the browser mode
 * against PuppeteerCrawler. All four read the same demo-shop listing pages (listings × pages, 20
 * items a page) at the same concurrency, each in its own child process (bench/scrape-worker.ts),
 * one after the other, the order rotating over rounds. Prints, for each: pages per minute of the
 * scraping phase, peak RSS of its process tree (Node + Chromium), cold start (process spawn →
 * first item stored); checks that all of them read the same items and fields; then the ratios against
 * the targets, and the estimated Lambda cost per 1,000 pages of each Shelfwatch mode.
 * Beside them, the DynamoDB floor (engine `dynamodb-floor`): the same pages' snapshots saved, one
 * BatchWriteItem a page and nothing else, timed alone — the ceiling this DynamoDB Local sets for
 * any HTTP mode that keeps its items (bench/scrape/floor-engine.ts).
 * Absolute figures depend on the machine; ratios measured in one run are what to compare.
 * What is measured and why it is fair: docs/benchmarks.md.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { LISTING_PAGES, startDemoShop } from '../demo-shop/index.ts';
import { startLocalInfrastructure } from '../local/infrastructure.ts';
import { resourceEnvironment } from '../shared/aws/index.ts';
import { createStores } from '../shared/stores/index.ts';
import { requireExtractor } from '../shared/scraping/extractors/index.ts';
import { createHttpRunScraper, readScraperConfig } from '../shared/scraping/http-run-scraper.ts';
import type { FetchModeSetting } from '../shared/definitions/index.ts';
import { ENGINES, type Engine, needsStage, type ScrapeJob } from './scrape/job.ts';
import { processCpuMs } from './process-cpu.ts';
import { type EngineMeasurement, measureEngine } from './scrape/measure-engine.ts';
import {
  printFairnessNotes,
  printLambdaCost,
  printMeasurement,
  printReadings,
  printSummary,
  type Round,
} from './scrape/report.ts';

const { values } = parseArgs({
  options: {
    listings: { type: 'string', default: '20' },
    engines: { type: 'string', default: ENGINES.join(',') },
    pages: { type: 'string', default: String(LISTING_PAGES) },
    concurrency: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
  },
});
const positive = (name: keyof typeof values, max = Number.MAX_SAFE_INTEGER): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`--${name} must be a whole number from 1 to ${max}, not ${values[name]}`);
  }
  return value;
};
const listings = positive('listings');
const pagesPerListing = positive('pages', LISTING_PAGES);
const concurrency = positive('concurrency');
const rounds = positive('rounds');
// A subset (e.g. `--engines shelfwatch-http` under `--cpu-prof`) prints only the ratios it has.
const engines = (values.engines ?? '').split(',').map((name) => {
  const engine = ENGINES.find((known) => known === name.trim());
  if (!engine)
    throw new Error(`--engines takes a comma-separated list of ${ENGINES.join(', ')}, not ${name}`);
  return engine;
});
/** The untimed hour that warms a Shelfwatch stage's emulator, then the timed hour. */
const WARM_UP_SLOT = '2026-11-23T18:00Z';
const SLOT = '2026-11-23T19:00Z';
const expectedPages = listings * pagesPerListing;

const shop = await startDemoShop();
const origin = `${shop.url}/amazon/com`;
const extractor = requireExtractor('amazon', 'search_result');
const keywords = Array.from({ length: listings }, (_, index) => `bench listing ${index + 1}`);
const startUrls = keywords.map((value) => extractor.pageUrl({ value, marketplace: 'US', origin }, 1));

/** The scraper environment of a stage (what its Lambda would see, with the bench's shop allowed). */
const scraperEnvironment = (stage: Readonly<Record<string, string>>): NodeJS.ProcessEnv => ({
  ...process.env,
  ...stage,
  // A generous budget: the benchmark measures scraping, not politeness.
  SHELFWATCH_SCRAPER_DOMAIN_RATE_PER_SECOND: '1000',
  SHELFWATCH_SCRAPER_DOMAIN_BURST: '1000',
  SHELFWATCH_SITE_ORIGINS: JSON.stringify({ 'https://www.amazon.com': origin }),
  SHELFWATCH_SCRAPE_ALLOW_HOSTS: `127.0.0.1:${shop.port}`,
});

/**
 * A stage for one Shelfwatch measurement, in emulators of its own, with one new run per listing
 * (its definition's `fetchMode` the engine's) for the timed hour, and the environment a scraper
 * Lambda of it sees.
 *
 * Why its own emulators, and the untimed hour before: DynamoDB Local gets slower for every stage
 * left behind with thousands of stream records, even once its tables are deleted (25-item
 * BatchWriteItem, measured 2026-12-07: ~10 ms of its CPU, 90–290 ms once 1 to 4 tables no longer
 * written held 7,500 stream records each), so stages sharing one emulator made every Shelfwatch
 * measurement slower than the one before (374, 176, 90, 65 pages/min over four rounds); and its
 * JIT compiler is cold when it starts (its first ~400 writes cost it 2–4× the CPU of later ones).
 * So the same listings are first scraped here, untimed, for the hour before, at shop version 0;
 * the timed hour reads version 1 (about 1 product in 8 repriced or restocked, listings
 * reordered), as every engine does: the hour measured is a watched shelf's second, with its
 * changes recorded against the first, not a fresh stage where every item is first seen.
 */
async function shelfwatchSetup(
  fetchMode: FetchModeSetting,
): Promise<{ job: ScrapeJob; env: NodeJS.ProcessEnv; dynamoDbPid: number; stop: () => Promise<void> }> {
  const local = await startLocalInfrastructure({ stage: `b${randomUUID().slice(0, 8)}` });
  try {
    const env = scraperEnvironment(local.environment);
    const resources = resourceEnvironment(local.environment);
    const stores = createStores(resources, local.clients);
    const runsOf = (slot: string, mode: FetchModeSetting) =>
      Promise.all(
        keywords.map(async (target, index) => {
          const run = stores.runs.newRun(
            {
              definition: {
                id: `bench-${index + 1}`,
                platform: 'amazon',
                marketplace: 'US',
                crawlType: 'search_result',
                target,
                params: { maxPages: pagesPerListing, maxItems: 1_000 },
                priority: 'normal',
                maxAttempts: 3,
                fetchMode: mode,
              },
              slot,
            },
            Date.now(),
          );
          await stores.runs.create(run);
          return { v: 1 as const, runId: run.runId, definitionId: run.definitionId, slot, attempt: 0 };
        }),
      );
    shop.setVersion(0);
    const { scraper } = createHttpRunScraper(stores, resources, local.clients, readScraperConfig(env));
    const warmUp = await runsOf(WARM_UP_SLOT, 'http');
    await Promise.all(
      Array.from({ length: concurrency }, async (_, lane) => {
        for (let message = warmUp.shift(); message; message = warmUp.shift()) {
          const outcome = await scraper.scrape(message, {
            owner: `warm-up-${lane}`,
            remainingMs: () => 900_000,
          });
          if (outcome.kind !== 'succeeded') throw new Error(`warm-up run ${message.runId}: ${outcome.kind}`);
        }
      }),
    );
    shop.setVersion(1);
    const messages = await runsOf(SLOT, fetchMode);
    return {
      job: { startUrls, pagesPerListing, concurrency, runs: messages },
      env,
      dynamoDbPid: local.dynamoDbPid,
      stop: () => local.stop(),
    };
  } catch (error) {
    await local.stop();
    throw error;
  }
}

async function measure(engine: Engine): Promise<EngineMeasurement & { shopPages: number }> {
  const { job, env, dynamoDbPid, stop } = needsStage(engine)
    ? await shelfwatchSetup(engine === 'shelfwatch-browser' ? 'browser' : 'http')
    : {
        job: { startUrls, pagesPerListing, concurrency, runs: [] },
        env: process.env,
        dynamoDbPid: undefined,
        stop: async () => {},
      };
  try {
    shop.setVersion(1);
    shop.requests.length = 0;
    const measured = await measureEngine(
      engine,
      job,
      env,
      dynamoDbPid === undefined ? undefined : () => processCpuMs(dynamoDbPid),
    );
    const shopPages = shop.requests.filter((request) => request.startsWith('/amazon/com/s?')).length;
    return { ...measured, shopPages };
  } finally {
    await stop();
  }
}

let valid = true;
try {
  console.log(
    `Scrape benchmark: ${listings} listings × ${pagesPerListing} pages = ${expectedPages} pages ` +
      `(${expectedPages * 20} items), concurrency ${concurrency}, ${rounds} round(s), engines ${engines.join(', ')}`,
  );
  const results: Round[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    // Each round starts one engine later, so that no engine always runs first (or after the same one).
    const order = engines.map((_, index) => engines[(index + round - 1) % engines.length] as Engine);
    const byEngine: Partial<Record<Engine, EngineMeasurement>> = {};
    for (const engine of order) {
      const measured = await measure(engine);
      printMeasurement(round, measured, measured.shopPages, concurrency);
      if (
        measured.pages !== expectedPages ||
        measured.shopPages !== expectedPages ||
        measured.failures.length > 0
      ) {
        valid = false;
        console.log(
          `  ✗ ${engine} read ${measured.pages} of ${expectedPages} pages (the shop served ${measured.shopPages}); ` +
            `failures: ${measured.failures.slice(0, 5).join(' | ')}`,
        );
      }
      byEngine[engine] = measured;
    }
    const measuredAll = engines.map((engine) => byEngine[engine]).filter((m) => m !== undefined);
    if (!printReadings(round, measuredAll)) valid = false;
    results.push(byEngine);
  }
  printSummary(results, engines);
  printLambdaCost(results, listings);
  printFairnessNotes();
  if (!valid) {
    console.log(
      'INVALID: an engine did not read every page, or not the same items; the figures above do not compare.',
    );
    process.exitCode = 1;
  }
} finally {
  await shop.stop();
}
