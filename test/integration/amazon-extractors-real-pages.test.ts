/**
 * The Amazon extractors on real saved pages (../shared/fixtures/real-pages, see SOURCES.md), in
 * real Chromium, served from loopback; no request leaves the machine. Every expected value was
 * read off the saved HTML by hand: the values a person sees on that page, or their absence.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import {
  completenessOf,
  type Extractor,
  extractPage,
  type PageExtraction,
} from '../../shared/scraping/extractors/index.ts';
import {
  AMAZON_EXTRACTORS,
  bestsellersExtractor,
  productDetailsExtractor,
  searchResultExtractor,
} from '../../shared/scraping/extractors/amazon/index.ts';
import { REAL_PAGES, serveStaticPages, type StaticPages } from '../helpers/static-pages.ts';
import type { Item } from '../../shared/results/index.ts';

type Expected = Partial<Item>;

/** Asserts each named value, and that each field named with `undefined` is absent. */
function assertItem(item: Item | undefined, expected: Expected, label: string): void {
  assert.ok(item, `${label}: no item`);
  for (const [field, value] of Object.entries(expected)) {
    assert.deepEqual(item[field as keyof Item], value, `${label}: ${field}`);
  }
}

describe('Amazon extractors on real saved pages', () => {
  const host = new BrowserHost();
  let pages: StaticPages;

  before(async () => {
    assert.ok(
      existsSync(path.join(REAL_PAGES, 'SOURCES.md')),
      `real saved pages not found at ${REAL_PAGES}: the shared/ folder must sit beside the repository`,
    );
    pages = await serveStaticPages(REAL_PAGES);
  });
  after(async () => {
    await host.close();
    await pages.stop();
  });

  /** Loads the page once and reads it with each extractor, as the scraper would. */
  const read = (file: string, marketplace: string, extractors: readonly Extractor[]) =>
    host.withPage(
      { allowRequest: (url) => url.startsWith('http://127.0.0.1:') },
      async (page): Promise<PageExtraction[]> => {
        const response = await page.goto(`${pages.base}/${file}`, { waitUntil: 'domcontentloaded' });
        assert.equal(response?.status(), 200, `${file} was not served`);
        const results: PageExtraction[] = [];
        for (const extractor of extractors) {
          results.push(await extractPage(page, extractor, { marketplace, pageNumber: 1 }));
        }
        return results;
      },
    );

  const readProduct = async (file: string, marketplace: string) => {
    const [result] = await read(file, marketplace, [productDetailsExtractor]);
    assert.ok(result);
    assert.equal(result.blocked, undefined, `${file} is not a block page`);
    assert.equal(result.invalid, 0, file);
    assert.equal(result.items.length, 1, file);
    return { result, item: result.items[0] };
  };

  it('reads the 2017 amazon.com product page from its priceblock', async () => {
    const { result, item } = await readProduct('amazon-com-dp-1.html', 'US');
    assert.equal(result.variant, 'dp-priceblock-2017');
    assertItem(
      item,
      {
        id: 'B0057OC5O8',
        title: 'SainSmart 4-Channel Relay Module',
        price: 8.99,
        currency: 'USD',
        rating: 4.3,
        reviewCount: 194,
        availability: 'in_stock',
        seller: 'Amazon.com',
        url: 'https://www.amazon.com/SainSmart-101-70-101-4-Channel-Relay-Module/dp/B0057OC5O8',
      },
      'com-dp-1',
    );
    assert.equal(completenessOf(result.items, productDetailsExtractor.requiredFields), 1);
  });

  it('reads the 2025 amazon.com product page: the variation shown, its core price and third-party seller', async () => {
    const { result, item } = await readProduct('amazon-com-dp-2.html', 'US');
    assert.equal(result.variant, 'dp-corePrice-2024');
    assertItem(
      item,
      {
        // input#ASIN names the variation on the page; the canonical link names its parent B09CSFFHYF.
        id: 'B0CVCV33BG',
        title:
          'Rock Stock Guitar Flat Patch Cables (Pack of 3) - 2 Inch C-Shape Ultra-Thin Effect Guitar Pedal Patch Cables - Right-Angle, Black with Durable Gold Plated Connectors, Maximize Pedalboard Space',
        price: 17.95,
        currency: 'USD',
        rating: 4.8,
        reviewCount: 690,
        availability: 'in_stock',
        seller: 'Coda Music Tech',
        imageUrl: 'https://m.media-amazon.com/images/I/61Cq4+O0r7L._SL1500_.jpg',
        url: 'https://www.amazon.com/dp/B0CVCV33BG',
      },
      'com-dp-2',
    );
  });

  it('reads the amazon.co.uk book page whose only offer is a used copy in the buy box', async () => {
    const { result, item } = await readProduct('amazon-couk-dp-1.html', 'UK');
    assert.equal(result.variant, 'dp-buybox-offer');
    assertItem(
      item,
      {
        id: '1849757097',
        title: 'Vegetable Perfection: 100 delicious recipes for roots, bulbs, shoots and stems',
        price: 4.45,
        currency: 'GBP',
        rating: 4.4,
        reviewCount: 16,
        availability: undefined, // the page shows no availability line for a used-only offer
        seller: 'Goldstone-Books',
      },
      'couk-dp-1',
    );
  });

  it('reads the amazon.de product page (English UI) with its tabular buy box seller', async () => {
    const { result, item } = await readProduct('amazon-de-dp-1.html', 'DE');
    assert.equal(result.variant, 'dp-corePrice-2024');
    assertItem(
      item,
      {
        id: 'B0BG6843GX',
        title:
          'Intel® Core™ i7-13700K Desktop Processor 16 Cores (8 P Cores + 8 E Cores) 30M Cache, up to 5.4GHz',
        price: 431.55,
        currency: 'EUR',
        rating: 4.7,
        reviewCount: 460,
        availability: 'Available to ship in 1-2 days',
        seller: 'Amazon',
      },
      'de-dp-1',
    );
  });

  it('leaves the price out on the amazon.es page that has no featured offer, rather than take a carousel price', async () => {
    // "€149,00" is on the page, but it is the price of B07HY77Z3N in the "Considera estos productos
    // alternativos" carousel; the product itself only offers "Ver todas las opciones de compra".
    const { result, item } = await readProduct('amazon-es-dp-1.html', 'ES');
    assert.equal(result.variant, 'dp-no-featured-offer');
    assertItem(
      item,
      {
        id: 'B01MUGXRT9',
        title:
          'Cecotec Robot Limpiacristales Windroid 880 SprayWater Smart Connected. 90 W, Pulveriza, Limpia y Seca, Control por App y Mando a Distancia, 4 Programas, Cable 5,5m, Incluye 12 Paños',
        price: undefined,
        currency: undefined,
        rating: 4.1,
        reviewCount: 5182,
        availability: undefined,
        seller: undefined,
      },
      'es-dp-1',
    );
    assert.equal(completenessOf(result.items, productDetailsExtractor.requiredFields), 0.5);
  });

  it('reads the amazon.co.jp product page: the buy-box yen price, not shipping or carousel prices', async () => {
    const { result, item } = await readProduct('amazon-cojp-dp-1.html', 'JP');
    assert.equal(result.variant, 'dp-priceblock-2017');
    assertItem(
      item,
      {
        id: 'B07WXL5YPW',
        title: 'Nintendo Switch 本体 (ニンテンドースイッチ) Joy-Con(L) ネオンブルー/(R) ネオンレッド',
        price: 32970,
        currency: 'JPY',
        rating: 4.6,
        reviewCount: 32945,
        availability: 'in_stock',
        seller: 'Amazon.co.jp',
        imageUrl: 'https://m.media-amazon.com/images/I/61gtkPQtgrL._AC_SL1500_.jpg',
        url: 'https://www.amazon.co.jp/-/en/dp/B07WXL5YPW',
      },
      'cojp-dp-1',
    );
  });

  it('reads all 22 tiles of the 2025 amazon.in search page, sponsored ones included', async () => {
    const [result] = await read('amazon-in-search-1.html', 'IN', [searchResultExtractor]);
    assert.ok(result);
    assert.equal(result.blocked, undefined, 'not a block page');
    assert.equal(result.variant, 'search-s-search-result');
    assert.equal(result.items.length, 22);
    assert.equal(result.invalid, 0);
    assert.match(result.nextUrl ?? '', /\/s\?k=CMF\+by\+Nothing\+Buds\+2a&page=2&/);
    assert.equal(completenessOf(result.items, searchResultExtractor.requiredFields), 1);
    const items = result.items;
    assertItem(
      items[0],
      {
        id: 'B0DNPZFSV4', // sponsored: its links go through /sspa/click
        price: 1499,
        currency: 'INR',
        rating: 3.8,
        reviewCount: 3590,
        position: 1,
      },
      'in-search #1',
    );
    assert.match(items[0]?.url ?? '', /\/realme-Wireless-Bluetooth-Headphones-Connection\/dp\/B0DNPZFSV4$/);
    assertItem(
      items[3],
      {
        id: 'B0FFN49G12',
        title:
          'CMF by Nothing Buds 2a Truly Wireless Bluetooth in Ear Earbuds with 42 dB ANC, 12.4mm Driver, Dirac-tuned, Ultra Bass Tech, 35.5 hrs playback (Orange)',
        price: 2099, // not the struck-through M.R.P ₹2,499
        rating: 3.9,
        reviewCount: 10441, // the exact count, not the rounded "(10.4K)"
      },
      'in-search #4',
    );
    assert.match(items[3]?.url ?? '', /\/CMF-Buds-Wireless-Bluetooth-Dirac-tuned\/dp\/B0FFN49G12$/);
    assertItem(
      items[5],
      { id: 'B0F7GPS691', title: 'WELCROS Case Cover for CMF by Nothing Buds 2A (Black)', price: 227.92 },
      'in-search #6',
    );
    assertItem(
      items[12],
      { id: 'B0FJVXSBFM', price: 2469, rating: undefined, reviewCount: undefined }, // no ratings yet
      'in-search #13',
    );
    assertItem(items[21], { id: 'B09BHXKNBB', price: 1999, rating: 3.5, reviewCount: 5538 }, 'in-search #22');
  });

  it('reads the 2019 amazon.de search list, titles without the sponsored prefix', async () => {
    const [result] = await read('amazon-de-search-1.html', 'DE', [searchResultExtractor]);
    assert.ok(result);
    assert.equal(result.blocked, undefined, 'not a block page');
    assert.equal(result.variant, 'search-s-result-item-2019');
    assert.equal(result.items.length, 22);
    assert.match(result.nextUrl ?? '', /[?&]page=2&/);
    assert.equal(completenessOf(result.items, searchResultExtractor.requiredFields), 1);
    const items = result.items;
    assertItem(
      items[0],
      {
        id: 'B07JKXG7Y1',
        title:
          'CottonLoveBag-Gemüsebeutel, Obstbeutel 5+1 SET, Baumwolle- wiederverwendbar, umweltfreundlich, ökologisch, Einkaufsnetz, Obstnetz, Gemüsenetze, Einkaufsbeutel, plastikfrei',
        price: 21.9,
        currency: 'EUR',
        rating: 4.5,
        reviewCount: 15,
      },
      'de-search #1',
    );
    assert.match(items[0]?.url ?? '', /^https:\/\/www\.amazon\.de\/CottonLoveBag-[^/]+\/dp\/B07JKXG7Y1$/);
    assertItem(
      items[3],
      {
        id: 'B07CV59MYH',
        price: 17.9,
        rating: 5,
        reviewCount: 28,
        url: 'https://www.amazon.de/EcoYou-extra-Robuste-Gem%C3%BCsebeutel-Wiederverwendbare/dp/B07CV59MYH',
      },
      'de-search #4',
    );
    assertItem(
      items[5],
      { id: 'B07L54S6WZ', price: 9.99, rating: undefined, reviewCount: undefined },
      'de-search #6',
    );
  });

  it('reads the amazon.in Best Sellers landing page: six carousels ranked #1 to #6, no prices shown', async () => {
    const [result] = await read('amazon-in-bestsellers-1.html', 'IN', [bestsellersExtractor]);
    assert.ok(result);
    assert.equal(result.blocked, undefined, 'not a block page');
    assert.equal(result.variant, 'zgbs-carousel-2024');
    assert.equal(result.items.length, 36);
    assert.equal(result.invalid, 0);
    assert.deepEqual(
      result.items.map((item) => item.rank),
      Array.from({ length: 36 }, (_, index) => (index % 6) + 1),
    );
    assert.ok(result.items.every((item) => item.price === undefined && item.currency === undefined));
    assert.equal(completenessOf(result.items, bestsellersExtractor.requiredFields), 1);
    assertItem(
      result.items[0],
      {
        id: 'B08SCG35MG',
        title:
          'JBL Commercial CSLM20 Auxiliary Omnidirectional Lavalier Microphone, Earphone For calls, Video Conferences, And Monitoring, Black, Small',
        rank: 1,
        rating: 3.9,
        reviewCount: 18665,
      },
      'bestsellers #1',
    );
    assertItem(
      result.items[4],
      { id: 'B09ZV5JHVR', rank: 5, rating: 3.8, reviewCount: 3640 },
      'bestsellers #5',
    );
    assertItem(
      result.items[6],
      { id: 'B077BFH786', rank: 1, rating: 4.3, reviewCount: 86853 },
      'bestsellers, Car & Motorbike #1',
    );
    assertItem(
      result.items[35],
      { id: 'B0C1T1M5XW', rank: 6, rating: 4.1, reviewCount: 980 },
      'bestsellers, Industrial #6',
    );
    assert.match(
      result.items[0]?.url ?? '',
      /\/JBL-Commercial-Omnidirectional-Microphone-Conferences\/dp\/B08SCG35MG$/,
    );
  });

  it('reads the brand of each product page where it names one, and no list price from carousels', async () => {
    const expected: [string, string, string | undefined][] = [
      // #bylineInfo is a bare link to the brand's browse node (…field-lbr_brands_browse-bin=SainSmart).
      ['amazon-com-dp-1.html', 'US', 'SainSmart'],
      // Product overview row "Brand Rock Stock" (byline: "Visit the Rock Stock Store").
      ['amazon-com-dp-2.html', 'US', 'Rock Stock'],
      // A book: the byline is "by Mat Follas (Author)", an author, not a brand.
      ['amazon-couk-dp-1.html', 'UK', undefined],
      // Byline "Brand: Intel", overview row "Brand Intel".
      ['amazon-de-dp-1.html', 'DE', 'Intel'],
      // Overview row "Marca Cecotec" (byline: "Visita la tienda de Cecotec").
      ['amazon-es-dp-1.html', 'ES', 'Cecotec'],
      // Byline "Brand: 任天堂".
      ['amazon-cojp-dp-1.html', 'JP', '任天堂'],
    ];
    for (const [file, marketplace, brand] of expected) {
      const { item } = await readProduct(file, marketplace);
      // No buy box on these pages shows a struck-through price: amazon-com-dp-2's "List: $18.99",
      // "$18.05"... are the cards of the sponsored carousels (#sp_detail…, #sims-…) below it.
      assertItem(item, { brand, listPrice: undefined, unitPrice: undefined, sponsored: undefined }, file);
    }
  });

  it('amazon.in search: ads flagged and kept apart from the organic order, M.R.P and unit price read, 306 results', async () => {
    const [result] = await read('amazon-in-search-1.html', 'IN', [searchResultExtractor]);
    assert.ok(result);
    // The result bar's h2 (.s-breadcrumb-header-text): "1-16 of 306 results for "CMF by Nothing Buds 2a"".
    assert.equal(result.resultCount, 306);
    const items = result.items;
    // Tiles 1, 2, 11, 12, 21 and 22 wear the "Sponsored" label (.puis-sponsored-label-text).
    assert.deepEqual(
      items.filter((item) => item.sponsored).map((item) => item.position),
      [1, 2, 11, 12, 21, 22],
    );
    assert.ok(items.every((item) => item.sponsored === true || item.sponsored === undefined));
    assert.deepEqual(
      items.map((item) => item.organicPosition),
      items.map((item) =>
        item.sponsored
          ? undefined
          : items.filter((other) => !other.sponsored && other.position <= item.position).length,
      ),
    );
    // Tile 1 (sponsored): "₹1,499", "M.R.P: ₹2,799" struck through (data-a-strike="true"), "(46% off)".
    assertItem(
      items[0],
      { id: 'B0DNPZFSV4', sponsored: true, organicPosition: undefined, price: 1499, listPrice: 2799 },
      'in-search #1',
    );
    // Tile 3: the first organic one.
    assertItem(items[2], { id: 'B0FFN4GPJG', sponsored: undefined, organicPosition: 1 }, 'in-search #3');
    // Tile 4: "₹2,099", "M.R.P: ₹2,499".
    assertItem(
      items[3],
      { id: 'B0FFN49G12', organicPosition: 2, price: 2099, listPrice: 2499 },
      'in-search #4',
    );
    // Tile 11 (sponsored): "₹2,299 (₹2,29,900/100 g) M.R.P: ₹5,999" — the unit price is a text
    // price too, but not struck through.
    assertItem(
      items[10],
      {
        id: 'B0FN5VP1Z3',
        sponsored: true,
        price: 2299,
        listPrice: 5999,
        unitPrice: { amount: 229900, currency: 'INR', unit: '100 g' },
      },
      'in-search #11',
    );
    // The only tile with a unit price; amazon.in tiles show no brand line.
    assert.deepEqual(
      items.filter((item) => item.unitPrice).map((item) => item.id),
      ['B0FN5VP1Z3'],
    );
    assert.ok(items.every((item) => item.brand === undefined));
  });

  it('amazon.de 2019 search: an ad and its organic twin are both read, brand from "von …", the strike price, 86 results', async () => {
    const [result] = await read('amazon-de-search-1.html', 'DE', [searchResultExtractor]);
    assert.ok(result);
    // #s-result-count: "1-16 von 86 Ergebnissen oder Vorschlägen für "plastikfrei gemüsebeutel"".
    assert.equal(result.resultCount, 86);
    const items = result.items;
    // Cards 1, 2, 11, 12, 21, 22 open with an h5.s-sponsored-header "Gesponsert".
    assert.deepEqual(
      items.filter((item) => item.sponsored).map((item) => item.position),
      [1, 2, 11, 12, 21, 22],
    );
    // B07JKXG7Y1 (CottonLoveBag) is the ad of card 1 and the organic card 9; B07HJ9WMCY (Own
    // Step) the ad of card 11 and the organic card 19.
    const twins = items.filter((item) => item.id === 'B07JKXG7Y1' || item.id === 'B07HJ9WMCY');
    assert.deepEqual(
      twins.map((item) => [item.id, item.position, item.sponsored, item.organicPosition]),
      [
        ['B07JKXG7Y1', 1, true, undefined],
        ['B07JKXG7Y1', 9, undefined, 7],
        ['B07HJ9WMCY', 11, true, undefined],
        ['B07HJ9WMCY', 19, undefined, 15],
      ],
    );
    // Card 3: "von Imline", "EUR 19,99" and struck beside it "EUR 25,99" (aria-label
    // "Suggested Retail Price: EUR 25,99").
    assertItem(
      items[2],
      { id: 'B07D187NPX', brand: 'Imline', price: 19.99, listPrice: 25.99, organicPosition: 1 },
      'de-search #3',
    );
    // Card 5: "von ecocasa"; its only strike is the empty one of "Andere Angebote" (used, EUR 17,10).
    assertItem(
      items[4],
      { id: 'B075RDQWGY', brand: 'ecocasa', price: 17.45, listPrice: undefined },
      'de-search #5',
    );
    // Card 1, an ad: "von CottonLoveBag".
    assertItem(items[0], { brand: 'CottonLoveBag' }, 'de-search #1');
    assert.equal(
      items.filter((item) => item.listPrice !== undefined).length,
      1,
      'one card shows a strike price',
    );
    assert.ok(
      items.every((item) => item.unitPrice === undefined),
      'no card shows a unit price',
    );
  });

  it('classifies the three robot-check pages as blocked, whatever the crawl type', async () => {
    const expected: [string, string, 'captcha' | 'robot-check'][] = [
      ['amazon-com-captcha-1.html', 'US', 'captcha'],
      ['amazon-de-captcha-1.html', 'DE', 'captcha'],
      ['amazon-com-captcha-2.html', 'US', 'robot-check'], // the newer button-only check
    ];
    for (const [file, marketplace, reason] of expected) {
      const results = await read(file, marketplace, AMAZON_EXTRACTORS);
      assert.equal(results.length, 4);
      for (const [index, result] of results.entries()) {
        const label = `${file} read as ${AMAZON_EXTRACTORS[index]?.crawlType}`;
        assert.equal(result.blocked, reason, label);
        assert.equal(result.variant, undefined, label);
        assert.deepEqual(result.items, [], label);
      }
    }
  });
});
