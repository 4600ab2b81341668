import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  alibabaProductDetails,
  alibabaSearchResult,
  encodeGbk,
  findExtractor,
  InvalidTargetError,
  type RawPage,
} from '../../shared/scraping/extractors/index.ts';

const CN = { marketplace: 'CN', origin: 'https://www.1688.com' };
const DEMO = { marketplace: 'CN', origin: 'http://127.0.0.1:4000/1688' };
const context = { marketplace: 'CN', pageNumber: 1 };
const raw = (page: Partial<RawPage>): RawPage => ({
  url: 'https://s.1688.com/selloffer/offer_search.htm?keywords=x',
  title: 'x',
  records: [],
  captures: {},
  ...page,
});

describe('1688 extractors without a browser', () => {
  it('are registered under the 1688 platform, for CN only', () => {
    assert.equal(findExtractor('1688', 'product_details'), alibabaProductDetails);
    assert.equal(findExtractor('1688', 'search_result'), alibabaSearchResult);
    assert.equal(alibabaSearchResult.originOf('CN'), 'https://www.1688.com');
    assert.throws(() => alibabaProductDetails.originOf('RU'), InvalidTargetError);
  });

  it('encodes keywords in GBK as 1688 does, and refuses characters GBK lacks', () => {
    assert.equal(encodeGbk('手机数据线'), '%CA%D6%BB%FA%CA%FD%BE%DD%CF%DF'); // the page's own keywordsGbk
    assert.equal(encodeGbk('type-c 数据线'), 'type-c+%CA%FD%BE%DD%CF%DF');
    assert.throws(() => encodeGbk('数据线 🔌'), InvalidTargetError);
  });

  it('round-trips any GBK-expressible keyword through the real search URL', () => {
    const decoder = new TextDecoder('gbk');
    const gbkText = fc
      .array(fc.constantFrom(...'手机数据线充电器苹果华为小米 Type-C快充线abc123'.split('')), {
        minLength: 1,
        maxLength: 30,
      })
      .map((chars) => chars.join(''))
      .filter((text) => text.trim().length > 0);
    fc.assert(
      fc.property(gbkText, (keyword) => {
        const url = alibabaSearchResult.pageUrl({ ...CN, value: keyword }, 1);
        const encoded = /keywords=([^&]*)/.exec(url)?.[1] ?? '';
        const bytes = [...encoded.replaceAll('+', '%20').matchAll(/%([0-9A-F]{2})|(.)/g)].map((m) =>
          m[1] ? parseInt(m[1], 16) : (m[2] ?? '').charCodeAt(0),
        );
        assert.equal(decoder.decode(new Uint8Array(bytes)), keyword.trim());
      }),
    );
  });

  it('sends search to s.1688.com and offers to detail.1688.com, or to the same paths on another origin', () => {
    assert.equal(
      alibabaSearchResult.pageUrl({ ...CN, value: '手机数据线' }, 2),
      'https://s.1688.com/selloffer/offer_search.htm?keywords=%CA%D6%BB%FA%CA%FD%BE%DD%CF%DF&beginPage=2',
    );
    assert.equal(
      alibabaSearchResult.pageUrl({ ...DEMO, value: '数据线' }, 1),
      'http://127.0.0.1:4000/1688/selloffer/offer_search.htm?keywords=%E6%95%B0%E6%8D%AE%E7%BA%BF',
    );
    assert.equal(
      alibabaProductDetails.pageUrl({ ...CN, value: '670508742452' }, 1),
      'https://detail.1688.com/offer/670508742452.html',
    );
    assert.equal(
      alibabaProductDetails.pageUrl(
        { ...DEMO, value: 'https://detail.1688.com/offer/670508742452.html?spm=a26352' },
        1,
      ),
      'http://127.0.0.1:4000/1688/offer/670508742452.html',
    );
    assert.equal(
      alibabaProductDetails.pageUrl({ ...CN, value: '//detail.1688.com/offer/546639475124.html' }, 1),
      'https://detail.1688.com/offer/546639475124.html',
    );
    assert.throws(() => alibabaProductDetails.pageUrl({ ...CN, value: '670508742452' }, 2), RangeError);
  });

  it('refuses targets that are not an offer id, an offer URL or a keyword', () => {
    for (const value of [
      '',
      '12',
      'abc',
      'https://www.ozon.ru/offer/670508742452.html',
      'https://detail.1688.com/page/1.html',
    ]) {
      assert.throws(() => alibabaProductDetails.pageUrl({ ...CN, value }, 1), InvalidTargetError, value);
    }
    assert.throws(() => alibabaSearchResult.pageUrl({ ...CN, value: '  ' }, 1), InvalidTargetError);
    assert.throws(
      () => alibabaSearchResult.pageUrl({ ...CN, value: 'x'.repeat(101) }, 1),
      InvalidTargetError,
    );
    assert.equal(
      alibabaSearchResult.pageUrl(
        { ...DEMO, value: 'https://s.1688.com/selloffer/offer_search.htm?keywords=cable' },
        1,
      ),
      'http://127.0.0.1:4000/1688/selloffer/offer_search.htm?keywords=cable',
    );
  });

  it('parses cards: a click-redirect link becomes the offer address, the seller nick is decoded, P4P flagged, no id is invalid', () => {
    const extraction = alibabaSearchResult.parse(
      raw({
        variant: 'offer-cards-dom',
        records: [
          {
            offerId: '718152613503',
            title: '数据线',
            priceText: '¥1.74',
            seller: '%E8%8D%A3%E4%BA%AE',
            url: 'https://dj.1688.com/ci_bb?a=1&e=x',
            sponsoredMark: '1',
          },
          { title: '广告', priceText: '¥9.90', url: 'https://dj.1688.com/ci_bb?a=3' },
          { url: 'http://detail.1688.com/offer/546639475124.html?spm=1', priceText: '¥7.80' },
        ],
      }),
      context,
    );
    assert.equal(extraction.invalid, 1);
    assert.deepEqual(extraction.items, [
      {
        id: '718152613503',
        position: 1,
        title: '数据线',
        price: 1.74,
        currency: 'CNY',
        seller: '荣亮',
        url: 'https://detail.1688.com/offer/718152613503.html',
        sponsored: true,
      },
      {
        id: '546639475124',
        position: 3,
        price: 7.8,
        currency: 'CNY',
        url: 'https://detail.1688.com/offer/546639475124.html',
        organicPosition: 1,
      },
    ]);
  });

  it('tells a block from the final URL when the page itself shows nothing known', () => {
    const at = (url: string) => alibabaSearchResult.parse(raw({ url }), context).blocked;
    assert.equal(at('https://login.1688.com/member/signin.htm?Done=https%3A%2F%2Fs.1688.com'), 'login-wall');
    assert.equal(at('https://s.1688.com/selloffer/_____tmd_____/punish?x5secdata=abc'), 'captcha');
    assert.equal(at('https://s.1688.com/selloffer/offer_search.htm?keywords=x'), undefined);
    assert.equal(
      alibabaProductDetails.parse(raw({ blocked: 'captcha', variant: undefined }), context).blocked,
      'captcha',
    );
  });

  it('reads an offer id from the page, the canonical link or the URL', () => {
    const offer = (page: Partial<RawPage>) =>
      alibabaProductDetails.parse(
        raw({
          variant: 'offer-detail-dom',
          records: [{ title: 'T', priceText: '2.60元', seller: 'S' }],
          ...page,
        }),
        context,
      );
    assert.equal(offer({ captures: { offerId: '111111' } }).items[0]?.id, '111111');
    assert.equal(
      offer({ captures: { canonical: 'https://detail.1688.com/offer/222222.html' } }).items[0]?.id,
      '222222',
    );
    assert.deepEqual(offer({ url: 'http://127.0.0.1:4000/1688/offer/333333.html' }).items[0], {
      id: '333333',
      position: 1,
      title: 'T',
      price: 2.6,
      currency: 'CNY',
      seller: 'S',
      url: 'http://127.0.0.1:4000/1688/offer/333333.html',
    });
    assert.deepEqual(offer({ url: 'https://example.com/x' }), {
      variant: 'offer-detail-dom',
      items: [],
      invalid: 1,
    });
  });
});
