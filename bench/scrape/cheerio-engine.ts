/**
 * Crawlee's CheerioCrawler, the HTTP mode's peer: plain HTTP requests (Crawlee's got-scraping
 * client, with its generated browser headers and session pool) parsed by Cheerio, at the same
 * fixed concurrency, reading the same listing pages (page 1 of each, then its next link) and the
 * same tile fields (tile-selectors.ts), links resolved against the page as the browser resolves
 * them. Items go to Crawlee's default Dataset, in memory: Crawlee writes nothing to a database.
 */
import { CheerioCrawler, Configuration, log, LogLevel } from '@crawlee/cheerio';
import type { EngineResult, Reporter, ScrapeJob } from './job.ts';
import { type ComparableItem, comparableOfTile, type RawTile, readingsOf } from './readings.ts';
import { NEXT_PAGE_SELECTOR, TILE_FIELDS, TILE_SELECTOR } from './tile-selectors.ts';

const resolved = (value: string | undefined, base: string): string | undefined =>
  value === undefined ? undefined : (URL.parse(value, base)?.href ?? value);

export async function scrapeWithCheerio(job: ScrapeJob, reporter: Reporter): Promise<EngineResult> {
  log.setLevel(LogLevel.WARNING);
  const failures: string[] = [];
  const read: ComparableItem[] = [];
  let pages = 0;
  const crawler = new CheerioCrawler(
    {
      // The same number of requests in flight as Shelfwatch, from the start (no ramp-up).
      minConcurrency: job.concurrency,
      maxConcurrency: job.concurrency,
      async requestHandler({ $, request, enqueueLinks, pushData }) {
        const base = request.loadedUrl ?? request.url;
        const tiles: RawTile[] = $(TILE_SELECTOR)
          .toArray()
          .map((element) => {
            const tile = $(element);
            const text = (selector: string) =>
              tile.find(selector).first().text().replace(/\s+/g, ' ').trim() || undefined;
            return {
              asin: tile.attr('data-asin'),
              title: text(TILE_FIELDS.title),
              url: resolved(tile.find(TILE_FIELDS.url).first().attr('href'), base),
              price: text(TILE_FIELDS.price),
              rating: text(TILE_FIELDS.rating),
              reviewCount: tile.find(TILE_FIELDS.reviewCount).first().attr('aria-label'),
              image: resolved(tile.find(TILE_FIELDS.image).first().attr('src'), base),
            };
          });
        await pushData(tiles);
        pages += 1;
        read.push(...tiles.map(comparableOfTile));
        if (tiles.length > 0) reporter.firstItem();
        const pageNumber = Number((request.userData as { pageNumber?: number }).pageNumber ?? 1);
        if (pageNumber < job.pagesPerListing) {
          await enqueueLinks({ selector: NEXT_PAGE_SELECTOR, userData: { pageNumber: pageNumber + 1 } });
        }
      },
      failedRequestHandler({ request }, error) {
        failures.push(`${request.url}: ${error.message}`);
      },
    },
    new Configuration({ persistStorage: false }),
  );
  reporter.scrapeStart();
  await crawler.run(job.startUrls.map((url) => ({ url, userData: { pageNumber: 1 } })));
  return { doneAtMs: reporter.scrapeDone(), pages, items: read.length, failures, readings: readingsOf(read) };
}
