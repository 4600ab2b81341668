/**
 * The monitor page in real headless Chromium (the @sparticuz build, loopback only) against the API
 * on DynamoDB Local + fauxqs, seeded with a day of runs: paste the token, see alarms, queues,
 * workers and the chart, filter runs by FAILED, retry one and see it turn QUEUED. A screenshot is
 * saved to test-output/web-page.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type ApiServer, startApiServer } from '../../local/api-server.ts';
import type { Run } from '../../shared/runs/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import { apiStage, type ApiStage, definitionRow, T0 } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { encodeRunMessage } from '../../shared/queues/index.ts';
import { ALARMS } from '../../shared/catalogue/index.ts';
import { LocalAlarms, localAlarmSource, metricKey } from '../../local/alarm-evaluator.ts';

const HOUR_MS = 3_600_000;
const SCREENSHOT = path.resolve(import.meta.dirname, '../../test-output/web-page.png');

const isLoopback = (url: string): boolean => {
  const { protocol, hostname } = new URL(url);
  return (
    (protocol === 'http:' || protocol === 'https:') && (hostname === '127.0.0.1' || hostname === '[::1]')
  );
};

/** Runs a run to the end at `atMs`: acquired, a checkpoint with counts, then SUCCEEDED or FAILED. */
async function finish(api: ApiStage, run: Run, atMs: number, status: 'SUCCEEDED' | 'FAILED', saved: number) {
  const taken = await api.deps.runs.acquire(run.runId, 'scraper', atMs, 60_000);
  assert.ok(taken.acquired);
  const counts = { scraped: saved + 2, saved, skipped: 1, invalid: 1 };
  await api.deps.runs.checkpoint(
    taken.lease,
    { checkpoint: { page: 2, itemsSoFar: saved + 2, lastItemId: `sku-${saved}` }, counts },
    atMs,
    60_000,
  );
  return api.deps.runs.complete(
    taken.lease,
    status === 'FAILED'
      ? {
          status,
          failure: {
            failureClass: 'permanent',
            reason: 'http-404',
            message: 'the category page answered 404',
          },
        }
      : { status },
    atMs,
  );
}

/** A day of runs across the definitions, one FAILED run to retry, one running, one dead-lettered. */
async function seed(api: ApiStage, sqs: SQSClient): Promise<Run> {
  const created = await api.call('POST', '/definitions', {
    body: {
      definitions: [
        definitionRow('ozon-phones', { priority: 'high' }),
        definitionRow('ozon-tvs', { executor: 'any' }),
        definitionRow('kettles-uk', {
          platform: 'amazon',
          marketplace: 'UK',
          crawlType: 'search_result',
          target: 'kettle',
          schedule: { kind: 'every', everyHours: 6, startHour: 2, timeZone: 'Europe/London' },
        }),
      ],
    },
  });
  assert.equal(created.status, 201);
  for (let hoursAgo = 23; hoursAgo >= 1; hoursAgo -= 1) {
    const at = T0 - hoursAgo * HOUR_MS;
    for (const [index, definition] of ['ozon-phones', 'ozon-tvs'].entries()) {
      const run = await api.deps.expander.runNow(definition, `day-${hoursAgo}-${index}`, at);
      const failed = (hoursAgo + index) % 7 === 0;
      await finish(api, run, at + 20 * 60_000, failed ? 'FAILED' : 'SUCCEEDED', 20 + ((hoursAgo * 37) % 60));
    }
  }
  const toRetry = await api.deps.expander.runNow('kettles-uk', 'evening-0001', T0 - 30 * 60_000);
  await finish(api, toRetry, T0 - 10 * 60_000, 'FAILED', 12);
  const running = await api.deps.expander.runNow('ozon-tvs', 'running-0001', T0 - 5 * 60_000);
  await api.deps.broker.register(
    { workerId: 'chrome-worker-01', name: 'chrome 1', browserType: 'chrome' },
    T0,
  );
  await api.deps.broker.register(
    { workerId: 'chrome-worker-02', name: 'chrome 2', browserType: 'chrome' },
    T0,
  );
  const held = await api.deps.runs.acquire(running.runId, 'worker:chrome-worker-01', T0, 30 * 60_000);
  assert.ok(held.acquired);
  await api.deps.workers.heartbeat('chrome-worker-01', T0, running.runId);
  const dead = await api.deps.expander.runNow('ozon-phones', 'dead-0001', T0 - 2 * HOUR_MS);
  await api.deps.runs.markDeadLettered(dead.runId, T0 - HOUR_MS);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: api.stage.resources.queues.high.deadLetterUrl,
      MessageBody: encodeRunMessage({
        runId: dead.runId,
        definitionId: 'ozon-phones',
        slot: dead.slot,
        attempt: 3,
      }),
    }),
  );
  return toRetry;
}

