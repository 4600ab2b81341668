import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  extractHtml,
  findExtractor,
  InvalidTargetError,
  ozonCategory,
  ozonProductDetails,
  ozonSearchResult,
  type RawPage,
} from '../../shared/scraping/extractors/index.ts';

const RU = { marketplace: 'RU', origin: 'https://www.ozon.ru' };
const DEMO = { marketplace: 'RU', origin: 'http://127.0.0.1:4000/ozon' };
const context = { marketplace: 'RU', pageNumber: 1 };
const raw = (page: Partial<RawPage>): RawPage => ({
  url: 'https://www.ozon.ru/search/?text=x',
  title: 'x',
  records: [],
  captures: {},
  ...page,
});

describe('Ozon extractors without a browser', () => {
  it('are registered under the ozon platform', () => {
    assert.equal(findExtractor('ozon', 'product_details'), ozonProductDetails);
    assert.equal(findExtractor('ozon', 'category'), ozonCategory);
    assert.equal(findExtractor('ozon', 'search_result'), ozonSearchResult);
  });

  it('knows the Ozon storefronts and refuses other marketplaces', () => {
    assert.equal(ozonProductDetails.originOf('RU'), 'https://www.ozon.ru');
    assert.equal(ozonProductDetails.originOf('kz'), 'https://ozon.kz');
    assert.equal(ozonCategory.originOf('BY'), 'https://ozon.by');
    assert.throws(() => ozonSearchResult.originOf('DE'), InvalidTargetError);
  });

  it('builds product URLs from a SKU or any Ozon product URL, on the target origin', () => {
    assert.equal(
      ozonProductDetails.pageUrl({ ...RU, value: '1648654068' }, 1),
      'https://www.ozon.ru/product/1648654068/',
    );
    assert.equal(
      ozonProductDetails.pageUrl(
        { ...DEMO, value: 'https://www.ozon.ru/product/odeyalo-ikea-150x200-sm-1648654068/?at=abc' },
        1,
      ),
      'http://127.0.0.1:4000/ozon/product/1648654068/',
    );
    assert.equal(
      ozonProductDetails.pageUrl({ ...DEMO, value: 'http://127.0.0.1:4000/ozon/product/item-123456/' }, 1),
      'http://127.0.0.1:4000/ozon/product/123456/',
    );
    assert.throws(() => ozonProductDetails.pageUrl({ ...RU, value: '1648654068' }, 2), RangeError);
  });

  it('refuses product targets that are not a SKU or an Ozon product URL', () => {
    for (const value of [
      '',
      'kettle',
      'B0CHX1W1XY',
      'https://www.amazon.de/dp/B0CHX1W1XY',
      'https://www.ozon.ru/category/x-1/',
      'http://[bad',
    ]) {
      assert.throws(() => ozonProductDetails.pageUrl({ ...RU, value }, 1), InvalidTargetError, value);
    }
  });

  it('builds category URLs with ?page=N from a slug, a path or a URL', () => {
    assert.equal(
      ozonCategory.pageUrl({ ...RU, value: 'kartiny-7000' }, 1),
      'https://www.ozon.ru/category/kartiny-7000/',
    );
    assert.equal(
      ozonCategory.pageUrl({ ...RU, value: '/category/moloko-9283/' }, 3),
      'https://www.ozon.ru/category/moloko-9283/?page=3',
    );
    assert.equal(
      ozonCategory.pageUrl({ ...DEMO, value: 'https://www.ozon.ru/category/moloko-9283/?page=7' }, 2),
      'http://127.0.0.1:4000/ozon/category/moloko-9283/?page=2',
    );
    assert.throws(() => ozonCategory.pageUrl({ ...RU, value: 'молоко и сыр' }, 1), InvalidTargetError);
    assert.throws(
      () => ozonCategory.pageUrl({ ...RU, value: 'https://example.com/category/x/' }, 1),
      InvalidTargetError,
    );
  });

  it('builds search URLs with text and page, and any keyword round-trips through the URL', () => {
    assert.equal(
      ozonSearchResult.pageUrl({ ...RU, value: 'мыльная бабочка' }, 2),
      'https://www.ozon.ru/search/?text=%D0%BC%D1%8B%D0%BB%D1%8C%D0%BD%D0%B0%D1%8F+%D0%B1%D0%B0%D0%B1%D0%BE%D1%87%D0%BA%D0%B0&page=2',
    );
    assert.equal(
      ozonSearchResult.pageUrl({ ...DEMO, value: 'https://www.ozon.ru/search/?text=чайник&page=4' }, 1),
      'http://127.0.0.1:4000/ozon/search/?text=%D1%87%D0%B0%D0%B9%D0%BD%D0%B8%D0%BA',
    );
    assert.throws(() => ozonSearchResult.pageUrl({ ...RU, value: '   ' }, 1), InvalidTargetError);
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 200 })
          .filter((s) => s.trim().length > 0 && !/^(https?:)?\/\//i.test(s.trim())),
        (keyword) => {
          const url = new URL(ozonSearchResult.pageUrl({ ...RU, value: keyword }, 5));
          assert.equal(url.searchParams.get('text'), keyword.trim());
          assert.equal(url.searchParams.get('page'), '5');
        },
      ),
    );
  });

  it('parses tile records: ids from the product link, tracking queries dropped, records without an id invalid', () => {
    const extraction = ozonCategory.parse(
      raw({
        variant: 'tiles-dom',
        records: [
          {
            url: 'https://www.ozon.ru/product/chaynik-111111111/?at=x',
            title: 'Чайник',
            priceText: '1 490 ₽',
            ratingText: '4.8',
            reviewsText: '2 345 отзывов',
            availabilityText: '3 шт осталось',
          },
          { title: 'Баннер', priceText: '10 ₽' },
          {
            url: 'https://www.ozon.ru/product/222/',
            ratingPercent: '96.61345777777778',
            priceText: 'цена по запросу',
          },
        ],
        nextUrl: 'https://www.ozon.ru/category/x/?page=2',
      }),
      context,
    );
    assert.equal(extraction.variant, 'tiles-dom');
    assert.equal(extraction.invalid, 1);
    assert.deepEqual(extraction.items, [
      {
        id: '111111111',
        position: 1,
        title: 'Чайник',
        price: 1490,
        currency: 'RUB',
        rating: 4.8,
        reviewCount: 2345,
        availability: 'limited',
        url: 'https://www.ozon.ru/product/chaynik-111111111/',
        organicPosition: 1,
      },
      { id: '222', position: 3, rating: 4.8, url: 'https://www.ozon.ru/product/222/', organicPosition: 2 },
    ]);
    assert.equal(extraction.nextUrl, 'https://www.ozon.ru/category/x/?page=2');
  });

  it('parses the state JSON in both known shapes, and gives no variant for JSON that is not a listing', () => {
    const state = JSON.stringify({
      items: [
        {
          skuId: '1',
          action: { link: '/product/a-1/?advert=AbC&avtc=1' },
          mainState: [
            {
              type: 'atom',
              atom: {
                type: 'textAtom',
                textAtom: { text: 'A &#34;B&#34;', testInfo: { automatizationId: 'tile-name' } },
              },
            },
          ],
        },
        {
          sku: 2,
          action: { link: '/product/b-2/' },
          mainState: [
            {
              type: 'priceV2',
              priceV2: {
                price: [
                  { text: '5 000 ₽', textStyle: 'ORIGINAL_PRICE' },
                  { text: '1 139 ₽', textStyle: 'PRICE' },
                ],
              },
            },
          ],
        },
      ],
    });
    const extraction = ozonSearchResult.parse(
      raw({ variant: 'searchResultsV2-state', records: [{ state }] }),
      context,
    );
    assert.deepEqual(extraction.items, [
      // A link through Ozon's ad token is a promoted tile.
      { id: '1', position: 1, title: 'A "B"', url: 'https://www.ozon.ru/product/a-1/', sponsored: true },
      {
        id: '2',
        position: 2,
        price: 1139,
        currency: 'RUB',
        listPrice: 5000, // ORIGINAL_PRICE
        url: 'https://www.ozon.ru/product/b-2/',
        organicPosition: 1,
      },
    ]);
    for (const broken of ['{"items":', '{"widgets":[]}', 'null']) {
      const result = ozonSearchResult.parse(
        raw({ variant: 'searchResultsV2-state', records: [{ state: broken }] }),
        context,
      );
      assert.equal(result.variant, undefined, broken);
      assert.deepEqual(result.items, []);
    }
  });

  it('never throws on arbitrary state JSON and gives only items with digit ids', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.array(fc.jsonValue()).map((items) => JSON.stringify({ items })),
        ),
        (state) => {
          const result = ozonSearchResult.parse(
            raw({ variant: 'searchResultsV2-state', records: [{ state }] }),
            context,
          );
          assert.ok(result.items.every((item) => /^\d+$/.test(item.id)));
        },
      ),
    );
  });

  it('reads a product: state price over the DOM, score text split at the bullet', () => {
    const extraction = ozonProductDetails.parse(
      raw({
        url: 'https://www.ozon.ru/product/odeyalo-1648654068/?__rr=1',
        variant: 'pdp-dom',
        records: [
          {
            title: 'Одеяло',
            priceText: '4 016 ₽ c Ozon Картой 4 292 ₽ 7 690 ₽ без Ozon Карты',
            scoreText: '4.9 • 19 отзывов',
            availabilityText: 'Добавить в корзину',
          },
        ],
        captures: { priceState: '{"isAvailable":true,"cardPrice":"4 016 ₽","price":"4 292 ₽"}' },
      }),
      context,
    );
    assert.deepEqual(extraction.items, [
      {
        id: '1648654068',
        position: 1,
        title: 'Одеяло',
        price: 4292,
        currency: 'RUB',
        rating: 4.9,
        reviewCount: 19,
        availability: 'in_stock',
        url: 'https://www.ozon.ru/product/odeyalo-1648654068/',
      },
    ]);
  });

  it('leaves an ambiguous DOM price out rather than guess, and reads "Нет отзывов" as no score', () => {
    const extraction = ozonProductDetails.parse(
      raw({
        url: 'https://www.ozon.ru/product/x-123456/',
        variant: 'pdp-dom',
        records: [
          {
            title: 'X',
            priceText: '4 016 ₽ c Ozon Картой 4 292 ₽',
            scoreText: 'Нет отзывов',
            availabilityText: 'Этот товар закончился',
          },
        ],
      }),
      context,
    );
    assert.deepEqual(extraction.items, [
      {
        id: '123456',
        position: 1,
        title: 'X',
        availability: 'out_of_stock',
        url: 'https://www.ozon.ru/product/x-123456/',
      },
    ]);
  });

  it('reads the 2024 product page: the large gallery image past the thumbnail strip, the seller of the sticky bar', () => {
    // Shaped like ozon.ru's 2024 gallery: a strip of 50 px thumbnails before the main image, and
    // no webCurrentSeller (the seller is only a /seller/<id>/ link in webStickyProducts).
    const page = (gallery: string) => `<!doctype html><html><body>
      <div data-widget="webProductHeading"><h1>Одеяло</h1></div>
      <button data-widget="webDetailSKU">Артикул: 1648654068</button>
      <div data-widget="webGallery">${gallery}</div>
      <div data-widget="webStickyProducts">
        <a href="/seller/1436395/"><img src="https://cdn1.ozone.ru/logo.png"></a>
        <a href="/seller/1436395/">Ловец снов</a>
        <img src="https://ir-2.ozone.ru/s3/multimedia-1-9/c50/7102150425.jpg">
      </div></body></html>`;
    const read = (gallery: string) =>
      extractHtml(page(gallery), 'https://www.ozon.ru/product/x-1648654068/', ozonProductDetails, context)
        .items[0];
    const strip =
      '<div><img src="https://ir-2.ozone.ru/s3/multimedia-1-9/wc50/7102150425.jpg"><img src="https://ir-2.ozone.ru/s3/multimedia-1-2/wc50/7102150426.jpg"></div>';
    const main = 'https://ir-2.ozone.ru/s3/multimedia-1-9/c1000/7102150425.jpg';
    assert.equal(read(`${strip}<img fetchpriority="high" src="${main}">`)?.imageUrl, main);
    assert.equal(
      read(`${strip}<img src="${main}">`)?.imageUrl,
      main,
      'without priority hints: the first non-thumbnail',
    );
    assert.equal(read(strip)?.imageUrl, undefined, 'thumbnails only: no main image rather than a 50 px one');
    assert.equal(read(strip)?.seller, 'Ловец снов');
  });

  it('passes a block through with no items, and a page with no variant yields nothing', () => {
    assert.deepEqual(ozonSearchResult.parse(raw({ blocked: 'robot-check' }), context), {
      blocked: 'robot-check',
      items: [],
      invalid: 0,
    });
    assert.deepEqual(ozonProductDetails.parse(raw({ records: [] }), context), { items: [], invalid: 0 });
  });
});
