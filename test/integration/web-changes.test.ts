/**
 * The changes feed and the item page in real headless Chromium (the @sparticuz build, loopback
 * only) against the API on DynamoDB Local + fauxqs. The data is written the way workers write
 * it: twelve runs of a listing 12 hours apart read through seed 004's routes (pull, ingest, complete),
 * so snapshots, states and changes come from the real ingest and change recorder. One item has
 * a title that is HTML, changes price and rank, and is missing from three runs in a row (a gap).
 * A screenshot of the item page is saved to test-output/web-item.png.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApiServer, startApiServer } from '../../local/api-server.ts';
import type { ChangeRecord } from '../../shared/changes/index.ts';
import type { ItemSnapshot } from '../../shared/results/index.ts';
import { BrowserHost } from '../../shared/scraping/browser/index.ts';
import { apiStage, type ApiStage, definitionRow, T0 } from '../helpers/api.ts';
import { HOUR_MS } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { workerRun } from '../helpers/worker-run.ts';

const SCREENSHOT = path.resolve(import.meta.dirname, '../../test-output/web-item.png');
const XSS_TITLE = '<img src=x onerror="window.__xss=1"> Kettle 1.7 l <b>steel</b>';
const WATCHED = 'B0KETTLE01';
const WATCHED_KEY = `ozon:RU:${WATCHED}`;
const RUNS = 12;
/** Runs every 12 hours: five and a half days, drawn in the 7-day range. */
const RUN_EVERY_MS = 12 * HOUR_MS;
const WEEK_MS = 7 * 24 * HOUR_MS;
/** The watched item's price and rank in each run; null: not on the listing that time. */
const WATCHED_RUNS: readonly ({ price: number; rank: number } | null)[] = [
  { price: 500, rank: 3 },
  { price: 500, rank: 3 },
  { price: 480, rank: 2 },
  { price: 480, rank: 2 },
  { price: 520, rank: 4 },
  { price: 520, rank: 1 },
  null,
  null,
  null,
  { price: 450, rank: 5 },
  { price: 450, rank: 2 },
  { price: 430, rank: 1 },
];

const isLoopback = (url: string): boolean => {
  const { protocol, hostname } = new URL(url);
  return (
    (protocol === 'http:' || protocol === 'https:') && (hostname === '127.0.0.1' || hostname === '[::1]')
  );
};

/** One run of the definition, read by a worker. */
const workerRunOf = (api: ApiStage, definitionId: string, products: readonly Record<string, unknown>[]) =>
  workerRun(api, definitionId, products, { workerId: 'chrome-worker-web' });

/** Every page of a listing through the API. */
async function readAll<T>(api: ApiStage, path: string, field: string): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const answer = await api.call<Record<string, unknown>>(
      'GET',
      cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path,
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    all.push(...(answer.body[field] as T[]));
    cursor = answer.body.cursor as string | undefined;
  } while (cursor);
  return all;
}

