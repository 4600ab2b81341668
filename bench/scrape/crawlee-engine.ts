/**
 * Crawlee's side: a PuppeteerCrawler on the same @sparticuz/chromium binary with Shelfwatch's
 * own launch flags, at the same fixed concurrency, reading the same listing pages (page 1 of
 * each, then its next link) and the same tile fields with `page.$$eval` on the selectors of
 * Shelfwatch's Amazon search extractor. Items go to Crawlee's default Dataset, in memory: Crawlee
 * writes nothing to a database.
 */
import chromium from '@sparticuz/chromium';
import { Configuration, log, LogLevel, PuppeteerCrawler } from '@crawlee/puppeteer';
import puppeteerCore, { type GoToOptions, type Page } from 'puppeteer-core';
import { chromiumFlags } from '../../shared/scraping/browser/index.ts';
import type { EngineResult, Reporter, ScrapeJob } from './job.ts';

/** What Shelfwatch's BrowserHost blocks by resource type (image, media, font), as URL patterns. */
const BLOCKED_PATTERNS = ['.jpg', '.jpeg', '.png', '.gif', '.webp', '.svg', '.ico', '.mp4', '.webm'];
const FONT_PATTERNS = ['.woff', '.woff2', '.ttf', '.otf'];

export async function scrapeWithCrawlee(job: ScrapeJob, reporter: Reporter): Promise<EngineResult> {
  log.setLevel(LogLevel.WARNING);
  const failures: string[] = [];
  let pages = 0;
  let items = 0;
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
        const tiles = await page.$$eval('[data-component-type="s-search-result"]', (elements) =>
          elements.map((tile) => {
            const text = (selector: string) =>
              tile.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim();
            return {
              asin: tile.getAttribute('data-asin') ?? undefined,
              title: text('h2 span'),
              url: tile.querySelector<HTMLAnchorElement>('a:has(> h2)')?.href,
              price: text('[data-cy="price-recipe"] .a-price:not(.a-text-price) .a-offscreen'),
              rating: text('i[class*="a-icon-star"] .a-icon-alt'),
              reviewCount:
                tile.querySelector('a[href*="customerReviews"]')?.getAttribute('aria-label') ?? undefined,
              image: tile.querySelector<HTMLImageElement>('img.s-image')?.src,
            };
          }),
        );
        await pushData(tiles);
        pages += 1;
        items += tiles.length;
        if (tiles.length > 0) reporter.firstItem();
        const pageNumber = Number(request.userData.pageNumber ?? 1);
        if (pageNumber < job.pagesPerListing) {
          await enqueueLinks({ selector: 'a.s-pagination-next', userData: { pageNumber: pageNumber + 1 } });
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
  return { doneAtMs: Date.now(), pages, items, failures };
}
