/**
 * Changes recorded by worker ingest over the API (seed 004 routes), and read back through
 * GET /items/{key}, GET /items/{key}/history and GET /changes, on DynamoDB Local.
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

  it('refuses bad keys and filters with a 400 naming the field, and answers 404 for an unknown item', async () => {
    const api = await apiStage(local());
    const before = await api.dump();
    const cases: [string, string][] = [
      ['/items/not-a-key', 'key'],
      ['/items/ozon:RU:1/history?since=yesterday', 'since'],
      ['/items/ozon:RU:1/history?since=2026-11-24T00:00:00Z&until=2026-11-23T00:00:00Z', 'since'],
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
    for (const path of ['/items/ozon:RU:999', '/items/ozon:RU:999/history']) {
      const missing = await api.call<ErrorAnswer>('GET', path);
      assert.equal(missing.status, 404, path);
      assert.equal(missing.body.error.code, 'ITEM_NOT_FOUND');
    }
    for (const path of ['/items/ozon:RU:999', '/changes']) {
      assert.equal((await api.call('GET', path, { token: null })).status, 401, `${path} needs a token`);
      assert.equal((await api.call('GET', path, { token: api.workerToken })).status, 403);
    }
    assert.equal(await api.dump(), before, 'reads change nothing');
  });
});