describe('the changes feed and the item page in headless Chromium', () => {
  const local = useLocalInfrastructure();
  const host = new BrowserHost();
  let api: ApiStage;
  let server: ApiServer;

  before(async () => {
    api = await apiStage(local());
    const created = await api.call('POST', '/definitions', {
      body: {
        definitions: [
          definitionRow('kettles', { executor: 'worker' }),
          definitionRow('tablets', { executor: 'worker' }),
        ],
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (let run = 0; run < RUNS; run += 1) {
      api.now = T0 - (RUNS - 1 - run) * RUN_EVERY_MS;
      const watched = WATCHED_RUNS[run];
      const others = [
        { product_id: 'B0KETTLE02', title: 'Kettle two', price: 900 + run, currency: 'RUB', rank: 6 },
        { product_id: 'B0KETTLE03', title: 'Kettle three', price: 300, currency: 'RUB', rank: 7 },
      ];
      const products = watched
        ? [
            {
              product_id: WATCHED,
              title: XSS_TITLE,
              price: watched.price,
              currency: 'RUB',
              rank: watched.rank,
              list_price: 560,
              availability: 'in_stock',
              rating: 4.5,
              review_count: 120 + Math.floor(run / 4),
              seller: 'Kettle & <Co>',
            },
            ...others,
          ]
        : others;
      await workerRunOf(api, 'kettles', products);
    }
    // Another definition's changes, enough (with the kettles') for the feed to need a second page.
    await workerRunOf(
      api,
      'tablets',
      Array.from({ length: 60 }, (_, index) => ({
        product_id: `T${1000 + index}`,
        title: `Tablet ${index}`,
        price: 10_000 + index,
        currency: 'RUB',
        rank: index + 1,
      })),
    );
    api.now = T0;
    server = await startApiServer({ dependencies: api.deps });
  });
  after(async () => {
    await host.close();
    await server?.stop();
  });

  it('lists changes with filters and paging, opens an item page with one chart point per snapshot, and shows an HTML title as text', async () => {
    const feed = await readAll<ChangeRecord>(api, '/changes?limit=1000', 'changes');
    const history = await readAll<ItemSnapshot>(api, `/items/${WATCHED_KEY}/history?limit=1000`, 'snapshots');
    const weekAgo = encodeURIComponent(new Date(T0 - WEEK_MS).toISOString());
    const kettles = await readAll<ChangeRecord>(
      api,
      `/changes?limit=1000&definitionId=kettles&since=${weekAgo}`,
      'changes',
    );
    const watchedChanges = kettles.filter((change) => change.itemId === WATCHED);
    const ownChanges = await readAll<ChangeRecord>(
      api,
      `/items/${WATCHED_KEY}/changes?limit=1000&since=${weekAgo}`,
      'changes',
    );
    assert.ok(feed.length > 50, `enough changes for two pages of the feed: ${feed.length}`);
    assert.equal(history.length, WATCHED_RUNS.filter(Boolean).length, 'one snapshot per run that saw it');

    const pageErrors: string[] = [];
    await host.withPage({ allowRequest: isLoopback }, async (page) => {
      page.on('pageerror', (error) => pageErrors.push(String(error)));
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(`${server.url}/`, { waitUntil: 'networkidle0' });
      await page.type('#token', api.operatorToken);
      await page.click('#token-form button[type=submit]');
      await page.waitForSelector('#monitor:not([hidden])', { timeout: 15_000 });

      // The feed: newest first, everyone's last 24 hours, 50 a page, More for the rest.
      await page.click('#nav a[data-view="changes"]');
      await page.waitForSelector('#changes[data-pages="1"]', { timeout: 15_000 });
      assert.equal(await page.$eval('#monitor', (node) => (node as HTMLElement).hidden), true);
      const firstPage = await page.$$eval('#changes tbody tr', (rows) =>
        rows.map((row) => (row as HTMLElement).dataset.changeId),
      );
      assert.deepEqual(
        firstPage,
        feed.slice(0, 50).map((change) => change.changeId),
      );
      await page.click('#changes-more');
      await page.waitForSelector('#changes[data-pages="2"]', { timeout: 15_000 });
      const allRows = await page.$$eval('#changes tbody tr', (rows) =>
        rows.map((row) => (row as HTMLElement).dataset.changeId),
      );
      assert.deepEqual(
        allRows,
        feed.map((change) => change.changeId),
      );
      assert.equal(await page.$eval('#changes-more', (node) => (node as HTMLElement).hidden), true);

      // Filters: one definition, one kind, over a week.
      await page.type('#change-definition', 'kettles');
      await page.select('#change-window', '7');
      await page.select('#change-kind', 'price_down');
      await page.click('#change-filter button[type=submit]');
      await page.waitForSelector('#changes[data-shown="definitionId=kettles&kind=price_down"]', {
        timeout: 15_000,
      });
      const drops = await page.$$eval('#changes tbody tr', (rows) =>
        rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)),
      );
      const expectedDrops = kettles.filter((change) => change.kind === 'price_down');
      assert.deepEqual(
        drops.map((cells) => cells[3]),
        expectedDrops.map((change) => `${change.from} → ${change.to} RUB (${change.percent}%)`),
      );
      assert.ok(drops.length >= 3, `the watched item's drops and none else: ${drops.length}`);
      assert.ok(drops.every((cells) => cells[1] === 'price down' && cells[4] === 'kettles'));
      const bigDrop = drops.find((cells) => cells[2] === WATCHED_KEY && /^520 → 450/.test(cells[3] ?? ''));
      assert.equal(bigDrop?.[3], '520 → 450 RUB (-13.46%)', 'from → to with currency and percent');

      // A click on the item opens its page: latest state, chart, its changes.
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      await page.click(`#changes tr[data-item-key="ozon#RU#${WATCHED}"] a.item-link`);
      await page.waitForSelector(`#item-page[data-shown="${WATCHED_KEY}|7"]`, { timeout: 15_000 });
      assert.equal(
        await page.$eval('#item-heading', (node) => node.textContent),
        XSS_TITLE,
        'the title is text',
      );
      assert.equal(await page.$('#item-page img'), null, 'no element from the title');
      assert.equal(await page.$('#item-page b'), null);
      assert.equal(await page.evaluate(() => (window as { __xss?: number }).__xss), undefined);
      const state = await page.$eval('#item-state', (node) => node.textContent ?? '');
      assert.match(state, /Price430 RUB/);
      assert.match(state, /List price560 RUB/);
      assert.match(state, /Availabilityin_stock \(in stock\)/);
      assert.match(state, /Rating4\.5 of 5/);
      assert.match(state, /Reviews122/);
      assert.match(state, /SellerKettle & <Co>/);
      assert.match(state, /Seen onkettles \(category\), page 1, position 1, rank 1/);

      // One price point and one rank point per snapshot, at the snapshot's time and values.
      const oldestFirst = [...history].sort((a, b) => a.capturedAt.localeCompare(b.capturedAt));
      const pricePoints = await page.$$eval('#item-chart circle.price-point', (dots) =>
        dots.map((dot) => [
          (dot as SVGElement).dataset.capturedAt,
          Number((dot as SVGElement).dataset.price),
        ]),
      );
      assert.deepEqual(
        pricePoints,
        oldestFirst.map((snapshot) => [snapshot.capturedAt, snapshot.item.price]),
      );
      assert.deepEqual(
        pricePoints.map(([, price]) => price),
        WATCHED_RUNS.filter((run) => run !== null).map((run) => run.price),
      );
      const rankPoints = await page.$$eval('#item-chart circle.rank-point', (dots) =>
        dots.map((dot) => Number((dot as SVGElement).dataset.rank)),
      );
      assert.deepEqual(
        rankPoints,
        WATCHED_RUNS.filter((run) => run !== null).map((run) => run.rank),
      );
      // Rank 1 is drawn above rank 5 (the axis is inverted).
      const rankY = await page.$$eval('#item-chart circle.rank-point', (dots) =>
        dots.map((dot) => [Number((dot as SVGElement).dataset.rank), Number(dot.getAttribute('cy'))]),
      );
      const yOf = (rank: number) => rankY.find(([r]) => r === rank)?.[1] ?? Number.NaN;
      assert.ok(yOf(1) < yOf(5), `rank 1 at ${yOf(1)}, rank 5 at ${yOf(5)}`);
      // The three hours unseen break both lines: two pieces each, whose vertices are the points.
      const priceLines = await page.$$eval('#item-chart path.price-line', (paths) =>
        paths.map((line) => line.getAttribute('d') ?? ''),
      );
      assert.equal(priceLines.length, 2, 'the price line breaks where the item was not seen');
      const priceVertices = priceLines.map((d) => (d.match(/[MV]/g) ?? []).length);
      assert.deepEqual(priceVertices, [6, 3]);
      const rankLines = await page.$$eval('#item-chart path.rank-line', (paths) =>
        paths.map((line) => (line.getAttribute('d')?.match(/[ML]/g) ?? []).length),
      );
      assert.deepEqual(rankLines, [6, 3]);
      assert.ok(
        (await page.$$('#item-chart rect.gap')).length >= 2,
        'shaded bands: before the first snapshot of the range, and the hours unseen',
      );
      const lastPriceTitle = await page.$$eval(
        '#item-chart circle.price-point title',
        (titles) => titles.at(-1)?.textContent ?? '',
      );
      assert.match(lastPriceTitle, /: 430 RUB, rank #1 on kettles, in_stock$/, 'hover shows the values');

      // The item's changes, newest first, without links to itself.
      const itemChanges = await page.$$eval('#item-changes tbody tr', (rows) =>
        rows.map((row) => (row as HTMLElement).dataset.changeId),
      );
      assert.deepEqual([...itemChanges].sort(), watchedChanges.map((change) => change.changeId).sort());
      assert.deepEqual(
        itemChanges,
        ownChanges.map((change) => change.changeId),
        "in the order of the item's own listing",
      );
      const paths = requested.map((url) => new URL(url).pathname);
      assert.ok(
        paths.includes(`/items/${encodeURIComponent(WATCHED_KEY)}/changes`),
        `the page reads GET /items/{key}/changes: ${paths.join(' ')}`,
      );
      // The feed's own refresh asks for 50; the item page used to read whole definitions' feeds.
      const definitionFeeds = requested.filter((url) => {
        const { pathname, searchParams } = new URL(url);
        return pathname === '/changes' && searchParams.get('limit') === '1000';
      });
      assert.deepEqual(definitionFeeds, [], "and no definition's change feed");
      const kinds = await page.$$eval('#item-changes tbody tr', (rows) =>
        rows.map((row) => (row as HTMLElement).dataset.kind),
      );
      for (const kind of [
        'first_seen',
        'price_down',
        'price_up',
        'rank_moved',
        'left_listing',
        'entered_listing',
      ])
        assert.ok(kinds.includes(kind), `${kind} among ${kinds.join(', ')}`);
      assert.equal(await page.$('#item-changes a'), null);

      // Another range reads the history again.
      await page.click('#item-range button[data-days="30"]');
      await page.waitForSelector(`#item-page[data-shown="${WATCHED_KEY}|30"]`, { timeout: 15_000 });
      assert.equal(
        await page.$eval('#item-range button[aria-pressed="true"]', (node) => node.textContent),
        '30 days',
      );
      assert.equal(
        await page.$$eval('#item-chart circle.price-point', (dots) => dots.length),
        history.length,
      );
      await page.click('#item-range button[data-days="7"]');
      await page.waitForSelector(`#item-page[data-shown="${WATCHED_KEY}|7"]`, { timeout: 15_000 });

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // An unknown item says so, and shows nothing of the previous one.
      await page.goto(`${server.url}/#item/ozon%3ARU%3ANOPE`, { waitUntil: 'networkidle0' });
      await page.waitForFunction(
        () => /no item ozon#RU#NOPE/.test(document.getElementById('message')?.textContent ?? ''),
        {
          timeout: 15_000,
        },
      );
      assert.equal(await page.$eval('#item-page', (node) => (node as HTMLElement).hidden), false);
      assert.equal(await page.$$eval('#item-chart circle', (dots) => dots.length), 0);
    });
    assert.deepEqual(pageErrors, []);
    assert.equal(host.stats().blockedRequests, 0, 'the page asked for nothing outside the API');
  });
});
