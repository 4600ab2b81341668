/**
 * Crawlee's PuppeteerCrawler, the browser mode's peer: the same @sparticuz/chromium binary with
 * Shelfwatch's own launch flags, at the same fixed concurrency, reading the same listing pages
 * (page 1 of each, then its next link) and the same tile fields with `page.$$eval`
 * (tile-selectors.ts). Items go to Crawlee's default Dataset, in memory: Crawlee writes nothing to
 * a database.
 */
import chromium from '@sparticuz/chromium';
import { Configuration, log, LogLevel, PuppeteerCrawler } from '@crawlee/puppeteer';
import puppeteerCore, { type GoToOptions, type Page } from 'puppeteer-core';
import { chromiumFlags } from '../../shared/scraping/browser/index.ts';
import type { EngineResult, Reporter, ScrapeJob } from './job.ts';
import { type ComparableItem, comparableOfTile, type RawTile, readingsOf } from './readings.ts';
import { NEXT_PAGE_SELECTOR, TILE_FIELDS, TILE_SELECTOR } from './tile-selectors.ts';

/** What Shelfwatch's BrowserHost blocks by resource type (image, media, font), as URL patterns. */
const BLOCKED_PATTERNS = ['.jpg', '.jpeg', '.png', '.gif', '.webp', '.svg', '.ico', '.mp4', '.webm'];
const FONT_PATTERNS = ['.woff', '.woff2', '.ttf', '.otf'];

export async function scrapeWithPuppeteer(job: ScrapeJob, reporter: Reporter): Promise<EngineResult> {
  log.setLevel(LogLevel.WARNING);
  const failures: string[] = [];
  const read: ComparableItem[] = [];
  let pages = 0;
  const crawler = new PuppeteerCrawler(
    {
      launchContext: {
        launcher: puppeteerCore,
        launchOptions: {
          executablePath: await chromium.executablePath(),
          args: chromiumFlags(),
          headless: 'shell',
        },
      },
      // The same number of pages in flight as Shelfwatch, from the start (no ramp-up).
      minConcurrency: job.concurrency,
      maxConcurrency: job.concurrency,
      preNavigationHooks: [
        async (context, gotoOptions) => {
          // Shelfwatch reads at DOMContentLoaded with images, media and fonts blocked: the same here.
          // (Typed through the uninstalled `puppeteer` package, as `{}`: puppeteer-core's type.)
          const navigation = gotoOptions as GoToOptions | undefined;
          if (navigation) navigation.waitUntil = 'domcontentloaded';
          await context.blockRequests({ urlPatterns: [...BLOCKED_PATTERNS, ...FONT_PATTERNS] });
        },
      ],
      async requestHandler({ page: crawleePage, request, enqueueLinks, pushData }) {
        // Crawlee types its page with the full `puppeteer` package, not installed here: the same
        // object, typed by puppeteer-core.
        const page = crawleePage as unknown as Page;
        const tiles: RawTile[] = await page.$$eval(
          TILE_SELECTOR,
          (elements, fields) =>
            elements.map((tile) => {
              const text = (selector: string) =>
                tile.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim();
              return {
                asin: tile.getAttribute('data-asin') ?? undefined,
                title: text(fields.title),
                url: tile.querySelector<HTMLAnchorElement>(fields.url)?.href,
                price: text(fields.price),
                rating: text(fields.rating),
                reviewCount: tile.querySelector(fields.reviewCount)?.getAttribute('aria-label') ?? undefined,
                image: tile.querySelector<HTMLImageElement>(fields.image)?.src,
              };
            }),
          TILE_FIELDS,
        );
        await pushData(tiles);
        pages += 1;
        read.push(...tiles.map(comparableOfTile));
        if (tiles.length > 0) reporter.firstItem();
        const pageNumber = Number(request.userData.pageNumber ?? 1);
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
