/**
 * 1688's extractors in real Chromium, on pages shaped like 1688's markup (test/fixtures/
 * extractors/1688) and on the demo shop. Each page is loaded once, in before().
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DemoShop, PER_PAGE, productOf, startDemoShop } from '../../demo-shop/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import {
  alibabaProductDetails,
  alibabaSearchResult,
  completenessOf,
} from '../../shared/scraping/extractors/index.ts';
import { extractAt, type LoadedExtraction } from '../helpers/extract-at.ts';
import { serveStaticPages, type StaticPages } from '../helpers/static-pages.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/extractors/1688');

describe('1688 extractors', () => {
  const host = new BrowserHost();
  let pages: StaticPages;
  let shop: DemoShop;
  const read: Record<string, LoadedExtraction> = {};

  before(async () => {
    pages = await serveStaticPages(FIXTURES);
    shop = await startDemoShop();
    const fixture = (name: string) => `${pages.base}/${name}.html`;
    read.offer = await extractAt(host, fixture('offer'), alibabaProductDetails, 'CN');
    read.offerClassic = await extractAt(host, fixture('offer-classic'), alibabaProductDetails, 'CN');
    read.search = await extractAt(host, fixture('search'), alibabaSearchResult, 'CN');
    read.changed = await extractAt(host, fixture('changed-layout'), alibabaSearchResult, 'CN');
    read.changedOffer = await extractAt(host, fixture('changed-layout'), alibabaProductDetails, 'CN');
    read.captcha = await extractAt(host, fixture('captcha'), alibabaSearchResult, 'CN');
    read.login = await extractAt(host, fixture('login'), alibabaProductDetails, 'CN');
    const target = (value: string) => ({ value, marketplace: 'CN', origin: `${shop.url}/1688` });
    read.demoOffer = await extractAt(
      host,
      alibabaProductDetails.pageUrl(target('612345678'), 1),
      alibabaProductDetails,
      'CN',
    );
    read.demoSearch = await extractAt(
      host,
      alibabaSearchResult.pageUrl(target('手机数据线'), 1),
      alibabaSearchResult,
      'CN',
    );
    read.demoSearch2 = await extractAt(host, read.demoSearch.nextUrl ?? '', alibabaSearchResult, 'CN', 2);
    read.demoBlocked = await extractAt(
      host,
      `${shop.url}/1688/offer/612345678.html?fault=captcha`,
      alibabaProductDetails,
      'CN',
    );
  });
  after(async () => {
    await host.close();
    await shop.stop();
    await pages.stop();
  });

  it('reads an offer page, taking the first tier of a tiered price and the id from the page', () => {
    assert.equal(read.offer?.variant, 'offer-detail-dom');
    assert.deepEqual(read.offer?.items, [
      {
        id: '670508742452',
        position: 1,
        title: '6A快充数据线 Type-C 1米',
        price: 2.6,
        currency: 'CNY',
        seller: '信恒泰科技有限公司',
        imageUrl: 'https://cbu01.alicdn.com/img/ibank/O1CN016CFESB2CiiT6I5mNc_!!4245128508-0-cib.jpg',
        url: 'https://detail.1688.com/offer/670508742452.html',
      },
    ]);
  });

  it('reads the classic offer layout, its id from the b2c_auction meta', () => {
    assert.equal(read.offerClassic?.variant, 'offer-detail-dom');
    assert.deepEqual(read.offerClassic?.items, [
      {
        id: '546639475124',
        position: 1,
        title: '品胜数据线适用于苹果快充',
        price: 7.8,
        currency: 'CNY',
        seller: '广州汇好科技有限公司',
        url: 'https://detail.1688.com/offer/546639475124.html',
      },
    ]);
  });

  it('reads search cards: ids from the analytics record or the detail link, never from click redirects', () => {
    const search = read.search;
    assert.equal(search?.blocked, undefined, 'offers beat the baxia punish iframe');
    assert.equal(search?.variant, 'offer-cards-dom');
    assert.equal(search?.invalid, 1, 'the card with neither');
    assert.deepEqual(search?.items, [
      {
        id: '718152613503',
        position: 1,
        title: '双Type-c头PD数据线',
        price: 1.74,
        currency: 'CNY',
        // The fixture's card is a p4p offer: _p_isad@1^itemType@p4p in its analytics record.
        sponsored: true,
        seller: '荣亮达电子',
        imageUrl: 'https://cbu01.alicdn.com/img/ibank/O1CN01fc8pjr25B6BUQLFGE.220x220.jpg',
        url: 'https://detail.1688.com/offer/718152613503.html',
      },
      {
        id: '546639475124',
        position: 2,
        // _p_isad@0: the first organic card.
        organicPosition: 1,
        title: '品胜数据线',
        price: 7.8,
        currency: 'CNY',
        seller: '广州汇好',
        imageUrl: 'https://cbu01.alicdn.com/img/ibank/O1CN01Xt10PP1Ulbncafuan.jpg',
        url: 'https://detail.1688.com/offer/546639475124.html',
      },
    ]);
    assert.equal(
      search?.nextUrl,
      `${pages.base}/selloffer/offer_search.htm?keywords=%CA%D6%BB%FA&beginPage=2`,
    );
  });

  it('gives no variant and no items for a layout it does not know', () => {
    for (const changed of [read.changed, read.changedOffer]) {
      assert.equal(changed?.variant, undefined);
      assert.deepEqual(changed?.items, []);
      assert.equal(changed?.blocked, undefined);
    }
  });

  it('reports the slider captcha and the login wall as blocked', () => {
    assert.equal(read.captcha?.blocked, 'captcha');
    assert.equal(read.login?.blocked, 'login-wall');
    assert.equal(read.demoBlocked?.blocked, 'captcha');
  });

  it('reads demo-shop offer and search pages completely, and search reaches page 2', () => {
    const product = productOf('1688', '612345678');
    assert.deepEqual(read.demoOffer?.items[0], {
      id: '612345678',
      position: 1,
      title: product.title,
      price: product.priceMinor / 100,
      currency: 'CNY',
      seller: product.seller,
      imageUrl: `${shop.url}/images/1688-612345678.jpg`,
      url: `${shop.url}/1688/offer/612345678.html`,
    });
    for (const [name, extraction, extractor] of [
      ['offer', read.demoOffer, alibabaProductDetails],
      ['search', read.demoSearch, alibabaSearchResult],
      ['search page 2', read.demoSearch2, alibabaSearchResult],
    ] as const) {
      assert.equal(extraction?.status, 200, name);
      assert.equal(completenessOf(extraction?.items ?? [], extractor.requiredFields), 1, name);
      assert.equal(extraction?.invalid, 0, name);
    }
    assert.equal(read.demoSearch?.items.length, PER_PAGE);
    assert.match(
      read.demoSearch?.nextUrl ?? '',
      /\/1688\/selloffer\/offer_search\.htm\?keywords=.+&beginPage=2$/,
    );
    assert.equal(read.demoSearch2?.items.length, PER_PAGE);
    assert.notEqual(read.demoSearch2?.items[0]?.id, read.demoSearch?.items[0]?.id);
  });
});
