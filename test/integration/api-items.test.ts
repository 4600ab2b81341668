/**
 * Changes recorded by worker ingest over the API (seed 004 routes), and read back through
 * GET /items/{key}, GET /items/{key}/history, GET /items/{key}/changes and GET /changes, on
 * DynamoDB Local.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeRecord, ItemState } from '../../shared/changes/index.ts';
import type { ItemSnapshot } from '../../shared/results/index.ts';
import type { Run } from '../../shared/runs/index.ts';
import { apiStage, type ApiStage, definitionRow } from '../helpers/api.ts';
import { HOUR_MS } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { workerRun } from '../helpers/worker-run.ts';
import { countRequests } from '../helpers/request-counter.ts';

type ChangeList = { changes: ChangeRecord[]; cursor?: string };
type History = { snapshots: ItemSnapshot[]; cursor?: string };
type ErrorAnswer = { error: { code: string; issues: { field: string }[] } };

/** One run of the definition, read by a worker (its ingest sent twice: a redelivery). */
const workerRunOf = (api: ApiStage, definitionId: string, products: readonly Record<string, unknown>[]) =>
  workerRun(api, definitionId, products, { workerId: 'chrome-worker-001', ingestDeliveries: 2 });

const product = (id: string, price: number, rank: number) => ({
  product_id: id,
  title: `Product ${id}`,
  price,
  currency: 'RUB',
  rank,
});

const kindsOf = (changes: readonly ChangeRecord[], run: Run) =>
  changes
    .filter((change) => change.runId === run.runId)
    .map((change) => `${change.kind}:${change.itemId}`)
    .sort();

