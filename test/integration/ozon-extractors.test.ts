/**
 * Ozon's extractors in real Chromium, on pages shaped like ozon.ru's markup (test/fixtures/
 * extractors/ozon) and on the demo shop. Each page is loaded once, in before().
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DemoShop, PER_PAGE, productOf, startDemoShop } from '../../demo-shop/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import {
  completenessOf,
  ozonCategory,
  ozonProductDetails,
  ozonSearchResult,
} from '../../shared/scraping/extractors/index.ts';
import { extractAt, type LoadedExtraction } from '../helpers/extract-at.ts';
import { serveStaticPages, type StaticPages } from '../helpers/static-pages.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/extractors/ozon');

describe('Ozon extractors', () => {
  const host = new BrowserHost();
  let pages: StaticPages;
  let shop: DemoShop;
  const read: Record<string, LoadedExtraction> = {};

  before(async () => {
    pages = await serveStaticPages(FIXTURES);
    shop = await startDemoShop();
    const fixture = (name: string) => `${pages.base}/${name}.html`;
    read.product = await extractAt(host, fixture('product'), ozonProductDetails, 'RU');
    read.productLd = await extractAt(host, fixture('product-ld-json'), ozonProductDetails, 'RU');
    read.category = await extractAt(host, fixture('category'), ozonCategory, 'RU');
    read.searchState = await extractAt(host, fixture('search-state'), ozonSearchResult, 'RU');
    read.changedListing = await extractAt(host, fixture('changed-layout'), ozonCategory, 'RU');
    read.changedProduct = await extractAt(host, fixture('changed-layout'), ozonProductDetails, 'RU');
    read.antibot = await extractAt(host, fixture('antibot'), ozonSearchResult, 'RU');
    read.cloudflare = await extractAt(host, fixture('cloudflare'), ozonProductDetails, 'RU');
    const target = (value: string) => ({ value, marketplace: 'RU', origin: `${shop.url}/ozon` });
    read.demoProduct = await extractAt(
      host,
      ozonProductDetails.pageUrl(target('123456789'), 1),
      ozonProductDetails,
      'RU',
    );
    read.demoCategory = await extractAt(
      host,
      ozonCategory.pageUrl(target('chayniki-10000'), 1),
      ozonCategory,
      'RU',
    );
    read.demoSearch = await extractAt(
      host,
      ozonSearchResult.pageUrl(target('чайник'), 1),
      ozonSearchResult,
      'RU',
    );
    const nextUrl = read.demoSearch.nextUrl ?? '';
    read.demoSearch2 = await extractAt(host, nextUrl, ozonSearchResult, 'RU', 2);
    read.demoBlocked = await extractAt(
      host,
      `${shop.url}/ozon/search/?text=x&fault=captcha`,
      ozonSearchResult,
      'RU',
    );
  });
  after(async () => {
    await host.close();
    await shop.stop();
    await pages.stop();
  });

  it('reads a product page from its widgets, taking the price without the Ozon card', () => {
    assert.equal(read.product?.variant, 'pdp-dom');
    assert.deepEqual(read.product?.items, [
      {
        id: '123456789',
        position: 1,
        title: 'Чайник электрический Stalwart 1,7 л',
        price: 2590,
        currency: 'RUB',
        listPrice: 3990, // the struck "3 990 ₽" beside the price (originalPrice in the widget state)
        rating: 4.7,
        reviewCount: 1234,
        availability: 'in_stock',
        seller: 'ТеплоСервис',
        imageUrl: 'https://ir.ozone.ru/s3/multimedia-1-9/c1000/7000000001.jpg',
        url: 'https://www.ozon.ru/product/chaynik-elektricheskiy-stalwart-1-7-l-123456789/',
      },
    ]);
  });

  it('falls back to the schema.org Product when the widgets did not render', () => {
    assert.equal(read.productLd?.variant, 'pdp-ld-json');
    assert.deepEqual(read.productLd?.items, [
      {
        id: '555666777',
        position: 1,
        title: 'Плед флисовый 150x200',
        price: 1190,
        currency: 'RUB',
        brand: 'Cozy', // the schema.org Product's "brand"
        rating: 4.6,
        reviewCount: 87,
        availability: 'out_of_stock',
        imageUrl: 'https://cdn1.ozone.ru/s3/multimedia-5/7000000002.jpg',
        url: 'https://www.ozon.ru/product/pled-flisovyy-150x200-555666777/',
      },
    ]);
  });

  it('reads category tiles, counts a tile without a product link as invalid, and finds the next page', () => {
    const category = read.category;
    assert.equal(category?.variant, 'tiles-dom');
    assert.equal(category?.invalid, 1);
    assert.equal(category?.items.length, 2);
    assert.deepEqual(category?.items[0], {
      id: '111111111',
      position: 1,
      title: 'Чайник Stalwart 1,7 л',
      price: 1490,
      currency: 'RUB',
      listPrice: 2990, // the smaller "2 990 ₽" after the price
      rating: 4.8,
      reviewCount: 2345,
      availability: 'limited',
      imageUrl: 'https://ir.ozone.ru/s3/multimedia-1-a/wc500/7000000011.jpg',
      url: `${pages.base}/product/chaynik-stalwart-1-7-l-111111111/`,
      organicPosition: 1,
    });
    // grey "3.5" and "1.8" are variant chips, not a rating; no review count either
    assert.equal(category?.items[1]?.rating, undefined);
    assert.equal(category?.items[1]?.reviewCount, undefined);
    assert.equal(category?.nextUrl, `${pages.base}/category/chayniki-10000/?page=2`);
  });

  it('reads search items held only in the state JSON, decoding entities, and its next page', () => {
    const search = read.searchState;
    assert.equal(search?.variant, 'searchResultsV2-state');
    assert.equal(search?.items.length, 2);
    assert.equal(search?.invalid, 1, 'the banner without a SKU');
    assert.deepEqual(search?.items[0], {
      id: '333333333',
      position: 1,
      title: 'Чайник "Утро" / стекло, Tea&Co',
      price: 1135,
      currency: 'RUB',
      listPrice: 2000, // the ORIGINAL_PRICE text "2 000 ₽"
      sponsored: true, // its link carries the ad token ?advert=xyz
      rating: 4.9,
      reviewCount: 1065,
      imageUrl: 'https://cdn1.ozone.ru/s3/video-1/cover.jpg',
      url: `${pages.base}/product/chaynik-elektricheskiy-333333333/`,
    });
    assert.equal(search?.items[1]?.rating, undefined);
    assert.equal(search?.nextUrl, `${pages.base}/search/?page=2&text=%D1%87%D0%B0%D0%B9%D0%BD%D0%B8%D0%BA`);
  });

  it('gives no variant and no items for a layout it does not know', () => {
    for (const changed of [read.changedListing, read.changedProduct]) {
      assert.equal(changed?.variant, undefined);
      assert.deepEqual(changed?.items, []);
      assert.equal(changed?.blocked, undefined);
    }
  });

  it("reports Ozon's antibot page and Cloudflare's challenge as blocked", () => {
    assert.equal(read.antibot?.blocked, 'robot-check');
    assert.equal(read.cloudflare?.blocked, 'captcha');
    assert.equal(read.demoBlocked?.blocked, 'robot-check');
    assert.deepEqual(read.antibot?.items, []);
  });

  it('reads demo-shop product, category and search pages completely, and search reaches page 2', () => {
    const product = productOf('ozon', '123456789');
    assert.equal(read.demoProduct?.variant, 'pdp-dom');
    assert.deepEqual(read.demoProduct?.items[0], {
      id: '123456789',
      position: 1,
      title: product.title,
      price: Math.round(product.priceMinor / 100),
      currency: 'RUB',
      rating: product.rating,
      reviewCount: product.reviews,
      availability: product.available ? 'in_stock' : 'out_of_stock',
      seller: product.seller,
      imageUrl: `${shop.url}/images/ozon-123456789.jpg`,
      url: `${shop.url}/ozon/product/123456789/`,
    });
    for (const [name, extraction, extractor] of [
      ['product', read.demoProduct, ozonProductDetails],
      ['category', read.demoCategory, ozonCategory],
      ['search', read.demoSearch, ozonSearchResult],
      ['search page 2', read.demoSearch2, ozonSearchResult],
    ] as const) {
      assert.equal(extraction?.status, 200, name);
      assert.equal(completenessOf(extraction?.items ?? [], extractor.requiredFields), 1, name);
      assert.equal(extraction?.invalid, 0, name);
    }
    assert.equal(read.demoCategory?.items.length, PER_PAGE);
    assert.equal(read.demoSearch?.variant, 'tiles-dom');
    assert.match(read.demoSearch?.nextUrl ?? '', /\/ozon\/search\/\?text=.+&page=2$/);
    assert.equal(read.demoSearch2?.items.length, PER_PAGE);
    const firstPage = new Set(read.demoSearch?.items.map((item) => item.id));
    assert.ok(
      read.demoSearch2?.items.every((item) => !firstPage.has(item.id)),
      'page 2 lists other products',
    );
  });
});
