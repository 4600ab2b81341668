import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ChangeStore, type ChangeRecord, type ListingContext } from '../../shared/changes/index.ts';
import { type Item, ItemStore, type ItemSnapshot, snapshotOf } from '../../shared/results/index.ts';
import { slotOf } from '../../shared/schedule/index.ts';
import { countRequests } from '../helpers/request-counter.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { HOUR_MS, thisHour } from '../helpers/clock.ts';

// Runs of the last hours, on a clock derived from the real time: every expiry stays ~90 days ahead.
const runAt = (hoursAgo: number) => thisHour(5) - hoursAgo * HOUR_MS;

let family = 0;
/** Item ids unique to one test: each test starts from items never seen. */
const newFamily = () => `F${(family += 1)}x${Date.now().toString(36)}`;

function pageOf(
  definitionId: string,
  hoursAgo: number,
  items: readonly Partial<Item>[],
  capturedLaterMs = 0,
): ItemSnapshot[] {
  const slot = slotOf(runAt(hoursAgo));
  return items.map((item, index) =>
    snapshotOf(
      {
        runId: `${definitionId}@${slot}`,
        definitionId,
        slot,
        platform: 'amazon',
        marketplace: 'US',
        crawlType: 'bestsellers',
        pageNumber: 1,
        capturedBy: 'test',
      },
      { id: 'missing', position: index + 1, ...item },
      runAt(hoursAgo) + capturedLaterMs,
      90,
    ),
  );
}

