/**
 * One spec, two evaluators: every page the extractors are tested on — the saved real pages
 * (../shared/fixtures/real-pages), the extractor fixtures and the demo shop — read by every
 * extractor of its platform, in Chromium as the scraper reads it (JavaScript off, `readPage`) and
 * in Node on the same HTML (`readHtml`), gives the same raw strings and the same items, compared
 * field by field, and the same block classification. The expected values of each page are
 * asserted by the extractor tests; this file asserts that the Node evaluator reproduces them.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DemoShop, startDemoShop } from '../../demo-shop/index.ts';
import type { Item } from '../../shared/results/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import { decodeHtml } from '../../shared/scraping/http/index.ts';
import {
  type Extractor,
  type ExtractorTarget,
  extractHtml,
  extractPage,
  PAGE_READING,
  type PageExtraction,
  parseHtml,
  type RawPage,
  readPage,
  readParsedHtml,
  registeredExtractors,
} from '../../shared/scraping/extractors/index.ts';
import { REAL_PAGES, serveStaticPages, type StaticPages } from '../helpers/static-pages.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/extractors');

/** The platform of a saved page, from its file or folder name, and the marketplace it is on. */
const AMAZON_MARKETPLACES: Readonly<Record<string, string>> = {
  com: 'US',
  couk: 'UK',
  de: 'DE',
  es: 'ES',
  cojp: 'JP',
  in: 'IN',
};

interface PageCase {
  readonly label: string;
  readonly url: string;
  readonly html: () => Promise<string>;
  readonly platform: string;
  readonly marketplace: string;
}

interface Comparison {
  readonly page: string;
  readonly extractor: string;
  readonly browser: PageExtraction;
  readonly node: PageExtraction;
  readonly browserRaw: RawPage;
  readonly nodeRaw: RawPage;
}

const marketplaceOfPlatform = (platform: string, name: string): string =>
  platform === 'ozon'
    ? 'RU'
    : platform === '1688'
      ? 'CN'
      : (AMAZON_MARKETPLACES[name.split('-')[1] ?? ''] ?? 'US');

const extractorsOf = (platform: string): Extractor[] =>
  registeredExtractors().filter((extractor) => extractor.platform === platform);

/** Every field named by either item, compared one by one; returns how many were compared. */
function assertSameItems(browser: readonly Item[], node: readonly Item[], label: string): number {
  assert.equal(node.length, browser.length, `${label}: item count`);
  let fields = 0;
  browser.forEach((expected, index) => {
    const actual = node[index] as Item;
    const names = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const name of names) {
      assert.deepEqual(
        actual[name as keyof Item],
        expected[name as keyof Item],
        `${label}: item ${index + 1} (${expected.id}) field ${name}`,
      );
      fields += 1;
    }
  });
  return fields;
}

