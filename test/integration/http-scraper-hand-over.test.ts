/**
 * Routing and the escalation hand-over between the two scraper functions, on real components
 * (fauxqs queues, DynamoDB Local, the demo shop, Chromium for the browser side): an `auto` run is
 * sent to the HTTP queue; the HTTP-only scraper (no browser) meets a captcha, hands the run to the
 * browser queue of its priority with its checkpoint marked escalated and its attempt refunded; the
 * Chromium scraper finishes it. Stale and duplicate messages are acknowledged as not theirs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { type DemoShop, startDemoShop } from '../../demo-shop/index.ts';
import { RunQueue } from '../../shared/queues/index.ts';
import { ItemStore } from '../../shared/results/index.ts';
import { RunStore } from '../../shared/runs/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import {
  consumeRunMessage,
  DomainBudget,
  type Escalation,
  RunScraper,
  type RunScraperOptions,
  totalsOf,
} from '../../shared/scraping/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { drainQueue } from '../helpers/queues.ts';
import { createRun } from '../helpers/runs.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('an auto run handed from the HTTP scraper to the Chromium scraper', () => {
  const local = useLocalInfrastructure();
  const host = new BrowserHost();
  let shop: DemoShop;
  let runs: RunStore;
  let items: ItemStore;
  let queue: RunQueue;
  const escalations: Escalation[] = [];

  before(async () => {
    shop = await startDemoShop();
    const { clients, resources } = local();
    runs = new RunStore({
      documents: clients.documents,
      tableName: resources.tables.runs,
      retentionDays: 30,
    });
    items = new ItemStore({ documents: clients.documents, tableName: resources.tables.items });
    const byPriority = (pick: (q: (typeof resources.queues)['normal']) => string) => ({
      high: pick(resources.queues.high),
      normal: pick(resources.queues.normal),
      low: pick(resources.queues.low),
    });
    queue = new RunQueue({
      sqs: clients.sqs,
      queueUrls: byPriority((q) => q.url),
      httpQueueUrls: byPriority((q) => q.httpUrl),
    });
  });
  after(async () => {
    await host.close();
    await shop.stop();
  });

  const scraperWith = (overrides: Partial<RunScraperOptions>) => {
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
      itemRetentionDays: 90,
      navigationTimeoutMs: 5_000,
      handBackReserveMs: 1_000,
      urlCheck: { allowHosts: [`127.0.0.1:${shop.port}`] },
      originOverride: () => `${shop.url}/amazon/com`,
      onEscalation: (escalation) => escalations.push(escalation),
      ...overrides,
    });
  };

  const receiveOne = async (url: string): Promise<Message | undefined> => {
    const { Messages = [] } = await local().clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    assert.ok(Messages.length <= 1, `at most one message, got ${Messages.length}`);
    return Messages[0];
  };
  const consume = (scraper: RunScraper, message: Message, queueUrl: string, owner: string) =>
    consumeRunMessage(
      { body: message.Body ?? '', receiptHandle: message.ReceiptHandle ?? '', queueUrl },
      scraper,
      queue,
      { owner, remainingMs: () => 300_000 },
      silent,
    );

  it('is routed to the HTTP queue, handed over once on a captcha, and finished once in the browser', async () => {
    const { normal } = local().resources.queues;
    const httpScraper = scraperWith({}); // no browser: the HTTP-only function
    const chromiumScraper = scraperWith({ browser: host });
    const run = await createRun(runs, {
      id: 'hand-over-kettles',
      crawlType: 'search_result',
      target: 'kettle',
      params: { maxPages: 2, maxItems: 1_000 },
      fetchMode: 'auto',
    });
    await queue.sendNow([run]);
    assert.deepEqual(await drainQueue(local().clients.sqs, normal.url), [], 'nothing on the browser queue');
    const httpMessage = await receiveOne(normal.httpUrl);
    assert.ok(httpMessage, 'the auto run is on the HTTP queue of its priority');

    shop.setRules([{ path: '/amazon/com/s', fault: 'captcha', times: 1 }]);
    shop.requests.length = 0;
    const handed = await consume(httpScraper, httpMessage, normal.httpUrl, 'http-scraper');
    assert.equal(handed.verdict, 'done', 'the HTTP message is acknowledged');
    assert.equal(handed.outcome.kind, 'handed-back');
    assert.equal('why' in handed.outcome ? handed.outcome.why : undefined, 'escalate');
    assert.equal(escalations.length, 1);
    assert.equal(escalations[0]?.reason, 'blocked');
    assert.equal(shop.requests.length, 1, 'one request over HTTP (the captcha), none for a browser');

    const waiting = await runs.require(run.runId);
    assert.equal(waiting.status, 'RETRY_WAIT');
    assert.equal(waiting.attempts, 0, 'the attempt is refunded: a hand-over is not a failure');
    assert.equal(totalsOf(waiting.checkpoint).escalated, true, 'written before the message was sent');
    assert.equal(totalsOf(waiting.checkpoint).escalations, 1);
    assert.deepEqual(
      [waiting.escalation?.reason, waiting.escalation?.page],
      ['blocked', 1],
      `the reason is stored on the run with the hand-over: ${JSON.stringify(waiting.escalation)}`,
    );
    assert.equal(waiting.lastFailure, undefined);

    assert.equal(await receiveOne(normal.httpUrl), undefined, 'nothing new on the HTTP queue');
    const browserMessage = await receiveOne(normal.url);
    assert.ok(browserMessage, 'a fresh message on the browser queue of the same priority');

    const finished = await consume(chromiumScraper, browserMessage, normal.url, 'chromium-scraper');
    assert.equal(finished.outcome.kind, 'succeeded', JSON.stringify(finished.outcome));
    const done = await runs.require(run.runId);
    assert.equal(done.status, 'SUCCEEDED');
    assert.equal(done.attempts, 1, 'one attempt: the one that read the pages');
    const totals = totalsOf(done.checkpoint);
    assert.deepEqual(
      { pagesHttp: totals.pagesHttp, pagesBrowser: totals.pagesBrowser, escalations: totals.escalations },
      { pagesHttp: 0, pagesBrowser: 2, escalations: 1 },
    );
    assert.deepEqual(done.escalation, waiting.escalation, 'kept when the browser finishes the run');
    const saved = await items.listByRun(run.runId);
    assert.ok(saved.snapshots.length > 0);
    assert.equal(new Set(saved.snapshots.map((s) => s.itemKey)).size, saved.snapshots.length);

    // A stale copy of either message, delivered again, is acknowledged and changes nothing.
    for (const [scraper, message, url] of [
      [httpScraper, httpMessage, normal.httpUrl],
      [chromiumScraper, browserMessage, normal.url],
    ] as const) {
      const again = await consume(scraper, message, url, 'late-consumer');
      assert.equal(again.verdict, 'done');
      assert.deepEqual(
        again.outcome.kind === 'skipped' ? again.outcome.reason : again.outcome.kind,
        'terminal',
      );
    }
    const after = await runs.require(run.runId);
    assert.equal(after.status, 'SUCCEEDED');
    assert.equal(after.fencingToken, done.fencingToken, 'no consumer took the lease again');
    assert.equal((await items.listByRun(run.runId)).snapshots.length, saved.snapshots.length);
    assert.equal(escalations.length, 1);
  });
});