describe('the monitor page in headless Chromium', () => {
  const local = useLocalInfrastructure();
  const host = new BrowserHost();
  let api: ApiStage;
  let server: ApiServer;
  let failedRun: Run;

  before(async () => {
    // The local alarm evaluator, fed the DLQ depth the local runtime would sample.
    const alarms = new LocalAlarms('web');
    api = await apiStage(local(), {
      alarmSource: {
        get available() {
          return true;
        },
        firing: () => localAlarmSource(api.stage.stage, alarms).firing(),
      },
    });
    failedRun = await seed(api, local().clients.sqs);
    // Heartbeats of every heartbeat alarm every 5 minutes for three hours (none fires), and one
    // dead letter.
    const heartbeats = Object.entries(ALARMS)
      .filter(([name]) => name.endsWith('HeartbeatMissing'))
      .map(([, alarm]) => metricKey(alarm.metric));
    assert.ok(heartbeats.length >= 3, `heartbeat alarms: ${heartbeats.join(', ')}`);
    for (let atMs = T0 - 3 * HOUR_MS; atMs < T0; atMs += 5 * 60_000) {
      for (const heartbeat of heartbeats) alarms.record(heartbeat, { atMs, value: 1 });
    }
    alarms.record(metricKey(ALARMS.HighDeadLetters?.metric ?? assert.fail('no HighDeadLetters alarm')), {
      atMs: T0 - 4 * 60_000,
      value: 1,
    });
    alarms.evaluate(T0);
    server = await startApiServer({ dependencies: api.deps });
  });
  after(async () => {
    await host.close();
    await server?.stop();
  });

  it('loads with a pasted token, filters runs by FAILED, retries one and shows it QUEUED', async () => {
    const pageErrors: string[] = [];
    await host.withPage({ allowRequest: isLoopback }, async (page) => {
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(`${server.url}/`, { waitUntil: 'networkidle0' });
      assert.equal(
        await page.$eval('#monitor', (node) => (node as HTMLElement).hidden),
        true,
        'no data before a token',
      );

      await page.type('#token', api.operatorToken);
      await page.click('#token-form button[type=submit]');
      await page.waitForSelector('#monitor:not([hidden])', { timeout: 15_000 });
      assert.equal(
        await page.evaluate(() => sessionStorage.getItem('shelfwatch.token')),
        api.operatorToken,
        'kept in sessionStorage',
      );

      const alarms = await page.$$eval('#alarms li strong', (nodes) => nodes.map((node) => node.textContent));
      assert.deepEqual(alarms, [`shelfwatch-${api.stage.stage}-HighDeadLetters`]);
      const highQueue = await page.$$eval('#queues tbody tr', (rows) =>
        rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
      );
      assert.equal(highQueue[0]?.[0], 'high');
      assert.equal(highQueue[0]?.[4], '1', 'the DLQ depth of high');
      assert.equal(await page.$$eval('#chart svg rect.bar', (bars) => bars.length), 24);
      assert.ok((await page.$$eval('#chart svg circle.rate-point', (points) => points.length)) >= 20);
      const workers = await page.$eval('#workers', (node) => node.textContent ?? '');
      assert.match(workers, /chrome-worker-01busy/);
      assert.match(workers, /chrome-worker-02idle/);
      assert.match(
        await page.$eval('#dlq', (node) => node.textContent ?? ''),
        /ozon-phones@manual-dead-0001/,
      );

      await page.select('#filter-status', 'FAILED');
      await page.click('#run-filter button[type=submit]');
      await page.waitForSelector('#runs[data-shown="status=FAILED"]', { timeout: 15_000 });
      const rowSelector = `#runs tr[data-run-id="${failedRun.runId}"]`;
      const statuses = await page.$$eval('#runs tbody tr .status', (cells) =>
        cells.map((cell) => cell.textContent),
      );
      assert.ok(statuses.length >= 2);
      assert.ok(
        statuses.every((status) => status === 'FAILED'),
        `only FAILED runs: ${statuses.join(', ')}`,
      );

      await page.click(`${rowSelector} button.link`);
      await page.waitForSelector('#run-detail-section:not([hidden])');
      const detail = await page.$eval('#run-detail', (node) => node.textContent ?? '');
      assert.match(detail, /page 2 done, 14 items so far, last sku-12/);
      assert.match(detail, /scraped 14, saved 12, skipped 1, invalid 1/);
      assert.match(detail, /the category page answered 404/);

      await page.click(`${rowSelector} button.retry`);
      await page.waitForFunction(
        (selector) => document.querySelector(`${selector} .status`)?.textContent === 'QUEUED',
        { timeout: 15_000 },
        rowSelector,
      );
      assert.match(await page.$eval('#message', (node) => node.textContent ?? ''), /retried, now QUEUED/);
      // The summary follows: one run moved from FAILED to QUEUED.
      await page.waitForFunction(
        () => document.querySelector('#status-counts [data-status="QUEUED"]')?.textContent === 'QUEUED 1',
        { timeout: 15_000 },
      );
      assert.equal(
        await page.$eval('#status-counts [data-status="FAILED"]', (node) => node.textContent),
        `FAILED ${statuses.length - 1}`,
      );
      assert.equal((await api.deps.runs.require(failedRun.runId)).status, 'QUEUED', 'the API changed it');
      assert.equal(
        await page.$(`${rowSelector} button.retry`),
        null,
        'a QUEUED run offers cancel, not retry',
      );
      assert.match(await page.$eval('#run-detail', (node) => node.textContent ?? ''), /QUEUED/);

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    });
    assert.deepEqual(pageErrors, []);
    assert.equal(host.stats().blockedRequests, 0, 'the page asked for nothing outside the API');
  });
});
