import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ItemStore, snapshotOf, type SnapshotSource } from '../../shared/results/index.ts';
import { countRequests } from '../helpers/request-counter.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { thisHour } from '../helpers/clock.ts';

const T0 = thisHour(5);
const source = (runId: string, slot = '2026-11-23T19:00Z'): SnapshotSource => ({
  runId,
  definitionId: 'kettles',
  slot,
  platform: 'amazon',
  marketplace: 'US',
  crawlType: 'search_result',
  pageNumber: 1,
  capturedBy: 'test',
});
const item = (n: number) => ({
  id: `B0000000${String(n).padStart(2, '0')}`,
  title: `Kettle ${n}`,
  price: n,
  position: n,
});

describe('item snapshots on DynamoDB Local', () => {
  const local = useLocalInfrastructure();
  let store: ItemStore;
  before(() => {
    store = new ItemStore({
      documents: local().clients.documents,
      tableName: local().resources.tables.items,
    });
  });

  it('saves 60 snapshots in three batch writes and lists them back by run', async () => {
    const runId = 'kettles@2026-11-23T19:00Z';
    const snapshots = Array.from({ length: 60 }, (_, n) => snapshotOf(source(runId), item(n), T0, 90));
    const counter = countRequests(local().clients.documents);
    const { result: saved, requests } = await counter.during(() => store.save(snapshots));
    assert.equal(saved, 60);
    assert.deepEqual(requests, { BatchWriteItem: 3 });
    const first = await store.listByRun(runId, { limit: 50 });
    assert.equal(first.snapshots.length, 50);
    const rest = await store.listByRun(runId, { cursor: first.cursor });
    assert.equal(first.snapshots.length + rest.snapshots.length, 60);
    assert.equal(rest.cursor, undefined);
    assert.equal(first.snapshots[0]?.expiresAt, Math.floor(T0 / 1000) + 90 * 86_400);
  });

  it('saves a page again after a resume without duplicating its items', async () => {
    const runId = 'kettles@2026-11-23T20:00Z';
    const page = [1, 2, 3].map((n) => snapshotOf(source(runId, '2026-11-23T20:00Z'), item(n), T0, 90));
    await store.save(page);
    await store.save(
      page.map((snapshot) => ({ ...snapshot, capturedAt: new Date(T0 + 60_000).toISOString() })),
    );
    assert.equal((await store.listByRun(runId)).snapshots.length, 3);
  });

  it('saves an item listed twice on one page once', async () => {
    const runId = 'kettles@2026-11-23T21:00Z';
    const twice = [item(7), { ...item(7), position: 9 }].map((i) =>
      snapshotOf(source(runId, '2026-11-23T21:00Z'), i, T0, 90),
    );
    assert.equal(await store.save(twice), 1);
  });

  it('keeps the history of one item across runs, newest first', async () => {
    const history = await store.history('amazon', 'us', 'B000000001');
    assert.deepEqual(
      history.snapshots.map((snapshot) => snapshot.slot),
      ['2026-11-23T20:00Z', '2026-11-23T19:00Z'],
    );
  });
});
