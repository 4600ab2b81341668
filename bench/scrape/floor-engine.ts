/**
 * The DynamoDB floor: not a scraper, the least DynamoDB work any design that keeps each item it
 * reads must do, timed alone. Before the timed phase, this process fetches every page of the job
 * and turns it into the snapshots Shelfwatch would save (the same extractor, `progressOf`, the
 * same records). Timed: N lanes, each taking the next run and saving its pages' snapshots in
 * order, one `ItemStore.save` (one BatchWriteItem of the page's 20 items) a page, and nothing else
 * — no lease, no checkpoint, no budget, no change detection, no fetching, no parsing.
 *
 * Its pages per minute are the most that any HTTP mode saving its items in this DynamoDB Local
 * could reach on this machine at this concurrency: what Shelfwatch's HTTP mode is measured against
 * besides CheerioCrawler (which saves nothing), so that a target above it reads as what it is.
 */
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import { createStores } from '../../shared/stores/index.ts';
import type { ItemSnapshot } from '../../shared/results/index.ts';
import type { Checkpoint, Run } from '../../shared/runs/index.ts';
import { extractHtml, requireExtractor } from '../../shared/scraping/extractors/index.ts';
import { progressOf } from '../../shared/scraping/read-run-page.ts';
import type { EngineResult, Reporter, ScrapeJob } from './job.ts';
import { savedItemsOf } from './shelfwatch-engine.ts';
import { readingsOf } from './readings.ts';

export async function saveLikeTheFloor(job: ScrapeJob, reporter: Reporter): Promise<EngineResult> {
  const clients = createAwsClients();
  const resources = resourceEnvironment();
  const stores = createStores(resources, clients);
  const { itemRetentionDays } = resources;
  const origins = JSON.parse(process.env.SHELFWATCH_SITE_ORIGINS ?? '{}') as Record<string, string>;
  const failures: string[] = [];

  // Untimed: every page read and turned into its snapshots, a run's pages in order.
  const runs: { run: Run; pages: (readonly ItemSnapshot[])[] }[] = [];
  for (const message of job.runs) {
    const run = await stores.runs.require(message.runId);
    const extractor = requireExtractor(run.platform, run.crawlType);
    const site = extractor.originOf(run.marketplace);
    const origin = origins[site] ?? site;
    const target = { value: run.target, marketplace: run.marketplace, origin };
    let checkpoint: Checkpoint = { page: 0, itemsSoFar: 0 };
    let counts = run.counts;
    const pages: (readonly ItemSnapshot[])[] = [];
    for (let pageNumber = 1; pageNumber <= job.pagesPerListing; pageNumber += 1) {
      const url = checkpoint.nextUrl ?? extractor.pageUrl(target, pageNumber);
      const response = await fetch(url);
      if (!response.ok) failures.push(`${url}: HTTP ${response.status}`);
      const extraction = extractHtml(await response.text(), url, extractor, {
        marketplace: run.marketplace,
        pageNumber,
      });
      const progress = progressOf(
        {
          run,
          extractor,
          pageNumber,
          checkpoint,
          counts,
          itemRetentionDays,
          capturedBy: 'bench-floor',
          capturedAtMs: Date.now(),
        },
        extraction,
      );
      pages.push(progress.snapshots);
      checkpoint = progress.checkpoint;
      counts = progress.counts;
    }
    runs.push({ run, pages });
  }

  // Timed: the saves alone.
  const waiting = [...runs];
  let pages = 0;
  let items = 0;
  reporter.scrapeStart();
  const lane = async () => {
    for (let next = waiting.shift(); next; next = waiting.shift()) {
      for (const snapshots of next.pages) {
        const saved = await stores.items.save(snapshots);
        items += saved; // not `items += await …`: that reads `items` before the await, losing other lanes' adds
        pages += 1;
        if (snapshots.length > 0) reporter.firstItem();
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, () => lane()));
  const doneAtMs = reporter.scrapeDone();

  const saved = (await Promise.all(runs.map(({ run }) => savedItemsOf(stores.items, run.runId)))).flat();
  clients.destroy();
  return { doneAtMs, pages, items, failures, readings: readingsOf(saved) };
}
