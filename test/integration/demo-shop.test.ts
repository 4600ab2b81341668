import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type DemoShop,
  LISTING_PAGES,
  listingIds,
  PER_PAGE,
  productOf,
  startDemoShop,
  VERSION_COOKIE,
} from '../../demo-shop/index.ts';

describe('the demo shop', () => {
  let shop: DemoShop;
  before(async () => {
    shop = await startDemoShop();
  });
  after(() => shop.stop());

  const get = (path: string, timeoutMs = 5_000) =>
    fetch(`${shop.url}${path}`, { signal: AbortSignal.timeout(timeoutMs) });

  it('serves Amazon-, Ozon- and 1688-shaped product pages, the same product for the same id', async () => {
    const dp = await (await get('/amazon/com/dp/B0CHX1W1XY')).text();
    const product = productOf('amazon', 'B0CHX1W1XY');
    assert.match(dp, new RegExp(`<span id="productTitle"[^>]*>${product.title}</span>`));
    assert.match(dp, /<span class="a-offscreen">\$\d+\.\d{2}<\/span>/);
    assert.match(dp, /id="acrCustomerReviewText"[^>]*>[\d,]+ ratings/);
    assert.equal(dp, await (await get('/amazon/com/dp/B0CHX1W1XY')).text());
    assert.match(
      await (await get('/ozon/product/pled-ikea-123456789/')).text(),
      /data-widget="webProductHeading"><h1>/,
    );
    assert.match(await (await get('/1688/offer/612345678.html')).text(), /<h1 class="d-title">/);
  });

  it('paginates listings: each page full, a next link until the last page, then 404', async () => {
    let path: string | undefined = '/amazon/com/s?k=kettle';
    const seen = new Set<string>();
    let pages = 0;
    while (path) {
      const html = await (await get(path)).text();
      pages += 1;
      const asins = [...html.matchAll(/data-asin="([A-Z0-9]{10})"/g)].map((m) => m[1] ?? '');
      assert.equal(asins.length, PER_PAGE);
      for (const asin of asins) seen.add(asin);
      path = /<a class="s-pagination-next" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    }
    assert.equal(pages, LISTING_PAGES);
    assert.ok(seen.size > PER_PAGE * (LISTING_PAGES - 1), 'pages list different products');
    assert.equal((await get(`/amazon/com/s?k=kettle&page=${LISTING_PAGES + 1}`)).status, 404);
    assert.match(
      await (await get('/ozon/category/kartiny-7000/?page=2')).text(),
      /data-widget="tileGridDesktop"/,
    );
    assert.match(await (await get('/1688/search?keywords=数据线&beginPage=3')).text(), /class="offer_item"/);
  });

  it('injects faults by query: 5xx, 429 with Retry-After, 403, 404, a captcha page, latency', async () => {
    assert.equal((await get('/amazon/com/dp/B0CHX1W1XY?fault=503')).status, 503);
    const throttled = await get('/amazon/com/dp/B0CHX1W1XY?fault=429');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '30');
    assert.equal((await get('/amazon/com/dp/B0CHX1W1XY?fault=403')).status, 403);
    assert.equal((await get('/amazon/com/dp/B0CHX1W1XY?fault=404')).status, 404);
    const captcha = await get('/amazon/com/dp/B0CHX1W1XY?fault=captcha');
    assert.equal(captcha.status, 200);
    assert.match(await captcha.text(), /Enter the characters you see below/);
    const started = Date.now();
    assert.equal((await get('/amazon/com/dp/B0CHX1W1XY?latency=150')).status, 200);
    assert.ok(Date.now() - started >= 150);
  });

  it('hangs on request, until the client gives up, and still stops cleanly', async () => {
    await assert.rejects(get('/amazon/com/dp/B0CHX1W1XY?fault=hang', 300), /timeout|aborted/i);
  });

  it('applies fault rules: a burst of 5xx on the first requests to a path, then normal pages', async () => {
    shop.setRules([{ path: '/amazon/de/s', fault: '500', times: 3 }]);
    const statuses: number[] = [];
    for (let index = 0; index < 5; index += 1) statuses.push((await get('/amazon/de/s?k=x')).status);
    assert.deepEqual(statuses, [500, 500, 500, 200, 200]);
    assert.equal((await get('/amazon/com/s?k=x')).status, 200, 'other paths unaffected');
    shop.setRules([]);
    assert.ok(shop.requests.includes('/amazon/de/s?k=x'));
  });

  it('moves to another version of its catalogue: a few prices, stock and listing places vary, the same way every time', async () => {
    const asins = (html: string) => [...html.matchAll(/data-asin="([A-Z0-9]{10})"/g)].map((m) => m[1] ?? '');
    const original = await (await get('/amazon/com/s?k=kettle')).text();
    shop.setVersion(1);
    try {
      const varied = await (await get('/amazon/com/s?k=kettle')).text();
      assert.equal(varied, await (await get('/amazon/com/s?k=kettle')).text(), 'deterministic');
      const before = asins(original);
      const now = asins(varied);
      assert.deepEqual(now, listingIds('amazon', 'search:kettle', 1, PER_PAGE, 1));
      const replaced = now.filter((asin, index) => asin !== before[index]).length;
      assert.ok(replaced > 0 && replaced < PER_PAGE / 2, `${replaced} of ${PER_PAGE} places vary`);
      const products = Array.from({ length: 400 }, (_, n) => `B0${String(n).padStart(8, '0')}`);
      const repriced = products.filter(
        (id) => productOf('amazon', id, 1).priceMinor !== productOf('amazon', id).priceMinor,
      );
      assert.ok(repriced.length > 0 && repriced.length < products.length / 4, `${repriced.length} repriced`);
      assert.throws(() => shop.setVersion(-1), RangeError);
    } finally {
      shop.setVersion(0);
    }
    assert.equal(await (await get('/amazon/com/s?k=kettle')).text(), original, 'version 0 is the original');
  });

  it('pins a session to the version it first read when asked to (a cookie), however the shop moves on', async () => {
    const pinned = await startDemoShop({ pinVersionPerSession: true });
    try {
      const read = async (cookie?: string) => {
        const response = await fetch(`${pinned.url}/amazon/com/s?k=kettle`, {
          headers: cookie ? { cookie } : {},
          signal: AbortSignal.timeout(5_000),
        });
        const html = await response.text();
        return {
          ids: [...html.matchAll(/data-asin="([A-Z0-9]{10})"/g)].map((m) => m[1] ?? ''),
          setCookie: response.headers.get('set-cookie'),
        };
      };
      const first = await read();
      assert.match(first.setCookie ?? '', new RegExp(`^${VERSION_COOKIE}=0;`));
      const session = (first.setCookie ?? '').split(';')[0] ?? '';
      pinned.setVersion(1);
      assert.equal(pinned.version, 1);
      const sameSession = await read(`other=x; ${session}`);
      assert.deepEqual(
        sameSession.ids,
        listingIds('amazon', 'search:kettle', 1, PER_PAGE, 0),
        'still version 0',
      );
      assert.equal(sameSession.setCookie, null, 'a pinned session is not re-pinned');
      const newSession = await read();
      assert.deepEqual(newSession.ids, listingIds('amazon', 'search:kettle', 1, PER_PAGE, 1));
      assert.notDeepEqual(newSession.ids, sameSession.ids);
      assert.match(newSession.setCookie ?? '', new RegExp(`^${VERSION_COOKIE}=1;`));
    } finally {
      await pinned.stop();
    }
    const unpinned = await get('/amazon/com/s?k=kettle');
    assert.equal(unpinned.headers.get('set-cookie'), null, 'no cookie unless asked');
  });
});
