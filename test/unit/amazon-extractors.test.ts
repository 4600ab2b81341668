import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findPlatform } from '../../shared/definitions/registry.ts';
import {
  findExtractor,
  InvalidTargetError,
  type RawPage,
  type ExtractorTarget,
} from '../../shared/scraping/extractors/index.ts';
import {
  AMAZON_EXTRACTORS,
  bestsellersExtractor,
  categoryExtractor,
  isAmazonHost,
  productDetailsExtractor,
  searchResultExtractor,
} from '../../shared/scraping/extractors/amazon/index.ts';
import { imageUrlOf, productUrlOf, rankOf } from '../../shared/scraping/extractors/amazon/items.ts';

const US = (value: string): ExtractorTarget => ({
  value,
  marketplace: 'US',
  origin: 'https://www.amazon.com',
});
const DEMO = (value: string): ExtractorTarget => ({
  value,
  marketplace: 'DE',
  origin: 'http://127.0.0.1:8123/amazon/de/',
});
const page = (raw: Partial<RawPage>): RawPage => ({
  url: 'https://www.amazon.com/dp/B0CHX1W1XY',
  title: 'Amazon.com',
  records: [],
  captures: {},
  ...raw,
});
const context = { marketplace: 'US', pageNumber: 1 };

describe('Amazon marketplaces and page URLs', () => {
  it('registers the four crawl types under the amazon platform', () => {
    for (const crawlType of ['product_details', 'search_result', 'category', 'bestsellers']) {
      assert.equal(findExtractor('amazon', crawlType)?.crawlType, crawlType);
    }
  });

  it('knows the origin of every Amazon marketplace a definition may name', () => {
    const marketplaces = findPlatform('amazon')?.marketplaces ?? [];
    assert.ok(marketplaces.length >= 20);
    for (const marketplace of marketplaces) {
      const origin = productDetailsExtractor.originOf(marketplace);
      assert.match(origin, /^https:\/\/www\.amazon\.[a-z.]+$/, marketplace);
      assert.ok(isAmazonHost(new URL(origin).hostname), marketplace);
    }
    assert.equal(productDetailsExtractor.originOf('US'), 'https://www.amazon.com');
    assert.equal(productDetailsExtractor.originOf('UK'), 'https://www.amazon.co.uk');
    assert.equal(productDetailsExtractor.originOf('DE'), 'https://www.amazon.de');
    assert.equal(productDetailsExtractor.originOf('ES'), 'https://www.amazon.es');
    assert.equal(productDetailsExtractor.originOf('JP'), 'https://www.amazon.co.jp');
    assert.equal(productDetailsExtractor.originOf('IN'), 'https://www.amazon.in');
    assert.equal(productDetailsExtractor.originOf('mx'), 'https://www.amazon.com.mx');
    assert.throws(() => productDetailsExtractor.originOf('RU'), InvalidTargetError);
  });

  it('recognizes Amazon hosts and nothing that merely contains the name', () => {
    for (const host of ['www.amazon.com', 'amazon.co.jp', 'smile.amazon.com', 'www.amazon.com.br']) {
      assert.ok(isAmazonHost(host), host);
    }
    for (const host of ['amazon.evil.com', 'notamazon.com', 'www.amazon.com.evil.net', 'amazon.co']) {
      assert.ok(!isAmazonHost(host), host);
    }
  });

  it('builds product URLs from an ASIN or a product URL, on the run origin', () => {
    assert.equal(
      productDetailsExtractor.pageUrl(US('B0CHX1W1XY'), 1),
      'https://www.amazon.com/dp/B0CHX1W1XY',
    );
    assert.equal(
      productDetailsExtractor.pageUrl(US(' b0chx1w1xy '), 1),
      'https://www.amazon.com/dp/B0CHX1W1XY',
    );
    assert.equal(
      productDetailsExtractor.pageUrl(
        US('https://www.amazon.com/Some-Slug/dp/B0CHX1W1XY/ref=sr_1_1?th=1'),
        1,
      ),
      'https://www.amazon.com/dp/B0CHX1W1XY',
    );
    assert.equal(
      productDetailsExtractor.pageUrl(US('https://amazon.de/gp/product/3453317335'), 1),
      'https://www.amazon.com/dp/3453317335',
    );
    assert.equal(
      productDetailsExtractor.pageUrl(DEMO('http://127.0.0.1:8123/amazon/de/dp/B0CHX1W1XY'), 1),
      'http://127.0.0.1:8123/amazon/de/dp/B0CHX1W1XY',
    );
  });

  it('refuses product targets that are not an ASIN or an Amazon product URL', () => {
    for (const value of [
      'kettle',
      'B0CHX1W1X',
      '',
      'https://example.com/dp/B0CHX1W1XY',
      'https://www.amazon.com/s?k=kettle',
      'https://amazon.evil.com/dp/B0CHX1W1XY',
      'http://[::1',
    ]) {
      assert.throws(() => productDetailsExtractor.pageUrl(US(value), 1), InvalidTargetError, value);
    }
    assert.throws(() => productDetailsExtractor.pageUrl(US('B0CHX1W1XY'), 2), RangeError);
    assert.throws(() => searchResultExtractor.pageUrl(US('kettle'), 0), RangeError);
  });

  it('builds search URLs with the keyword encoded and &page=N from page 2', () => {
    assert.equal(
      searchResultExtractor.pageUrl(US('electric kettle'), 1),
      'https://www.amazon.com/s?k=electric+kettle',
    );
    assert.equal(
      searchResultExtractor.pageUrl(DEMO('plastikfrei gemüsebeutel & co'), 3),
      'http://127.0.0.1:8123/amazon/de/s?k=plastikfrei+gem%C3%BCsebeutel+%26+co&page=3',
    );
    assert.equal(
      searchResultExtractor.pageUrl(US('https://www.amazon.in/s?k=CMF+by+Nothing&page=4&ref=sr_pg_1'), 2),
      'https://www.amazon.com/s?k=CMF+by+Nothing&page=2',
    );
    assert.throws(() => searchResultExtractor.pageUrl(US('   '), 1), InvalidTargetError);
    assert.throws(
      () => searchResultExtractor.pageUrl(US('https://www.amazon.com/dp/B0CHX1W1XY'), 1),
      InvalidTargetError,
    );
  });

  it('reads a category as a search filtered on its browse node', () => {
    assert.equal(categoryExtractor.pageUrl(US('172282'), 1), 'https://www.amazon.com/s?rh=n%3A172282');
    assert.equal(categoryExtractor.pageUrl(US('172282'), 2), 'https://www.amazon.com/s?rh=n%3A172282&page=2');
    assert.equal(
      categoryExtractor.pageUrl(US('https://www.amazon.com/b?node=16225009011&ref=nav'), 1),
      'https://www.amazon.com/s?rh=n%3A16225009011',
    );
    assert.equal(
      categoryExtractor.pageUrl(
        US('https://www.amazon.com/s?i=electronics&rh=n%3A172541%2Cp_72%3A1248879011'),
        1,
      ),
      'https://www.amazon.com/s?rh=n%3A172541',
    );
    for (const value of ['kitchen', 'https://www.amazon.com/s?k=kettle', 'https://example.org/b?node=1']) {
      assert.throws(() => categoryExtractor.pageUrl(US(value), 1), InvalidTargetError, value);
    }
  });

  it('builds Best Sellers URLs from a category path or URL, ?pg=N from page 2', () => {
    assert.equal(
      bestsellersExtractor.pageUrl(US('kitchen'), 1),
      'https://www.amazon.com/gp/bestsellers/kitchen',
    );
    assert.equal(
      bestsellersExtractor.pageUrl(US('electronics/172541'), 2),
      'https://www.amazon.com/gp/bestsellers/electronics/172541?pg=2',
    );
    assert.equal(
      bestsellersExtractor.pageUrl(
        US('https://www.amazon.com/Best-Sellers-Kitchen-Dining/zgbs/kitchen/ref=zg_bs_nav_0'),
        1,
      ),
      'https://www.amazon.com/gp/bestsellers/kitchen',
    );
    assert.equal(
      bestsellersExtractor.pageUrl(US('https://www.amazon.in/gp/bestsellers/?ref_=nav_cs_bestsellers'), 1),
      'https://www.amazon.com/gp/bestsellers',
    );
    assert.equal(
      bestsellersExtractor.pageUrl(DEMO('kitchen'), 2),
      'http://127.0.0.1:8123/amazon/de/gp/bestsellers/kitchen?pg=2',
    );
    for (const value of ['', 'kitchen & dining', '../admin', 'https://www.amazon.com/dp/B0CHX1W1XY']) {
      assert.throws(() => bestsellersExtractor.pageUrl(US(value), 1), InvalidTargetError, value);
    }
  });
});

