/**
 * The Amazon extractors in real Chromium on pages written for them: fixtures shaped like the
 * site's markup (test/fixtures/extractors/amazon, including layouts the extractors must NOT
 * read), and the demo shop, read through the same `pageUrl` → `extractPage` path the scraper uses.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type DemoShop,
  LISTING_PAGES,
  listingIds,
  PER_PAGE,
  productOf,
  startDemoShop,
} from '../../demo-shop/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import {
  completenessOf,
  type Extractor,
  extractPage,
  type PageExtraction,
} from '../../shared/scraping/extractors/index.ts';
import {
  bestsellersExtractor,
  categoryExtractor,
  productDetailsExtractor,
  searchResultExtractor,
} from '../../shared/scraping/extractors/amazon/index.ts';
import { serveStaticPages, type StaticPages } from '../helpers/static-pages.ts';
import type { Item } from '../../shared/results/index.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/extractors/amazon');

const withoutPosition = ({ position: _position, ...rest }: Item) => rest;

describe('Amazon extractors on fixture pages and the demo shop', () => {
  const host = new BrowserHost();
  let fixtures: StaticPages;
  let shop: DemoShop;

  before(async () => {
    fixtures = await serveStaticPages(FIXTURES);
    shop = await startDemoShop();
  });
  after(async () => {
    await host.close();
    await fixtures.stop();
    await shop.stop();
  });

  const read = (url: string, extractor: Extractor, marketplace: string, pageNumber = 1) =>
    host.withPage(
      { allowRequest: (requested) => requested.startsWith('http://127.0.0.1:') },
      async (page): Promise<PageExtraction> => {
        const response = await page.goto(url, { waitUntil: 'domcontentloaded' });
        assert.equal(response?.status(), 200, `${url} was not served`);
        return extractPage(page, extractor, { marketplace, pageNumber });
      },
    );
  const readFixture = (file: string, extractor: Extractor, marketplace = 'US') =>
    read(`${fixtures.base}/${file}`, extractor, marketplace);

  describe('fixture pages', () => {
    it('reads the buy-box price of a 2024 product page, not the carousel or list price before it', async () => {
      const result = await readFixture('product-2024.html', productDetailsExtractor);
      assert.equal(result.variant, 'dp-corePrice-2024');
      assert.equal(result.invalid, 0);
      assert.deepEqual(result.items.map(withoutPosition), [
        {
          id: 'B0FIXTURE1',
          title: 'Lumen Pro LED Desk Lamp with Wireless Charger, 5 Colour Modes',
          price: 44.99,
          currency: 'USD',
          listPrice: 59.99, // the struck-through "List Price: $59.99" (basisPrice) above the buy box
          brand: 'Lumen', // "Visit the Lumen Store" (#bylineInfo)
          rating: 4.4,
          reviewCount: 12408,
          availability: 'in_stock', // the script inside #availability is not read as text
          seller: 'Northwind Audio',
          imageUrl: 'https://m.media-amazon.com/images/I/61lumenproL._AC_SL1500_.jpg',
          url: 'https://www.amazon.com/Lumen-Pro-Wireless-Charger-Colour/dp/B0FIXTURE1',
        },
      ]);
      assert.equal(result.blocked, undefined, "the header's search box is not a captcha field");
    });

    it('reads nothing from a product page whose ids and classes were all renamed', async () => {
      const result = await readFixture('product-changed-layout.html', productDetailsExtractor);
      assert.equal(result.variant, undefined);
      assert.deepEqual(result.items, []);
      assert.equal(result.blocked, undefined);
    });

    it('reads a product without its price when only the buy box was renamed, never a carousel price', async () => {
      const result = await readFixture('product-renamed-price.html', productDetailsExtractor);
      assert.equal(result.variant, 'dp-no-featured-offer');
      assert.equal(result.items.length, 1);
      const [item] = result.items;
      assert.equal(item?.id, 'B0FIXTURE1');
      assert.equal(item?.price, undefined);
      assert.equal(item?.currency, undefined);
      assert.equal(item?.rating, 4.4);
      assert.equal(completenessOf(result.items, productDetailsExtractor.requiredFields), 0.5);
    });

    it('reads 2025 search tiles: sponsored links followed, list prices skipped, exact review counts, ASIN-less tiles invalid', async () => {
      const result = await readFixture('search-2025.html', searchResultExtractor);
      assert.equal(result.variant, 'search-s-search-result');
      assert.equal(result.invalid, 1);
      assert.equal(result.nextUrl, `${fixtures.base}/s?k=desk+lamp&page=2&qid=1764188661&ref=sr_pg_1`);
      assert.deepEqual(result.items, [
        {
          id: 'B0SPONS001',
          title: 'BrightDesk Architect Lamp, Metal Swing Arm',
          price: 27.99,
          currency: 'USD',
          rating: 4.2,
          reviewCount: 318,
          sponsored: true, // its "Sponsored" label (.puis-sponsored-label-text)
          imageUrl: 'https://m.media-amazon.com/images/I/71sponsorL._AC_UL320_.jpg',
          url: `${fixtures.base}/BrightDesk-Architect-Lamp/dp/B0SPONS001`,
          position: 1,
        },
        {
          id: 'B0ORGANIC2',
          title: 'Lumen Pro LED Desk Lamp with Wireless Charger',
          price: 44.99,
          currency: 'USD',
          listPrice: 59.99, // its struck-through "$59.99" (a-text-price, data-a-strike)
          rating: 4.6,
          reviewCount: 12408,
          imageUrl: 'https://m.media-amazon.com/images/I/61organicL._AC_UL320_.jpg',
          url: `${fixtures.base}/Lumen-Pro-Wireless-Charger-Colour/dp/B0ORGANIC2`,
          position: 2,
          organicPosition: 1, // the first tile without a Sponsored label
        },
        {
          // "No featured offers available": the used-offer "$18.50" below it is not its price.
          id: 'B0NOOFFER3',
          title: 'Clamp Lamp with Flexible Gooseneck',
          imageUrl: 'https://m.media-amazon.com/images/I/51nooffer3L._AC_UL320_.jpg',
          url: `${fixtures.base}/Clamp-Lamp-Flexible-Gooseneck/dp/B0NOOFFER3`,
          position: 3,
          organicPosition: 2,
        },
      ]);
      assert.equal(completenessOf(result.items, searchResultExtractor.requiredFields), 1);
    });

    it('reads a German category listing in its own number formats, and stops at a disabled next button', async () => {
      const result = await readFixture('category-de-2025.html', categoryExtractor, 'DE');
      assert.equal(result.variant, 'search-s-search-result');
      assert.equal(result.nextUrl, undefined);
      assert.deepEqual(
        result.items.map(({ id, price, currency, rating, reviewCount }) => ({
          id,
          price,
          currency,
          rating,
          reviewCount,
        })),
        [
          { id: 'B0DELAMP01', price: 1234.56, currency: 'EUR', rating: 4.5, reviewCount: 1234 },
          { id: 'B0DELAMP02', price: 19.99, currency: 'EUR', rating: 3.9, reviewCount: 87 },
        ],
      );
    });

    it('reads the Best Sellers grid: ranks from the badges, no price for an unavailable item, the next page', async () => {
      const result = await readFixture('bestsellers-grid-2024.html', bestsellersExtractor);
      assert.equal(result.variant, 'zgbs-grid-2022');
      assert.match(result.nextUrl ?? '', /\/gp\/bestsellers\/office-products\/1069828\/.*[?&]pg=2$/);
      assert.deepEqual(
        result.items.map(({ id, rank, price, rating, reviewCount, title }) => ({
          id,
          rank,
          price,
          rating,
          reviewCount,
          title,
        })),
        [
          {
            id: 'B0ZGBS0001',
            rank: 1,
            price: 44.99,
            rating: 4.6,
            reviewCount: 12408,
            title: 'Lumen Pro LED Desk Lamp with Wireless Charger',
          },
          {
            id: 'B0ZGBS0002',
            rank: 2,
            price: undefined,
            rating: 4.1,
            reviewCount: 1087,
            title: 'Clamp Lamp with Flexible Gooseneck',
          },
          {
            id: 'B0ZGBS0003',
            rank: 3,
            price: 1049,
            rating: undefined,
            reviewCount: undefined,
            title: 'Banker Lamp, Green Glass Shade',
          },
        ],
      );
      assert.equal(completenessOf(result.items, bestsellersExtractor.requiredFields), 1);
    });
  });

  describe('the demo shop', () => {
    const target = (value: string, tld = 'com', marketplace = 'US') => ({
      value,
      marketplace,
      origin: `${shop.url}/amazon/${tld}`,
    });

    const expectedItem = (asin: string) => {
      const product = productOf('amazon', asin);
      return {
        id: asin,
        title: product.title,
        price: product.priceMinor / 100,
        currency: 'USD',
        rating: product.rating,
        reviewCount: product.reviews,
      };
    };

    it('reads a product page with every required field, from an ASIN or from its URL', async () => {
      const asin = 'B0CHX1W1XY';
      const url = productDetailsExtractor.pageUrl(target(asin), 1);
      assert.equal(url, `${shop.url}/amazon/com/dp/${asin}`);
      assert.equal(productDetailsExtractor.pageUrl(target(url), 1), url);
      const result = await read(url, productDetailsExtractor, 'US');
      assert.equal(result.variant, 'dp-corePrice-2024');
      const product = productOf('amazon', asin);
      assert.deepEqual(result.items, [
        {
          ...expectedItem(asin),
          availability: product.available ? 'in_stock' : 'out_of_stock',
          seller: product.seller,
          // The demo shop's byline is "Visit the <seller> Store".
          brand: product.seller,
          imageUrl: `${shop.url}/images/${asin}.jpg`,
          url,
          position: 1,
        },
      ]);
      assert.equal(completenessOf(result.items, productDetailsExtractor.requiredFields), 1);
    });

    it("recognizes the demo shop's captcha fault as a captcha", async () => {
      const url = productDetailsExtractor.pageUrl(target('B0CHX1W1XY'), 1);
      const result = await read(`${url}?fault=captcha`, productDetailsExtractor, 'US');
      assert.equal(result.blocked, 'captcha');
      assert.deepEqual(result.items, []);
    });

    const listingCases = [
      { extractor: searchResultExtractor, value: 'kettle', listing: 'search:kettle' },
      { extractor: categoryExtractor, value: '172282', listing: 'category:172282' },
      { extractor: bestsellersExtractor, value: 'kitchen', listing: 'bestsellers:kitchen' },
    ] as const;

    for (const { extractor, value, listing } of listingCases) {
      it(`reads ${extractor.crawlType} pages completely, and its next link is page 2's URL`, async () => {
        const first = await read(extractor.pageUrl(target(value), 1), extractor, 'US');
        assert.ok(first.variant, 'a known layout');
        assert.equal(first.invalid, 0);
        assert.equal(completenessOf(first.items, extractor.requiredFields), 1);
        const ids = listingIds('amazon', listing, 1, PER_PAGE);
        assert.deepEqual(
          first.items.map(({ id, title, price, currency, rating, reviewCount }) => ({
            id,
            title,
            price,
            currency,
            rating,
            reviewCount,
          })),
          ids.map(expectedItem),
        );
        assert.deepEqual(
          first.items.map((item) => item.url),
          ids.map((asin) => `${shop.url}/amazon/com/dp/${asin}`),
        );
        if (extractor === bestsellersExtractor) {
          assert.deepEqual(
            first.items.map((item) => item.rank),
            ids.map((_, index) => index + 1),
          );
        }

        const secondUrl = extractor.pageUrl(target(value), 2);
        assert.equal(first.nextUrl, secondUrl);
        const second = await read(secondUrl, extractor, 'US', 2);
        assert.deepEqual(
          second.items.map((item) => item.id),
          listingIds('amazon', listing, 2, PER_PAGE),
        );
        if (extractor === bestsellersExtractor) assert.equal(second.items[0]?.rank, PER_PAGE + 1);
      });
    }

    it('finds no next page on the last page of a listing', async () => {
      const result = await read(
        searchResultExtractor.pageUrl(target('kettle', 'de', 'DE'), LISTING_PAGES),
        searchResultExtractor,
        'DE',
        LISTING_PAGES,
      );
      assert.equal(result.items.length, PER_PAGE);
      assert.equal(result.nextUrl, undefined);
    });
  });
});