describe('change store on DynamoDB Local', () => {
  const local = useLocalInfrastructure();
  let changes: ChangeStore;
  let items: ItemStore;
  before(() => {
    const { tables } = local().resources;
    changes = new ChangeStore({
      documents: local().clients.documents,
      statesTable: tables.itemStates,
      changesTable: tables.changes,
      retentionDays: 90,
    });
    items = new ItemStore({ documents: local().clients.documents, tableName: tables.items });
  });

  /** Every change stored for the items, as `<itemId> <kind>` (one line per stored record). */
  async function storedChanges(itemIds: readonly string[]): Promise<string[]> {
    const lines: string[] = [];
    for (const itemId of itemIds) {
      const { Items } = await local().clients.documents.send(
        new QueryCommand({
          TableName: local().resources.tables.changes,
          KeyConditionExpression: 'itemKey = :itemKey',
          ExpressionAttributeValues: { ':itemKey': `amazon#US#${itemId}` },
        }),
      );
      for (const change of (Items ?? []) as ChangeRecord[]) lines.push(`${change.itemId} ${change.kind}`);
    }
    return lines.sort();
  }

  it('records each change of a page once when the same page is saved twice', async () => {
    const f = newFamily();
    const ids = [`${f}a`, `${f}b`, `${f}c`];
    await changes.record(
      pageOf('kettles', 2, [
        { id: ids[0], price: 20, currency: 'USD', availability: 'in_stock' },
        { id: ids[1], price: 30, currency: 'USD', availability: 'in_stock' },
        { id: ids[2], price: 40, currency: 'USD', rating: 4.1 },
      ]),
      { nowMs: runAt(2) },
    );
    const page = pageOf('kettles', 1, [
      { id: ids[0], price: 18, currency: 'USD', availability: 'in_stock' },
      { id: ids[1], price: 30, currency: 'USD', availability: 'out_of_stock' },
      { id: ids[2], price: 40, currency: 'USD', rating: 4.1 },
    ]);
    const first = await changes.record(page, { nowMs: runAt(1) });
    // The page read again after a resume: a new capture time, the same snapshot ids.
    const again = await changes.record(
      page.map((snapshot) => ({ ...snapshot, capturedAt: new Date(runAt(1) + 60_000).toISOString() })),
      { nowMs: runAt(1) },
    );
    assert.deepEqual(first.recorded.map((change) => `${change.itemId} ${change.kind}`).sort(), [
      `${ids[0]} price_down`,
      `${ids[1]} out_of_stock`,
    ]);
    assert.equal(first.recorded.find((change) => change.kind === 'price_down')?.percent, -10);
    assert.equal(again.recorded.length, 0);
    assert.deepEqual(await storedChanges(ids), [
      `${ids[0]} first_seen`,
      `${ids[0]} price_down`,
      `${ids[1]} first_seen`,
      `${ids[1]} out_of_stock`,
      `${ids[2]} first_seen`,
    ]);
    const state = await changes.state('amazon', 'us', ids[0] as string);
    assert.equal(state?.price, 18);
    assert.equal(state?.snapshotId, page[0]?.snapshotId);
  });

  it('records each change once when two savers save the same page at the same time', async () => {
    const f = newFamily();
    const ids = Array.from({ length: 12 }, (_, n) => `${f}-${n}`);
    await changes.record(
      pageOf(
        'kettles',
        3,
        ids.map((id) => ({ id, price: 10, currency: 'USD', availability: 'in_stock', reviewCount: 5 })),
      ),
      { nowMs: runAt(3) },
    );
    const page = pageOf(
      'kettles',
      2,
      ids.map((id, n) => ({
        id,
        price: n % 2 === 0 ? 12 : 10,
        currency: 'USD',
        availability: n % 3 === 0 ? 'out_of_stock' : 'in_stock',
        reviewCount: 5,
      })),
    );
    const [one, two] = await Promise.all([
      changes.record(page, { nowMs: runAt(2) }),
      changes.record(page, { nowMs: runAt(2) }),
    ]);
    const expected = ids
      .flatMap((id, n) => [
        `${id} first_seen`,
        ...(n % 2 === 0 ? [`${id} price_up`] : []),
        ...(n % 3 === 0 ? [`${id} out_of_stock`] : []),
      ])
      .sort();
    const recorded = [...(one?.recorded ?? []), ...(two?.recorded ?? [])].map((c) => `${c.itemId} ${c.kind}`);
    assert.equal(recorded.length, expected.length - ids.length, 'each change is reported by one saver only');
    assert.deepEqual(await storedChanges(ids), expected);
  });

  it('keeps one consistent story when runs of two definitions race on the same items', async () => {
    const f = newFamily();
    const ids = [`${f}a`, `${f}b`, `${f}c`, `${f}d`];
    await changes.record(
      pageOf(
        'kettles',
        3,
        ids.map((id) => ({ id, price: 10, currency: 'USD' })),
      ),
      { nowMs: runAt(3) },
    );
    // Both read the items in the same hour; the toaster page was read a minute later.
    const kettles = pageOf(
      'kettles',
      1,
      ids.map((id) => ({ id, price: 8, currency: 'USD' })),
    );
    const toasters = pageOf(
      'toasters',
      1,
      ids.map((id) => ({ id, price: 9, currency: 'USD' })),
      60_000,
    );
    const outcomes = await Promise.all([
      changes.record(kettles, { nowMs: runAt(1) }),
      changes.record(toasters, { nowMs: runAt(1) }),
      changes.record(kettles, { nowMs: runAt(1) }),
    ]);
    const recorded = outcomes.flatMap((outcome) => outcome.recorded);
    assert.equal(new Set(recorded.map((c) => `${c.itemKey}|${c.changeId}`)).size, recorded.length);
    for (const id of ids) {
      const state = await changes.state('amazon', 'US', id);
      assert.equal(state?.price, 9, 'the newest observation wins, whichever saver came first');
      const moves = recorded.filter((c) => c.itemId === id && c.kind.startsWith('price_'));
      // Either 10→8 then 8→9, or 10→9 directly (the older kettle page then came too late): never more.
      const story = moves.map((c) => `${c.from}→${c.to}`).sort();
      assert.ok(
        JSON.stringify(story) === JSON.stringify(['10→8', '8→9']) ||
          JSON.stringify(story) === JSON.stringify(['10→9']),
        `${id}: ${story.join(', ')}`,
      );
    }
  });

  it('records listing entries and exits once, and no exits after a partial read', async () => {
    const f = newFamily();
    const [a, b, c, d] = [`${f}a`, `${f}b`, `${f}c`, `${f}d`];
    const baselinePage = pageOf('charts', 2, [
      { id: a, rank: 1 },
      { id: b, rank: 2 },
      { id: c, rank: 3 },
    ]);
    const listing: ListingContext = {
      definitionId: 'charts',
      baselineRunId: baselinePage[0]?.runId as string,
      baseline: new Map(
        baselinePage.map((s) => [
          s.itemKey,
          { itemId: s.item.id, ...(s.item.rank ? { rank: s.item.rank } : {}) },
        ]),
      ),
    };
    const page = pageOf('charts', 1, [
      { id: d, rank: 1 },
      { id: b, rank: 2 },
      { id: a, rank: 3 },
    ]);
    await Promise.all([
      changes.record(page, { nowMs: runAt(1), listing }),
      changes.record(page, { nowMs: runAt(1), listing }),
    ]);
    const read = {
      runId: page[0]?.runId as string,
      definitionId: 'charts',
      slot: page[0]?.slot as string,
      platform: 'amazon',
      marketplace: 'US',
      crawlType: 'bestsellers',
      itemKeys: new Set(page.map((s) => s.itemKey)),
      finishedAt: new Date(runAt(1) + 120_000).toISOString(),
    };
    const partial = await changes.recordExits(listing, { ...read, isComplete: false });
    assert.equal(partial.recorded.length, 0);
    const [first, second] = await Promise.all([
      changes.recordExits(listing, { ...read, isComplete: true }),
      changes.recordExits(listing, { ...read, isComplete: true }),
    ]);
    assert.equal((first?.recorded.length ?? 0) + (second?.recorded.length ?? 0), 1);
    assert.deepEqual(
      (await storedChanges([a, b, c, d])).filter((line) => !line.endsWith('first_seen')),
      [`${a} rank_moved`, `${c} left_listing`, `${d} entered_listing`],
    );
  });

  it('reads one item over a time range in one Query: its snapshots and its changes', async () => {
    const f = newFamily();
    const id = `${f}a`;
    for (const [hoursAgo, price] of [
      [4, 10],
      [3, 11],
      [2, 9],
      [1, 9],
    ] as const) {
      const page = pageOf('kettles', hoursAgo, [{ id, price, currency: 'USD' }]);
      await items.save(page);
      await changes.record(page, { nowMs: runAt(hoursAgo) });
    }
    const counter = countRequests(local().clients.documents);
    const range = { fromSlot: slotOf(runAt(3)), toSlot: slotOf(runAt(2)) };
    const { result: history, requests } = await counter.during(() =>
      items.history('amazon', 'US', id, range),
    );
    assert.deepEqual(requests, { Query: 1 });
    assert.deepEqual(
      history.snapshots.map((s) => s.item.price),
      [9, 11],
    );
    const moves = await counter.during(() => changes.changesOf('amazon', 'US', id, range));
    assert.deepEqual(moves.requests, { Query: 1 });
    assert.deepEqual(
      moves.result.changes.map((c) => `${c.kind} ${c.from}→${c.to}`),
      ['price_up 10→11', 'price_down 11→9'],
    );
    await assert.rejects(
      () => changes.changesOf('amazon', 'US', id, { fromSlot: range.toSlot, toSlot: range.fromSlot }),
      (error: Error & { issues?: { field: string }[] }) => error.issues?.[0]?.field === 'toSlot',
    );
  });
});
