/**
 * The scraper's run lifecycle against real components: DynamoDB Local (runs, items, budget),
 * real Chromium and the demo shop with fault injection.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type DemoShop, startDemoShop } from '../../demo-shop/index.ts';
import { ItemStore } from '../../shared/results/index.ts';
import { type Run, RunStore } from '../../shared/runs/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import {
  DomainBudget,
  type Invocation,
  RunScraper,
  type RunScraperOptions,
} from '../../shared/scraping/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { createRun, messageOf } from '../helpers/runs.ts';

const plenty: Invocation = { owner: 'scraper-a', remainingMs: () => 900_000 };

describe('the run scraper on the demo shop, DynamoDB Local and real Chromium', () => {
  const local = useLocalInfrastructure();
  const host = new BrowserHost();
  let shop: DemoShop;
  let runs: RunStore;
  let items: ItemStore;
  let successes: string[];
  let published: Run[];
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
    successes = [];
    published = [];
    shop.setRules([]);
    shop.requests.length = 0;
  });

  const scraperWith = (overrides: Partial<RunScraperOptions> = {}) => {
    const { clients, resources } = local();
    return new RunScraper({
      runs,
      items,
      definitions: {
        recordSuccess: (definitionId: string) => {
          successes.push(definitionId);
          return Promise.resolve();
        },
      },
      budget: new DomainBudget({
        documents: clients.documents,
        controlTable: resources.tables.control,
        fallback: { ratePerSecond: 1_000, burst: 1_000 },
      }),
      browser: host,
      summaries: {
        publish: (run) => {
          published.push(run);
          return Promise.resolve();
        },
      },
      itemRetentionDays: 90,
      navigationTimeoutMs: 3_000,
      handBackReserveMs: 1_000,
      urlCheck: { allowHosts: [`127.0.0.1:${shop.port}`] },
      originOverride: () => `${shop.url}/amazon/com`,
      random: () => 0.5,
      ...overrides,
    });
  };

  /** A new run of a search definition; `target` may be a keyword or a URL. */
  const newRun = (
    options: { target?: string; maxPages?: number; maxItems?: number; maxAttempts?: number } = {},
  ) => {
    sequence += 1;
    return createRun(runs, {
      id: `kettles-${sequence}`,
      crawlType: 'search_result',
      target: options.target ?? `kettle ${sequence}`,
      params: { maxPages: options.maxPages ?? 3, maxItems: options.maxItems ?? 1_000 },
      maxAttempts: options.maxAttempts ?? 3,
      // This file is the browser path (HTTP and auto: run-scraper-fetch-modes.test.ts).
      fetchMode: 'browser',
    });
  };
  const pagesRequested = () => shop.requests.filter((path) => path.startsWith('/amazon/com/s'));

  it('reads every page, checkpointing each, saves the items and finishes the run', async () => {
    const run = await newRun({ maxPages: 3 });
    const outcome = await scraperWith().scrape(messageOf(run), plenty);
    assert.equal(outcome.kind, 'succeeded');
    const finished = await runs.require(run.runId);
    assert.equal(finished.status, 'SUCCEEDED');
    assert.deepEqual(finished.counts, { scraped: 60, saved: 60, skipped: 0, invalid: 0 });
    assert.equal(finished.completeness, 1);
    assert.equal(finished.checkpoint?.page, 3);
    assert.equal(pagesRequested().length, 3);
    assert.equal((await items.listByRun(run.runId)).snapshots.length, 60);
    assert.deepEqual(successes, [run.definitionId]);
    assert.deepEqual(
      published.map((r) => r.status),
      ['SUCCEEDED'],
    );
  });

  it('stops at maxItems and counts the rest as skipped', async () => {
    const run = await newRun({ maxPages: 3, maxItems: 25 });
    await scraperWith().scrape(messageOf(run), plenty);
    const finished = await runs.require(run.runId);
    assert.deepEqual(finished.counts, { scraped: 40, saved: 25, skipped: 15, invalid: 0 });
    assert.equal(pagesRequested().length, 2);
  });

  it('hands the run back before the deadline and the next attempt resumes without re-reading done pages', async () => {
    const run = await newRun({ maxPages: 3 });
    let pagesLeft = 1;
    // The clock of the invocation: enough time for one page, then "almost out of time".
    const shortLived: Invocation = {
      owner: 'scraper-a',
      remainingMs: () => (pagesLeft-- > 0 ? 900_000 : 2_000),
    };
    const first = await scraperWith().scrape(messageOf(run), shortLived);
    assert.equal(first.kind, 'handed-back');
    const handedBack = await runs.require(run.runId);
    assert.equal(handedBack.status, 'RETRY_WAIT');
    assert.equal(handedBack.checkpoint?.page, 1);
    assert.equal(handedBack.attempts, 0, 'a hand-back is not a failed attempt');
    assert.equal(pagesRequested().length, 1);

    const second = await scraperWith().scrape(messageOf(run), { ...plenty, owner: 'scraper-b' });
    assert.equal(second.kind, 'succeeded');
    const requested = pagesRequested();
    assert.equal(requested.length, 3);
    assert.ok(requested[1]?.includes('page=2') && requested[2]?.includes('page=3'), requested.join(' '));
    const finished = await runs.require(run.runId);
    assert.deepEqual(finished.counts, { scraped: 60, saved: 60, skipped: 0, invalid: 0 });
    assert.equal((await items.listByRun(run.runId)).snapshots.length, 60);
  });

  it('retries a 5xx as transient, with the failure on the run and backoff as the delay', async () => {
    const run = await newRun({ maxPages: 1 });
    shop.setRules([{ path: '/amazon/com/s', fault: '503', times: 1 }]);
    const outcome = await scraperWith().scrape(messageOf(run), plenty);
    assert.equal(outcome.kind, 'retry');
    assert.ok(outcome.kind === 'retry' && outcome.failure.failureClass === 'transient');
    assert.ok(outcome.kind === 'retry' && outcome.delaySeconds >= 15 && outcome.delaySeconds <= 30);
    const waiting = await runs.require(run.runId);
    assert.equal(waiting.status, 'RETRY_WAIT');
    assert.equal(waiting.lastFailure?.reason, 'http-503');
    assert.equal((await scraperWith().scrape(messageOf(run), plenty)).kind, 'succeeded');
  });

  it('keeps the checkpoint of the pages before a failing page, and the retry resumes after them', async () => {
    const run = await newRun({ maxPages: 3 });
    shop.setRules([{ path: '/amazon/com/s', fault: '503', after: 2, times: 1 }]);
    const outcome = await scraperWith().scrape(messageOf(run), plenty);
    assert.equal(outcome.kind, 'retry');
    const waiting = await runs.require(run.runId);
    assert.equal(waiting.checkpoint?.page, 2, 'pages 1 and 2 stay done');
    assert.equal(waiting.counts.saved, 40);
    assert.equal((await items.listByRun(run.runId)).snapshots.length, 40);
    assert.equal((await scraperWith().scrape(messageOf(run), plenty)).kind, 'succeeded');
    const requested = pagesRequested();
    assert.equal(requested.length, 4, requested.join(' '));
    assert.ok(requested[3]?.includes('page=3'), 'the retry asks for page 3 only');
    assert.deepEqual((await runs.require(run.runId)).counts, {
      scraped: 60,
      saved: 60,
      skipped: 0,
      invalid: 0,
    });
  });

  it('treats a captcha page and a 429 as blocked, counted apart, with the longer backoff', async () => {
    for (const fault of ['captcha', '429'] as const) {
      const run = await newRun({ maxPages: 1 });
      shop.setRules([{ path: '/amazon/com/s', fault, times: 1 }]);
      const outcome = await scraperWith().scrape(messageOf(run), plenty);
      assert.ok(outcome.kind === 'retry' && outcome.failure.failureClass === 'blocked', fault);
      assert.ok(outcome.kind === 'retry' && outcome.delaySeconds >= 150, fault);
      const waiting = await runs.require(run.runId);
      assert.equal(waiting.blockedAttempts, 1, fault);
      assert.equal(waiting.lastFailure?.reason, fault === 'captcha' ? 'captcha' : 'http-429');
    }
  });

  it('times out a page that never finishes as transient', async () => {
    const run = await newRun({ maxPages: 1 });
    shop.setRules([{ path: '/amazon/com/s', fault: 'hang', times: 1 }]);
    const outcome = await scraperWith().scrape(messageOf(run), plenty);
    assert.ok(outcome.kind === 'retry' && outcome.failure.reason === 'timeout', JSON.stringify(outcome));
  });

  it('fails a 404 at once, without retry', async () => {
    const run = await newRun({ maxPages: 1 });
    shop.setRules([{ path: '/amazon/com/s', fault: '404' }]);
    const outcome = await scraperWith().scrape(messageOf(run), plenty);
    assert.equal(outcome.kind, 'failed');
    const failed = await runs.require(run.runId);
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.lastFailure?.failureClass, 'permanent');
    assert.deepEqual(
      published.map((r) => r.status),
      ['FAILED'],
    );
  });

  it('fails the run when its last attempt fails', async () => {
    const run = await newRun({ maxPages: 1, maxAttempts: 1 });
    shop.setRules([{ path: '/amazon/com/s', fault: '500' }]);
    const outcome = await scraperWith().scrape(messageOf(run), plenty);
    assert.equal(outcome.kind, 'failed');
    assert.equal((await runs.require(run.runId)).status, 'FAILED');
  });

  it('refuses a target that points at the metadata service, and fails the run for good', async () => {
    const run = await newRun({ target: 'http://169.254.169.254/latest/meta-data/', maxPages: 1 });
    const outcome = await scraperWith().scrape(messageOf(run), plenty);
    assert.ok(
      outcome.kind === 'failed' && outcome.failure.reason === 'invalid-target',
      JSON.stringify(outcome),
    );
    assert.equal(shop.requests.length, 0);
  });

  it('refuses a next-page link into the private network (the SSRF guard), and fails the run for good', async () => {
    const run = await newRun({ maxPages: 3 });
    // A page whose "next" link points at the metadata service, saved as the run's checkpoint.
    const taken = await runs.acquire(run.runId, 'earlier-holder', Date.now(), 60_000);
    assert.ok(taken.acquired);
    await runs.checkpoint(
      taken.lease,
      {
        checkpoint: { page: 1, itemsSoFar: 0, nextUrl: 'http://169.254.169.254/latest/meta-data/' },
        counts: taken.run.counts,
      },
      Date.now(),
      60_000,
    );
    await runs.release(taken.lease, { delaySeconds: 0, refundAttempt: true }, Date.now());
    const outcome = await scraperWith().scrape(messageOf(run), plenty);
    assert.ok(outcome.kind === 'failed' && outcome.failure.reason === 'url-blocked', JSON.stringify(outcome));
    assert.equal(shop.requests.length, 0);
  });

  it('acknowledges a message whose run is finished or held by another scraper', async () => {
    const done = await newRun({ maxPages: 1 });
    await scraperWith().scrape(messageOf(done), plenty);
    assert.deepEqual(await scraperWith().scrape(messageOf(done), plenty), {
      kind: 'skipped',
      reason: 'terminal',
      runId: done.runId,
    });
    const held = await newRun({ maxPages: 1 });
    await runs.acquire(held.runId, 'someone-else', Date.now(), 60_000);
    assert.deepEqual(await scraperWith().scrape(messageOf(held), plenty), {
      kind: 'skipped',
      reason: 'leased',
      runId: held.runId,
    });
  });

  it('hands the run back when the domain is over budget, instead of failing it', async () => {
    const run = await newRun({ maxPages: 1 });
    const outcome = await scraperWith({
      budget: { take: () => Promise.resolve({ granted: false, retryAfterMs: 45_000 }) },
    }).scrape(messageOf(run), plenty);
    assert.ok(outcome.kind === 'handed-back' && outcome.why === 'budget' && outcome.delaySeconds === 45);
    const waiting = await runs.require(run.runId);
    assert.equal(waiting.status, 'RETRY_WAIT');
    assert.equal(waiting.attempts, 0);
    assert.equal(shop.requests.length, 0);
  });
});