describe('parsing what the Amazon page spec read', () => {
  it('turns a product record into an item, in the marketplace locale', () => {
    const result = productDetailsExtractor.parse(
      page({
        url: 'https://www.amazon.es/dp/B01MUGXRT9?th=1',
        variant: 'dp-corePrice-2024',
        records: [
          {
            asin: 'B01MUGXRT9',
            title: 'Cecotec Robot Limpiacristales',
            price: '€149,00',
            rating: '4,1 de 5 estrellas',
            reviewCount: '5.182 valoraciones',
            availability: 'En stock',
            seller: 'Cecotec',
            image:
              '{"https://m.media-amazon.com/a._SX466_.jpg":[466,466],"https://m.media-amazon.com/a._SX679_.jpg":[679,679]}',
          },
        ],
      }),
      { marketplace: 'ES', pageNumber: 1 },
    );
    assert.deepEqual(result, {
      variant: 'dp-corePrice-2024',
      invalid: 0,
      items: [
        {
          id: 'B01MUGXRT9',
          title: 'Cecotec Robot Limpiacristales',
          price: 149,
          currency: 'EUR',
          rating: 4.1,
          reviewCount: 5182,
          availability: 'in_stock',
          seller: 'Cecotec',
          imageUrl: 'https://m.media-amazon.com/a._SX679_.jpg',
          url: 'https://www.amazon.es/dp/B01MUGXRT9',
          position: 1,
        },
      ],
    });
  });

  it("gives a variation's page its own URL when the canonical link names the parent", () => {
    const result = productDetailsExtractor.parse(
      page({
        url: 'http://127.0.0.1:9/saved.html',
        variant: 'dp-corePrice-2024',
        records: [{ asin: 'B0CVCV33BG', canonicalUrl: 'https://www.amazon.com/Flat-Patch/dp/B09CSFFHYF' }],
      }),
      context,
    );
    assert.equal(result.items[0]?.url, 'https://www.amazon.com/dp/B0CVCV33BG');
  });

  it('reports a blocked page, an unknown layout and a record without an ASIN as such, without items', () => {
    assert.deepEqual(productDetailsExtractor.parse(page({ blocked: 'captcha' }), context), {
      blocked: 'captcha',
      items: [],
      invalid: 0,
    });
    assert.deepEqual(productDetailsExtractor.parse(page({ records: [] }), context), {
      items: [],
      invalid: 0,
    });
    assert.deepEqual(
      productDetailsExtractor.parse(
        page({ variant: 'dp-no-featured-offer', records: [{ title: 'A lamp' }] }),
        context,
      ),
      { variant: 'dp-no-featured-offer', items: [], invalid: 1 },
    );
  });

  it('numbers listing items in page order, flags ads, counts cards without an ASIN invalid, passes the next page on', () => {
    const result = searchResultExtractor.parse(
      page({
        url: 'https://www.amazon.de/s?k=lampe',
        variant: 'search-s-search-result',
        records: [
          {
            asin: 'B07JKXG7Y1',
            title: 'Gemüsebeutel',
            price: 'EUR 21,90',
            rating: '4,5 von 5 Sternen',
            reviewCount: '(1,2K)',
            sponsored: 'Gesponsert',
            url: 'https://www.amazon.de/gp/slredirect/picassoRedirect.html/ref=pa_sp?ie=UTF8&url=https%3A%2F%2Fwww.amazon.de%2FCottonLoveBag%2Fdp%2FB07JKXG7Y1%2Fref%3Dsr_1_1_sspa%3Fie%3DUTF8',
          },
          { title: 'Results' },
          { asin: 'not-an-asin', title: 'Video' },
          {
            asin: 'b07d187npx',
            title: 'Imline',
            price: 'EUR 19,99',
            listPrice: 'EUR 25,99',
            unitPrice: '(EUR 3,99 / kg)',
            brand: 'Imline',
            url: 'https://www.amazon.de/Imline/dp/B07D187NPX/ref=sr_1_2?qid=1',
          },
        ],
        nextUrl: 'https://www.amazon.de/s?k=lampe&page=2',
      }),
      { marketplace: 'DE', pageNumber: 1 },
    );
    assert.deepEqual(result, {
      variant: 'search-s-search-result',
      invalid: 2,
      nextUrl: 'https://www.amazon.de/s?k=lampe&page=2',
      items: [
        {
          id: 'B07JKXG7Y1',
          title: 'Gemüsebeutel',
          price: 21.9,
          currency: 'EUR',
          rating: 4.5,
          reviewCount: 1200,
          url: 'https://www.amazon.de/CottonLoveBag/dp/B07JKXG7Y1',
          position: 1,
          sponsored: true, // an ad: no organic position
        },
        {
          id: 'B07D187NPX',
          title: 'Imline',
          price: 19.99,
          currency: 'EUR',
          listPrice: 25.99,
          unitPrice: { amount: 3.99, currency: 'EUR', unit: 'kg' },
          brand: 'Imline',
          url: 'https://www.amazon.de/Imline/dp/B07D187NPX',
          position: 2,
          organicPosition: 1,
        },
      ],
    });
  });

  it('reads best-seller ranks from their badges', () => {
    const result = bestsellersExtractor.parse(
      page({
        variant: 'zgbs-grid-2022',
        records: [
          { asin: 'B0ZGBS0001', rank: '#1' },
          { asin: 'B0ZGBS0002', rank: 'Nr. 12' },
          { asin: 'B0ZGBS0003', rank: '#1,204' },
          { asin: 'B0ZGBS0004', rank: 'new' },
        ],
      }),
      context,
    );
    assert.deepEqual(
      result.items.map((item) => item.rank),
      [1, 12, 1204, undefined],
    );
    assert.equal(rankOf('#0'), undefined);
  });

  it('keeps only http(s) image URLs, and the widest of a dynamic-image map', () => {
    assert.equal(
      imageUrlOf('https://m.media-amazon.com/images/I/x.jpg'),
      'https://m.media-amazon.com/images/I/x.jpg',
    );
    assert.equal(imageUrlOf('data:image/gif;base64,R0lGOD'), undefined);
    assert.equal(imageUrlOf('{"javascript:alert(1)":[900,900]}'), undefined);
    assert.equal(imageUrlOf('{not json'), undefined);
    assert.equal(imageUrlOf('{"https://a/s.jpg":[100,100],"https://a/l.jpg":[500,500]}'), 'https://a/l.jpg');
  });

  it('never gives a listing item without a valid ASIN, nor a link to another product', () => {
    const asin = fc.stringMatching(/^[A-Z0-9]{10}$/);
    const text = fc.oneof(fc.string(), asin, fc.constant(''));
    const href = fc.oneof(
      fc.webUrl(),
      asin.map((id) => `https://www.amazon.com/x/dp/${id}/ref=sr_1`),
      asin.map((id) => `https://www.amazon.com/sspa/click?url=%2Fdp%2F${id}`),
      fc.string(),
    );
    const record = fc.record(
      { asin: text, title: fc.string(), price: fc.string(), rating: fc.string(), url: href },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 8 }),
        fc.constantFrom('US', 'DE', 'JP', 'IN'),
        (records, marketplace) => {
          for (const extractor of AMAZON_EXTRACTORS.filter((e) => e !== productDetailsExtractor)) {
            const result = extractor.parse(page({ variant: 'v', records }), { marketplace, pageNumber: 1 });
            assert.equal(result.items.length + result.invalid, records.length);
            result.items.forEach((item, index) => {
              assert.match(item.id, /^[A-Z0-9]{10}$/);
              assert.equal(item.position, index + 1);
              if (item.url) assert.ok(item.url.endsWith(`/dp/${item.id}`), item.url);
              if (item.rating !== undefined) assert.ok(item.rating >= 0 && item.rating <= 5);
            });
          }
        },
      ),
    );
  });

  it('drops tracking from product links and ignores links to other products', () => {
    assert.equal(
      productUrlOf(
        'https://www.amazon.in/sspa/click?ie=UTF8&spc=MTo&url=%2Frealme-Buds%2Fdp%2FB0DNPZFSV4%2Fref%3Dsr_1_1_sspa',
        'B0DNPZFSV4',
      ),
      'https://www.amazon.in/realme-Buds/dp/B0DNPZFSV4',
    );
    assert.equal(productUrlOf('https://www.amazon.com/dp/B0AAAAAAAA', 'B0BBBBBBBB'), undefined);
    assert.equal(productUrlOf('javascript:void(0)', 'B0BBBBBBBB'), undefined);
  });
});
