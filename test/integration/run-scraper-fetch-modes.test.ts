/**
 * The run scraper's fetch modes against real components: the demo shop (with its faults) over
 * plain HTTP, DynamoDB Local, and real Chromium for the browser reads (kept to a few pages).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type DemoShop, PER_PAGE, productOf, startDemoShop } from '../../demo-shop/index.ts';
import type { FetchModeSetting } from '../../shared/definitions/index.ts';
import { type ItemSnapshot, ItemStore } from '../../shared/results/index.ts';
import { RunStore } from '../../shared/runs/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import {
  DomainBudget,
  type Escalation,
  type Invocation,
  RunScraper,
  type RunScraperOptions,
  SCRAPER_DEFAULTS,
  SCRAPER_VARIABLES,
  type ScraperLogger,
  totalsOf,
} from '../../shared/scraping/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { createRun, messageOf } from '../helpers/runs.ts';

const plenty: Invocation = { owner: 'scraper-a', remainingMs: () => 900_000 };

/** What a snapshot says about its item, without what differs between two runs of it. */
const itemsOf = (snapshots: readonly ItemSnapshot[]) =>
  snapshots
    .map((snapshot) => ({ itemKey: snapshot.itemKey, pageNumber: snapshot.pageNumber, item: snapshot.item }))
    .sort((a, b) => a.itemKey.localeCompare(b.itemKey));

