/**
 * The scrape benchmark's own checks: what each engine read is compared field by field (a wrong
 * comparison would let a broken peer's figures count), and the Lambda cost follows its formula.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costPer1000Pages, LAMBDA_PRICES } from '../../bench/scrape/lambda-cost.ts';
import { comparableOfTile, readingsOf, sameReadings } from '../../bench/scrape/readings.ts';

const TILE = {
  asin: 'B0ABCDEF12',
  title: 'Demo kettle',
  url: 'http://127.0.0.1:4100/amazon/com/Demo-kettle/dp/B0ABCDEF12/ref=sr_1_1',
  price: '$1,234.50',
  rating: '4.5 out of 5 stars',
  reviewCount: '12,345 ratings',
  image: 'http://127.0.0.1:4100/images/B0ABCDEF12.jpg',
};

describe('the scrape benchmark readings', () => {
  it('reads a tile’s raw strings as the numbers Shelfwatch parses', () => {
    assert.deepEqual(comparableOfTile(TILE), {
      id: 'B0ABCDEF12',
      title: 'Demo kettle',
      price: 1234.5,
      rating: 4.5,
      reviewCount: 12345,
      hasProductUrl: true,
      hasImage: true,
    });
  });

  it('does not count a link to another product or an empty title as read', () => {
    const read = comparableOfTile({
      ...TILE,
      title: '',
      url: 'http://127.0.0.1:4100/amazon/com/dp/B0ZZZZZZZZ',
    });
    assert.equal(read.title, undefined);
    assert.equal(read.hasProductUrl, false);
  });

  it('gives the same readings whatever the order items were read in', () => {
    const a = comparableOfTile(TILE);
    const b = comparableOfTile({
      ...TILE,
      asin: 'B0ABCDEF13',
      url: TILE.url.replaceAll('B0ABCDEF12', 'B0ABCDEF13'),
    });
    assert.deepEqual(readingsOf([a, b]), readingsOf([b, a]));
    assert.equal(readingsOf([a, b]).fieldsPresent.url, 2);
  });

  it('names the engine that read a field differently, or one item fewer', () => {
    const items = [comparableOfTile(TILE)];
    const priced = readingsOf(items);
    const otherPrice = readingsOf([comparableOfTile({ ...TILE, price: '$1,234.51' })]);
    const none = readingsOf([]);
    assert.deepEqual(
      sameReadings([
        { engine: 'shelfwatch-http', readings: priced },
        { engine: 'cheerio', readings: priced },
        { engine: 'puppeteer', readings: otherPrice },
        { engine: 'shelfwatch-browser', readings: none },
      ]),
      ['puppeteer', 'shelfwatch-browser'],
    );
  });
});

describe('the estimated Lambda cost per 1,000 pages', () => {
  it('is run-seconds per page × memory × the GB-s price, plus one request per run', () => {
    // 100 pages in 20 runs that took 50 s in all, on 2,048 MB x86_64.
    const cost = costPer1000Pages(
      { runMs: 50_000, pages: 100, runs: 20 },
      { name: 'scraper', memoryMb: 2048, architecture: 'x86_64', source: 'test' },
    );
    assert.equal(cost.gbSecondsPerPage, 1);
    assert.equal(cost.computePer1000, 1000 * LAMBDA_PRICES.perGbSecond.x86_64);
    assert.equal(cost.requestsPer1000, 200 * (LAMBDA_PRICES.perMillionRequests / 1_000_000));
    assert.equal(cost.totalPer1000, cost.computePer1000 + cost.requestsPer1000);
  });
});
