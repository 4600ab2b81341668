/**
 * Loads one URL in a fresh page of a BrowserHost and reads it with an extractor, the way the
 * scraper will: only loopback requests go out, the page is read once its DOM is ready.
 */
import type { BrowserHost } from '../../shared/scraping/browser/index.ts';
import { extractPage, type Extractor, type PageExtraction } from '../../shared/scraping/extractors/index.ts';

export interface LoadedExtraction extends PageExtraction {
  readonly status: number | undefined;
}

export function extractAt(
  host: BrowserHost,
  url: string,
  extractor: Extractor,
  marketplace: string,
  pageNumber = 1,
): Promise<LoadedExtraction> {
  return host.withPage(
    { allowRequest: (requested) => requested.startsWith('http://127.0.0.1:') },
    async (page) => {
      const response = await page.goto(url, { waitUntil: 'domcontentloaded' });
      const extraction = await extractPage(page, extractor, { marketplace, pageNumber });
      return { ...extraction, status: response?.status() };
    },
  );
}