describe('both evaluators of a page spec read the same', () => {
  const host = new BrowserHost();
  const servers: StaticPages[] = [];
  let shop: DemoShop;
  const cases: PageCase[] = [];
  const comparisons: Comparison[] = [];

  const staticCases = async (folder: string, platformOf: (name: string) => string, prefix: string) => {
    const server = await serveStaticPages(folder);
    servers.push(server);
    for (const file of readdirSync(folder)
      .filter((name) => name.endsWith('.html'))
      .sort()) {
      const name = file.replace(/\.html$/, '');
      const platform = platformOf(name);
      cases.push({
        label: `${prefix}${name}`,
        url: `${server.base}/${file}`,
        html: () => Promise.resolve(readFileSync(path.join(folder, file), 'utf8')),
        platform,
        marketplace: marketplaceOfPlatform(platform, name),
      });
    }
  };

  before(async () => {
    assert.ok(
      existsSync(path.join(REAL_PAGES, 'SOURCES.md')),
      `real saved pages not found at ${REAL_PAGES}: the shared/ folder must sit beside the repository`,
    );
    await staticCases(REAL_PAGES, (name) => name.split('-')[0] as string, '');
    for (const platform of ['amazon', 'ozon', '1688'])
      await staticCases(path.join(FIXTURES, platform), () => platform, `fixture ${platform}/`);

    shop = await startDemoShop();
    const demoTargets: Record<
      string,
      { origin: string; marketplace: string; values: Record<string, string> }
    > = {
      amazon: {
        origin: `${shop.url}/amazon/com`,
        marketplace: 'US',
        values: {
          product_details: 'B0CHX1W1XY',
          search_result: 'kettle',
          category: '172541',
          bestsellers: 'kitchen',
        },
      },
      ozon: {
        origin: `${shop.url}/ozon`,
        marketplace: 'RU',
        values: { product_details: '123456789', category: 'chayniki-10000', search_result: 'чайник' },
      },
      '1688': {
        origin: `${shop.url}/1688`,
        marketplace: 'CN',
        values: { product_details: '612345678', search_result: '手机数据线' },
      },
    };
    for (const [platform, demo] of Object.entries(demoTargets)) {
      for (const extractor of extractorsOf(platform)) {
        const value = demo.values[extractor.crawlType];
        assert.ok(value, `no demo target for ${platform}/${extractor.crawlType}`);
        const target: ExtractorTarget = { value, marketplace: demo.marketplace, origin: demo.origin };
        const pageOne = extractor.pageUrl(target, 1);
        const urls = [pageOne, `${pageOne}${pageOne.includes('?') ? '&' : '?'}fault=captcha`];
        if (!extractor.crawlType.includes('details')) urls.push(extractor.pageUrl(target, 2));
        for (const url of urls) {
          cases.push({
            label: `demo ${url.slice(shop.url.length)}`,
            url,
            // Decoded as the HTTP fetcher decodes it: the shop sends 1688's pages in GBK.
            html: async () => {
              const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
              const body = new Uint8Array(await response.arrayBuffer());
              return decodeHtml(body, response.headers.get('content-type') ?? undefined).text;
            },
            platform,
            marketplace: demo.marketplace,
          });
        }
      }
    }

    for (const page of cases) {
      const html = await page.html();
      const parsed = parseHtml(html, page.url);
      const extractors = extractorsOf(page.platform);
      assert.ok(extractors.length > 0, `${page.label}: no extractor for ${page.platform}`);
      await host.withPage(
        { allowRequest: (url) => url.startsWith('http://127.0.0.1:'), javaScript: false },
        async (tab) => {
          const response = await tab.goto(page.url, { waitUntil: 'domcontentloaded' });
          assert.equal(response?.status(), 200, `${page.label} was not served`);
          for (const extractor of extractors) {
            const context = { marketplace: page.marketplace, pageNumber: 1 };
            comparisons.push({
              page: page.label,
              extractor: `${extractor.platform}/${extractor.crawlType}`,
              browserRaw: await tab.evaluate(readPage, extractor.spec, PAGE_READING),
              nodeRaw: readParsedHtml(extractor.spec, parsed),
              browser: await extractPage(tab, extractor, context),
              node: extractHtml(html, page.url, extractor, context),
            });
          }
        },
      );
    }
  });

  after(async () => {
    await host.close();
    await shop?.stop();
    for (const server of servers) await server.stop();
  });

  it('covers every saved real page, every extractor fixture and the demo shop', () => {
    const realPages = readdirSync(REAL_PAGES).filter((name) => name.endsWith('.html'));
    assert.equal(realPages.length, 17);
    for (const file of realPages) {
      const label = file.replace(/\.html$/, '');
      assert.ok(
        comparisons.some((comparison) => comparison.page === label),
        `${file} was not compared`,
      );
    }
    assert.ok(comparisons.some((comparison) => comparison.page.startsWith('fixture 1688/')));
    assert.ok(comparisons.some((comparison) => comparison.page.startsWith('demo /ozon/')));
  });

  it('gives the same raw strings: block reason, variant, every record field, captures, next page', () => {
    for (const { page, extractor, browserRaw, nodeRaw } of comparisons) {
      const label = `${page} by ${extractor}`;
      assert.equal(nodeRaw.url, browserRaw.url, `${label}: url`);
      assert.equal(nodeRaw.title, browserRaw.title, `${label}: title`);
      assert.equal(nodeRaw.blocked, browserRaw.blocked, `${label}: block classification`);
      assert.equal(nodeRaw.variant, browserRaw.variant, `${label}: variant`);
      assert.equal(nodeRaw.records.length, browserRaw.records.length, `${label}: records`);
      browserRaw.records.forEach((record, index) => {
        assert.deepEqual(nodeRaw.records[index], record, `${label}: record ${index + 1}`);
      });
      assert.deepEqual(nodeRaw.captures, browserRaw.captures, `${label}: captures`);
      assert.equal(nodeRaw.nextUrl, browserRaw.nextUrl, `${label}: next page`);
    }
  });

  it('gives the same extraction: blocked, variant, invalid count, next page, result count and each item field by field', (t) => {
    const table = new Map<string, { items: number; fields: number; blocked: string }>();
    for (const { page, extractor, browser, node } of comparisons) {
      const label = `${page} by ${extractor}`;
      assert.equal(browser.mode, 'browser', `${label}: mode recorded`);
      assert.equal(node.mode, 'http', `${label}: mode recorded`);
      assert.equal(node.blocked, browser.blocked, `${label}: block classification`);
      assert.equal(node.variant, browser.variant, `${label}: variant`);
      assert.equal(node.invalid, browser.invalid, `${label}: invalid`);
      assert.equal(node.nextUrl, browser.nextUrl, `${label}: next page`);
      assert.equal(node.resultCount, browser.resultCount, `${label}: result count`);
      const fields = assertSameItems(browser.items, node.items, label);
      const row = table.get(page) ?? { items: 0, fields: 0, blocked: '' };
      table.set(page, {
        items: row.items + browser.items.length,
        fields: row.fields + fields,
        blocked: row.blocked || (browser.blocked ?? ''),
      });
    }
    for (const [page, row] of table)
      t.diagnostic(
        `${page}: ${row.items} items, ${row.fields} fields identical${row.blocked ? `, blocked: ${row.blocked}` : ''}`,
      );
    // Not an empty comparison: each saved page gives items, or is one of the three robot checks.
    for (const file of readdirSync(REAL_PAGES).filter((name) => name.endsWith('.html'))) {
      const page = file.replace(/\.html$/, '');
      const row = table.get(page);
      if (page.includes('captcha')) assert.ok(row?.blocked, `${page} is classified blocked`);
      else assert.ok((row?.items ?? 0) > 0, `${page} gives items to compare`);
    }
  });
});