describe('the run scraper in its fetch modes, on the demo shop', () => {
  const local = useLocalInfrastructure();
  const host = new BrowserHost();
  let shop: DemoShop;
  let runs: RunStore;
  let items: ItemStore;
  let escalations: Escalation[];
  let sequence = 0;

  before(async () => {
    shop = await startDemoShop();
    const { clients, resources } = local();
    runs = new RunStore({
      documents: clients.documents,
      tableName: resources.tables.runs,
      retentionDays: 30,
    });
    items = new ItemStore({ documents: clients.documents, tableName: resources.tables.items });
  });
  after(async () => {
    await host.close();
    await shop.stop();
  });
  beforeEach(() => {
    escalations = [];
    shop.setRules([]);
    shop.requests.length = 0;
  });

  const scraperWith = (overrides: Partial<RunScraperOptions> = {}) => {
    const { clients, resources } = local();
    return new RunScraper({
      runs,
      items,
      definitions: { recordSuccess: () => Promise.resolve() },
      budget: new DomainBudget({
        documents: clients.documents,
        controlTable: resources.tables.control,
        fallback: { ratePerSecond: 1_000, burst: 1_000 },
      }),
      browser: host,
      itemRetentionDays: 90,
      navigationTimeoutMs: 3_000,
      handBackReserveMs: 1_000,
      urlCheck: { allowHosts: [`127.0.0.1:${shop.port}`] },
      originOverride: (platform) => (platform === '1688' ? `${shop.url}/1688` : `${shop.url}/amazon/com`),
      random: () => 0.5,
      onEscalation: (escalation) => escalations.push(escalation),
      ...overrides,
    });
  };

  const newRun = (
    fetchMode: FetchModeSetting,
    options: {
      target?: string;
      maxPages?: number;
      platform?: string;
      marketplace?: string;
      crawlType?: 'search_result' | 'product_details';
    } = {},
  ) => {
    sequence += 1;
    return createRun(runs, {
      id: `kettles-${fetchMode}-${sequence}`,
      platform: options.platform ?? 'amazon',
      marketplace: options.marketplace ?? 'US',
      crawlType: options.crawlType ?? 'search_result',
      target: options.target ?? `kettle ${sequence}`,
      params: { maxPages: options.maxPages ?? 1, maxItems: 1_000 },
      maxAttempts: 3,
      fetchMode,
    });
  };
  /** A logger that keeps what the scraper logs, to see what it recorded. */
  const keptLogs = () => {
    const lines: { message: string; attributes: Record<string, unknown> }[] = [];
    const keep = (message: string, attributes: Record<string, unknown> = {}) => {
      lines.push({ message, attributes });
    };
    const logger: ScraperLogger = { info: keep, warn: keep, error: keep };
    return { lines, logger };
  };
  const pagesRequested = () => shop.requests.filter((path) => path.startsWith('/amazon/com/s'));
  const browserPages = () => host.stats().pagesServed;

  it('reads a listing over HTTP with the same items, field for field, as the browser, and no browser', async () => {
    const inBrowser = await newRun('browser', { target: 'stainless kettle', maxPages: 3 });
    const overHttp = await newRun('http', { target: 'stainless kettle', maxPages: 3 });
    const browserOutcome = await scraperWith().scrape(messageOf(inBrowser), plenty);
    assert.equal(browserOutcome.kind, 'succeeded', JSON.stringify(browserOutcome));
    const browserPagesBefore = browserPages();
    assert.equal((await scraperWith().scrape(messageOf(overHttp), plenty)).kind, 'succeeded');
    assert.equal(browserPages(), browserPagesBefore, 'an http run opens no browser page');

    const [browserRun, httpRun] = [await runs.require(inBrowser.runId), await runs.require(overHttp.runId)];
    assert.deepEqual(httpRun.counts, browserRun.counts);
    assert.deepEqual(httpRun.counts, { scraped: 60, saved: 60, skipped: 0, invalid: 0 });
    assert.equal(httpRun.completeness, 1);
    const browserItems = itemsOf((await items.listByRun(inBrowser.runId)).snapshots);
    const httpItems = itemsOf((await items.listByRun(overHttp.runId)).snapshots);
    assert.equal(httpItems.length, 60);
    assert.deepEqual(httpItems, browserItems);
    const [browserTotals, httpTotals] = [totalsOf(browserRun.checkpoint), totalsOf(httpRun.checkpoint)];
    assert.deepEqual([browserTotals.pagesBrowser, browserTotals.pagesHttp], [3, 0]);
    assert.deepEqual([httpTotals.pagesHttp, httpTotals.pagesBrowser, httpTotals.escalations], [3, 0, 0]);
  });

  it('takes one budget token per request over HTTP, not a second one per page', async () => {
    const taken: string[] = [];
    const run = await newRun('http', { maxPages: 3 });
    const outcome = await scraperWith({
      budget: {
        take: (domain) => {
          taken.push(domain);
          return Promise.resolve({ granted: true, count: 1 });
        },
      },
    }).scrape(messageOf(run), plenty);
    assert.equal(outcome.kind, 'succeeded');
    assert.equal(pagesRequested().length, 3);
    assert.deepEqual(taken, ['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('keeps an auto run on HTTP while HTTP reads its pages well', async () => {
    const run = await newRun('auto', { maxPages: 2 });
    const browserPagesBefore = browserPages();
    assert.equal((await scraperWith().scrape(messageOf(run), plenty)).kind, 'succeeded');
    const stored = await runs.require(run.runId);
    const totals = totalsOf(stored.checkpoint);
    assert.deepEqual([totals.pagesHttp, totals.pagesBrowser, totals.escalations], [2, 0, 0]);
    assert.equal(browserPages(), browserPagesBefore);
    assert.deepEqual(escalations, []);
    assert.equal(stored.escalation, undefined, 'no escalation stored on the run');
  });

  it('escalates an auto run to the browser on a captcha page, for the rest of the run, and counts it', async () => {
    const run = await newRun('auto', { maxPages: 2 });
    shop.setRules([{ path: '/amazon/com/s', fault: 'captcha', times: 1 }]);
    const outcome = await scraperWith().scrape(messageOf(run), plenty);
    assert.equal(outcome.kind, 'succeeded', JSON.stringify(outcome));
    const finished = await runs.require(run.runId);
    assert.deepEqual(finished.counts, { scraped: 40, saved: 40, skipped: 0, invalid: 0 });
    assert.equal(finished.blockedAttempts, 0, 'the browser read the page: not a blocked attempt');
    const totals = totalsOf(finished.checkpoint);
    assert.deepEqual(
      [totals.pagesHttp, totals.pagesBrowser, totals.escalations, totals.escalated],
      [0, 2, 1, true],
    );
    assert.deepEqual(
      escalations.map((escalation) => [escalation.runId, escalation.page, escalation.reason]),
      [[run.runId, 1, 'blocked']],
    );
    // Stored on the run: why, on which page, when (an ISO time).
    assert.deepEqual(
      [finished.escalation?.reason, finished.escalation?.page],
      ['blocked', 1],
      JSON.stringify(finished.escalation),
    );
    const at = finished.escalation?.at ?? '';
    assert.equal(new Date(at).toISOString(), at);
    assert.ok(at >= finished.createdAt && at <= (finished.finishedAt ?? ''), `${at} within the run`);
    // Page 1 over HTTP (the captcha), page 1 again and page 2 in the browser.
    const requested = pagesRequested();
    assert.equal(requested.length, 3, requested.join(' '));
    assert.ok(requested[2]?.includes('page=2'), requested.join(' '));
  });

  it('classes a 503 and a hanging page over HTTP as transient, and a 429 or a 403 as blocked, as the browser does', async () => {
    const cases = [
      { mode: 'http', fault: '503', failureClass: 'transient', reason: 'http-503' },
      { mode: 'auto', fault: '503', failureClass: 'transient', reason: 'http-503' },
      { mode: 'http', fault: 'hang', failureClass: 'transient', reason: 'timeout' },
      { mode: 'http', fault: '429', failureClass: 'blocked', reason: 'http-429' },
      { mode: 'http', fault: '403', failureClass: 'blocked', reason: 'http-403' },
    ] as const;
    for (const { mode, fault, failureClass, reason } of cases) {
      const run = await newRun(mode);
      shop.setRules([{ path: '/amazon/com/s', fault, times: 1 }]);
      const outcome = await scraperWith().scrape(messageOf(run), plenty);
      const label = `${mode} ${fault}: ${JSON.stringify(outcome)}`;
      assert.ok(outcome.kind === 'retry', label);
      assert.equal(outcome.failure.failureClass, failureClass, label);
      assert.equal(outcome.failure.reason, reason, label);
      const waiting = await runs.require(run.runId);
      assert.equal(waiting.status, 'RETRY_WAIT', label);
      assert.equal(waiting.blockedAttempts, failureClass === 'blocked' ? 1 : 0, label);
      // The next attempt reads the page (the fault was for one request).
      assert.equal((await scraperWith().scrape(messageOf(run), plenty)).kind, 'succeeded', label);
    }
    assert.deepEqual(escalations, [], 'a transient failure is not escalated');
  });

  it('refuses a redirect into the private network and fails the run for good', async () => {
    const run = await newRun('http');
    shop.setRules([{ path: '/amazon/com/s', redirectTo: 'http://169.254.169.254/latest/meta-data/' }]);
    const outcome = await scraperWith().scrape(messageOf(run), plenty);
    assert.ok(outcome.kind === 'failed', JSON.stringify(outcome));
    assert.equal(outcome.failure.failureClass, 'permanent');
    assert.equal(outcome.failure.reason, 'url-blocked');
    assert.match(outcome.failure.message, /169\.254\.169\.254.*a redirect from http:\/\/127\.0\.0\.1/);
    assert.equal((await runs.require(run.runId)).status, 'FAILED');
    assert.equal(pagesRequested().length, 1, 'the redirect was not followed');
  });

  it('fails a page past the response cap for good, over HTTP and in auto, naming the setting to raise', async () => {
    assert.ok(SCRAPER_DEFAULTS.maxResponseBytes < 17 * 1024 * 1024, 'the shop pads past the default cap');
    for (const mode of ['http', 'auto'] as const) {
      const run = await newRun(mode);
      shop.setRules([{ path: '/amazon/com/s', fault: 'oversized' }]);
      // The scraper's default cap (16 MiB), as deployed.
      const outcome = await scraperWith().scrape(messageOf(run), plenty);
      const label = `${mode}: ${JSON.stringify(outcome)}`;
      assert.ok(outcome.kind === 'failed', label);
      assert.equal(outcome.failure.failureClass, 'permanent', label);
      assert.equal(outcome.failure.reason, 'response-too-large', label);
      assert.match(
        outcome.failure.message,
        new RegExp(`more than ${SCRAPER_DEFAULTS.maxResponseBytes} bytes`),
      );
      assert.match(outcome.failure.message, new RegExp(SCRAPER_VARIABLES.maxResponseBytes));
      const failed = await runs.require(run.runId);
      assert.equal(failed.status, 'FAILED', label);
      assert.equal(failed.attempts, 1, 'no retry: the page will be as large next time');
      assert.deepEqual(failed.counts, { scraped: 0, saved: 0, skipped: 0, invalid: 0 });
      assert.equal((await items.listByRun(run.runId)).snapshots.length, 0);
    }
    assert.deepEqual(escalations, [], 'a permanent failure is not escalated');
    assert.equal(pagesRequested().length, 2, 'one request per run');
  });

  it('reads 1688 pages sent in GBK with their Chinese text, over HTTP as in the browser', async () => {
    const keyword = '数据线';
    // The shop sends GBK bytes with the charset only in the page's meta tag, as 1688 does.
    const raw = await fetch(`${shop.url}/1688/search?keywords=${encodeURIComponent(keyword)}`);
    assert.equal(raw.headers.get('content-type'), 'text/html');
    const bytes = Buffer.from(await raw.arrayBuffer());
    assert.match(bytes.toString('latin1'), /<meta charset="gbk">/);
    const decoded = new TextDecoder('gbk').decode(bytes);
    assert.match(decoded, /下一页/);
    assert.ok(!bytes.includes(Buffer.from('下一页')), 'not UTF-8 bytes');

    const overHttp = await newRun('http', {
      platform: '1688',
      marketplace: 'CN',
      target: keyword,
      maxPages: 2,
    });
    const inBrowser = await newRun('browser', {
      platform: '1688',
      marketplace: 'CN',
      target: keyword,
      maxPages: 2,
    });
    assert.equal((await scraperWith().scrape(messageOf(overHttp), plenty)).kind, 'succeeded');
    assert.equal((await scraperWith().scrape(messageOf(inBrowser), plenty)).kind, 'succeeded');
    const httpRun = await runs.require(overHttp.runId);
    assert.deepEqual(httpRun.counts, { scraped: 2 * PER_PAGE, saved: 2 * PER_PAGE, skipped: 0, invalid: 0 });
    assert.equal(httpRun.completeness, 1);
    assert.deepEqual(totalsOf(httpRun.checkpoint).pagesHttp, 2);
    const httpSnapshots = (await items.listByRun(overHttp.runId)).snapshots;
    assert.equal(httpSnapshots.length, 2 * PER_PAGE);
    for (const { item } of httpSnapshots) {
      const product = productOf('1688', item.id);
      assert.equal(item.title, product.title);
      assert.match(item.title ?? '', /\p{Script=Han}/u, item.title);
      assert.equal(item.seller, product.seller);
      assert.equal(item.price, product.priceMinor / 100);
      assert.equal(item.currency, 'CNY');
    }
    assert.deepEqual(itemsOf(httpSnapshots), itemsOf((await items.listByRun(inBrowser.runId)).snapshots));
  });

  it('reads a page whose prices a script fills in over HTTP without them, as it is', async () => {
    const asin = 'B0JSPRICE1';
    const run = await newRun('http', { crawlType: 'product_details', target: asin });
    shop.setRules([{ path: `/amazon/com/dp/${asin}`, fault: 'js-prices' }]);
    assert.equal((await scraperWith().scrape(messageOf(run), plenty)).kind, 'succeeded');
    const finished = await runs.require(run.runId);
    assert.ok((finished.completeness ?? 1) < 1, `completeness ${finished.completeness}`);
    const [snapshot] = (await items.listByRun(run.runId)).snapshots;
    assert.equal(snapshot?.item.title, productOf('amazon', asin).title);
    assert.equal(snapshot?.item.price, undefined, 'no price over plain HTTP');
    assert.deepEqual(escalations, [], 'an http run is never escalated');
  });

  it('escalates an auto run to the browser when required fields are missing over HTTP, and saves complete items', async () => {
    const cases = [
      {
        platform: 'amazon',
        marketplace: 'US',
        crawlType: 'product_details',
        target: 'B0JSPRICE2',
        path: '/amazon/com/dp/',
        pages: 1,
        items: 1,
      },
      {
        platform: '1688',
        marketplace: 'CN',
        crawlType: 'search_result',
        target: '保温杯',
        path: '/1688/',
        pages: 2,
        items: 2 * PER_PAGE,
      },
    ] as const;
    for (const { platform, marketplace, crawlType, target, path, pages, items: itemCount } of cases) {
      escalations = [];
      const { lines, logger } = keptLogs();
      const run = await newRun('auto', { platform, marketplace, crawlType, target, maxPages: pages });
      // Every page of the run is JavaScript-rendered (the browser's reads too).
      shop.setRules([{ path, fault: 'js-prices' }]);
      const outcome = await scraperWith({ logger }).scrape(messageOf(run), plenty);
      const label = `${platform} ${crawlType}: ${JSON.stringify(outcome)}`;
      assert.equal(outcome.kind, 'succeeded', label);
      const finished = await runs.require(run.runId);
      assert.deepEqual(
        finished.counts,
        { scraped: itemCount, saved: itemCount, skipped: 0, invalid: 0 },
        label,
      );
      assert.equal(finished.completeness, 1, label);
      const totals = totalsOf(finished.checkpoint);
      assert.deepEqual(
        [totals.pagesHttp, totals.pagesBrowser, totals.escalations, totals.escalated],
        [0, pages, 1, true],
        label,
      );
      assert.deepEqual(
        escalations.map((escalation) => [escalation.runId, escalation.page, escalation.reason]),
        [[run.runId, 1, 'missing-fields']],
        label,
      );
      assert.match(escalations[0]?.detail ?? '', /items, variant /);
      assert.deepEqual(
        [finished.escalation?.reason, finished.escalation?.page],
        ['missing-fields', 1],
        `${label}: the reason is stored on the run`,
      );
      // The reason is in the run's log line, with the run's keys.
      const logged = lines.filter((line) => line.message === 'run escalated to the browser');
      assert.equal(logged.length, 1, label);
      assert.equal(logged[0]?.attributes.reason, 'missing-fields');
      assert.equal(logged[0]?.attributes.runId, run.runId);
      // Every saved item has its price, the one the script filled in.
      const snapshots = (await items.listByRun(run.runId)).snapshots;
      assert.equal(snapshots.length, itemCount, label);
      for (const { item } of snapshots) {
        const product = productOf(platform, item.id);
        assert.equal(item.price, product.priceMinor / 100, `${label} ${item.id}`);
        assert.equal(item.title, product.title, `${label} ${item.id}`);
      }
    }
  });
});