describe('items and changes through the API', () => {
  const local = useLocalInfrastructure();

  it('records what worker ingest saves, each change once, exits on complete, and reads it back', async () => {
    const api = await apiStage(local());
    const created = await api.call('POST', '/definitions', {
      body: { definitions: [definitionRow('phones', { executor: 'worker' })] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const first = await workerRunOf(api, 'phones', [
      product('1001', 500, 1),
      product('1002', 700, 2),
      product('1003', 900, 3),
    ]);
    api.now += HOUR_MS;
    const second = await workerRunOf(api, 'phones', [
      product('1001', 450, 1),
      product('1003', 900, 2),
      product('1004', 300, 3),
    ]);

    const listed = await api.call<ChangeList>('GET', '/changes?definitionId=phones');
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const all = listed.body.changes;
    assert.deepEqual(kindsOf(all, first), ['first_seen:1001', 'first_seen:1002', 'first_seen:1003']);
    assert.deepEqual(kindsOf(all, second), [
      'entered_listing:1004',
      'first_seen:1004',
      'left_listing:1002',
      'price_down:1001',
      'rank_moved:1003',
    ]);
    assert.ok(
      all.every((change, index) => index === 0 || (all[index - 1]?.detectedAt ?? '') >= change.detectedAt),
      'newest first',
    );
    const drop = all.find((change) => change.kind === 'price_down');
    assert.deepEqual([drop?.from, drop?.to, drop?.percent], [500, 450, -10]);

    const left = await api.call<ChangeList>('GET', '/changes?kind=left_listing');
    assert.deepEqual(
      left.body.changes.map((change) => change.itemId),
      ['1002'],
      "everyone's changes of the last day (byDay index), filtered by kind",
    );
    const paged = await api.call<ChangeList>('GET', '/changes?limit=2');
    assert.equal(paged.body.changes.length, 2);
    assert.ok(paged.body.cursor);
    const rest = await api.call<ChangeList>(
      'GET',
      `/changes?limit=100&cursor=${encodeURIComponent(paged.body.cursor)}`,
    );
    assert.equal(rest.status, 200, JSON.stringify(rest.body));
    assert.equal(paged.body.changes.length + rest.body.changes.length, all.length);
    const foreign = await api.call<ErrorAnswer>(
      'GET',
      `/changes?definitionId=phones&cursor=${encodeURIComponent(paged.body.cursor)}`,
    );
    assert.equal(foreign.status, 400, 'a cursor works only for the listing that handed it out');
    assert.deepEqual(
      foreign.body.error.issues.map((issue) => issue.field),
      ['cursor'],
    );

    const state = await api.call<ItemState>('GET', '/items/ozon:RU:1001');
    assert.equal(state.status, 200, JSON.stringify(state.body));
    assert.deepEqual(
      [state.body.itemId, state.body.price, state.body.snapshotId],
      ['1001', 450, `${second.slot}#${second.runId}`],
    );
    const hashed = await api.call<ItemState>('GET', `/items/${encodeURIComponent('ozon#RU#1001')}`);
    assert.equal(hashed.body.price, 450, 'the stored form of the key works too');

    const history = await api.call<History>('GET', '/items/ozon:RU:1001/history?limit=1');
    assert.deepEqual(
      history.body.snapshots.map((snapshot) => snapshot.item.price),
      [450],
    );
    const older = await api.call<History>(
      'GET',
      `/items/ozon:RU:1001/history?limit=1&cursor=${encodeURIComponent(history.body.cursor ?? '')}`,
    );
    assert.deepEqual(
      older.body.snapshots.map((snapshot) => snapshot.item.price),
      [500],
    );
    const window = await api.call<History>(
      'GET',
      `/items/ozon:RU:1001/history?until=${new Date(api.now - HOUR_MS).toISOString()}`,
    );
    assert.deepEqual(
      window.body.snapshots.map((snapshot) => snapshot.runId),
      [first.runId],
    );
  });

  it("lists one item's changes newest first, by slot window, kind and sealed cursor, one Query a page", async () => {
    const api = await apiStage(local());
    const created = await api.call('POST', '/definitions', {
      body: { definitions: [definitionRow('kettles', { executor: 'worker' })] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const prices = [500, 450, 480, 430];
    const runs: Run[] = [];
    for (const [index, price] of prices.entries()) {
      if (index > 0) api.now += HOUR_MS;
      // 2001 moves every run; 2002 is on the first listing only (it leaves on the second).
      runs.push(
        await workerRunOf(api, 'kettles', [
          product('2001', price, 1),
          ...(index === 0 ? [product('2002', 99, 2)] : []),
        ]),
      );
    }
    const [first, second, third, fourth] = runs as [Run, Run, Run, Run];

    const all = await api.call<ChangeList>('GET', '/items/ozon:RU:2001/changes');
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.deepEqual(
      all.body.changes.map(
        (change) => `${change.runId} ${change.kind} ${change.from ?? ''}→${change.to ?? ''}`,
      ),
      [
        `${fourth.runId} price_down 480→430`,
        `${third.runId} price_up 450→480`,
        `${second.runId} price_down 500→450`,
        `${first.runId} first_seen →`,
      ],
      "the item's changes only, newest first",
    );
    assert.equal(all.body.cursor, undefined);
    assert.ok(all.body.changes.every((change) => change.itemKey === 'ozon#RU#2001'));
    assert.ok(
      all.body.changes.every((change) => !Object.hasOwn(change, 'expiresAt')),
      'the storage expiry is not part of the answer',
    );
    const left = await api.call<ChangeList>('GET', `/items/${encodeURIComponent('ozon#RU#2002')}/changes`);
    assert.deepEqual(
      left.body.changes.map((change) => change.kind),
      ['left_listing', 'first_seen'],
      'listing changes of the item too; the stored form of the key works',
    );

    const drops = await api.call<ChangeList>('GET', '/items/ozon:RU:2001/changes?kind=price_down');
    assert.deepEqual(
      drops.body.changes.map((change) => change.runId),
      [fourth.runId, second.runId],
    );
    const slotTime = (run: Run) => run.slot.replace('Z', ':00Z');
    const window = await api.call<ChangeList>(
      'GET',
      `/items/ozon:RU:2001/changes?since=${slotTime(second)}&until=${slotTime(third)}`,
    );
    assert.deepEqual(
      window.body.changes.map((change) => change.runId),
      [third.runId, second.runId],
      'since and until are inclusive, on the slots',
    );
    const empty = await api.call<ChangeList>(
      'GET',
      `/items/ozon:RU:2001/changes?until=${new Date(Date.parse(first.slot) - HOUR_MS).toISOString()}`,
    );
    assert.deepEqual(
      [empty.status, empty.body.changes],
      [200, []],
      'a known item with nothing in the window',
    );

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page: { status: number; body: ChangeList } = await api.call<ChangeList>(
        'GET',
        `/items/ozon:RU:2001/changes?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      assert.equal(page.status, 200, JSON.stringify(page.body));
      pages.push(page.body.changes.map((change) => change.changeId));
      cursor = page.body.cursor;
    } while (cursor);
    assert.deepEqual(
      pages.flat(),
      all.body.changes.map((change) => change.changeId),
    );
    assert.deepEqual(
      pages.map((page) => page.length),
      [3, 1],
    );
    const handedOut = await api.call<ChangeList>('GET', '/items/ozon:RU:2001/changes?limit=1');
    for (const foreign of [
      `/items/ozon:RU:2002/changes?cursor=${encodeURIComponent(handedOut.body.cursor ?? '')}`,
      `/items/ozon:RU:2001/changes?kind=first_seen&cursor=${encodeURIComponent(handedOut.body.cursor ?? '')}`,
      `/changes?definitionId=kettles&cursor=${encodeURIComponent(handedOut.body.cursor ?? '')}`,
    ]) {
      const refused = await api.call<ErrorAnswer>('GET', foreign);
      assert.equal(refused.status, 400, `${foreign}: a cursor works only for its own listing`);
      assert.deepEqual(
        refused.body.error.issues.map((issue) => issue.field),
        ['cursor'],
      );
    }

    const counter = countRequests(local().clients.documents);
    const read = await counter.during(() =>
      api.deps.itemChanges.newestFirst({ platform: 'ozon', marketplace: 'RU', itemId: '2001' }, { limit: 2 }),
    );
    assert.deepEqual(read.requests, { Query: 1 }, 'one Query per page, on the table key');
    assert.equal(read.result.changes.length, 2);
  });

  it('refuses bad keys and filters with a 400 naming the field, and answers 404 for an unknown item', async () => {
    const api = await apiStage(local());
    const before = await api.dump();
    const cases: [string, string][] = [
      ['/items/not-a-key', 'key'],
      ['/items/ozon:RU:1/history?since=yesterday', 'since'],
      ['/items/ozon:RU:1/history?since=2026-11-24T00:00:00Z&until=2026-11-23T00:00:00Z', 'since'],
      ['/items/not-a-key/changes', 'key'],
      ['/items/ozon:RU:1/changes?since=yesterday', 'since'],
      ['/items/ozon:RU:1/changes?until=2026-11-23', 'until'],
      ['/items/ozon:RU:1/changes?since=2026-11-24T00:00:00Z&until=2026-11-23T00:00:00Z', 'since'],
      ['/items/ozon:RU:1/changes?kind=price_sideways', 'kind'],
      ['/items/ozon:RU:1/changes?limit=1001', 'limit'],
      ['/items/ozon:RU:1/changes?cursor=garbage', 'cursor'],
      ['/items/ozon:RU:1/changes?definitionId=x', '(query)'],
      ['/changes?kind=price_sideways', 'kind'],
      ['/changes?since=2026-11-24T00:00:00Z&until=2026-11-23T00:00:00Z', 'since'],
      ['/changes?since=2026-09-01T00:00:00Z&until=2026-11-23T00:00:00Z', 'since'],
      ['/changes?definitionId=', 'definitionId'],
      ['/changes?limit=0', 'limit'],
      ['/changes?cursor=garbage', 'cursor'],
      ['/changes?colour=red', '(query)'],
    ];
    for (const [path, field] of cases) {
      const answer = await api.call<ErrorAnswer>('GET', path);
      assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
      assert.ok(
        answer.body.error.issues.some((issue) => issue.field.endsWith(field)),
        `${path} names ${field}: ${JSON.stringify(answer.body.error.issues)}`,
      );
    }
    for (const path of ['/items/ozon:RU:999', '/items/ozon:RU:999/history', '/items/ozon:RU:999/changes']) {
      const missing = await api.call<ErrorAnswer>('GET', path);
      assert.equal(missing.status, 404, path);
      assert.equal(missing.body.error.code, 'ITEM_NOT_FOUND');
    }
    for (const path of ['/items/ozon:RU:999', '/items/ozon:RU:999/changes', '/changes']) {
      assert.equal((await api.call('GET', path, { token: null })).status, 401, `${path} needs a token`);
      assert.equal((await api.call('GET', path, { token: api.workerToken })).status, 403);
    }
    assert.equal(await api.dump(), before, 'reads change nothing');
  });
});
