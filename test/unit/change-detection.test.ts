import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type Change,
  detectChanges,
  detectItemChanges,
  detectListingChanges,
  detectListingExits,
  type ItemState,
  type ListingContext,
  nextStateOf,
} from '../../shared/changes/index.ts';
import { type Item, type ItemSnapshot, snapshotOf } from '../../shared/results/index.ts';

// Pure code: named calendar times are fine here (nothing is written, no real clock is read).
const T0 = Date.parse('2026-11-23T10:05:00Z');
const HOUR = 3_600_000;

/** The snapshot run `n` of definition `definitionId` takes of an item. */
function snapshotAt(n: number, item: Partial<Item>, definitionId = 'kettles'): ItemSnapshot {
  const slot = `${new Date(T0 + n * HOUR).toISOString().slice(0, 13)}:00Z`;
  return snapshotOf(
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
    { id: 'B000000001', position: 1, ...item },
    T0 + n * HOUR,
    90,
  );
}

/** Feeds snapshots in order through detection and state, as the store does; all changes seen. */
function replay(snapshots: readonly ItemSnapshot[]): { state: ItemState | undefined; changes: Change[] } {
  let state: ItemState | undefined;
  const changes: Change[] = [];
  for (const snapshot of snapshots) {
    changes.push(...detectItemChanges(state, snapshot));
    if (!state || !(state.snapshotId === snapshot.snapshotId || snapshot.capturedAt < state.capturedAt)) {
      state = nextStateOf(state, snapshot, 90);
    }
  }
  return { state, changes };
}

const kinds = (changes: readonly Change[]) => changes.map((change) => change.kind);

const price = fc.integer({ min: 1, max: 100_000 }).map((cents) => cents / 100);
const availability = fc.constantFrom('in_stock', 'out_of_stock', 'limited', 'Usually ships in 3 days');
const observed = fc.record(
  {
    price,
    currency: fc.constant('USD'),
    availability,
    rating: fc.integer({ min: 10, max: 50 }).map((tenths) => tenths / 10),
    reviewCount: fc.nat({ max: 100_000 }),
    rank: fc.integer({ min: 1, max: 100 }),
    seller: fc.constantFrom('Acme', 'Other'),
  },
  { requiredKeys: [] },
);

describe('change detection (pure)', () => {
  it('reports an item never seen before as first seen, and nothing else', () => {
    fc.assert(
      fc.property(observed, (values) => {
        assert.deepEqual(kinds(detectItemChanges(undefined, snapshotAt(0, values))), ['first_seen']);
      }),
    );
  });

  it('reports no change when nothing changed, even when the later page reads fewer fields', () => {
    fc.assert(
      fc.property(
        observed,
        fc.subarray(['price', 'availability', 'rating', 'reviewCount'] as const),
        (values, dropped) => {
          const state = nextStateOf(undefined, snapshotAt(0, values), 90);
          const later: Partial<Item> = { ...values };
          for (const field of dropped) delete (later as Record<string, unknown>)[field];
          assert.deepEqual(detectItemChanges(state, snapshotAt(1, later)), []);
        },
      ),
    );
  });

  it('fires a price drop once, however often the lower price is seen again', () => {
    fc.assert(
      fc.property(
        price,
        price,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (a, b, before, after) => {
          fc.pre(b < a);
          const prices = [...Array<number>(before).fill(a), ...Array<number>(after).fill(b)];
          const { changes } = replay(prices.map((p, n) => snapshotAt(n, { price: p, currency: 'USD' })));
          const drops = changes.filter((change) => change.kind === 'price_down');
          assert.equal(drops.length, 1);
          assert.equal(drops[0]?.from, a);
          assert.equal(drops[0]?.to, b);
          assert.ok((drops[0]?.delta ?? 0) < 0);
          assert.equal(drops[0]?.percent, Math.round(((b - a) / a) * 10_000) / 100);
          assert.equal(changes.filter((change) => change.kind === 'price_up').length, 0);
        },
      ),
    );
  });

  it('re-evaluates a flapping price at every move: one change per move, in its direction', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(9.99, 12.5, 14), { minLength: 1, maxLength: 30 }), (prices) => {
        const { changes } = replay(prices.map((p, n) => snapshotAt(n, { price: p, currency: 'USD' })));
        const moves = prices.slice(1).map((p, n) => Math.sign(p - (prices[n] as number)));
        assert.equal(changes.filter((c) => c.kind === 'price_up').length, moves.filter((m) => m > 0).length);
        assert.equal(
          changes.filter((c) => c.kind === 'price_down').length,
          moves.filter((m) => m < 0).length,
        );
        const priceChanges = changes.filter((c) => c.kind === 'price_up' || c.kind === 'price_down');
        const expected = prices.slice(1).flatMap((p, n) => (p === prices[n] ? [] : [[prices[n], p]]));
        assert.deepEqual(
          priceChanges.map((c) => [c.from, c.to]),
          expected,
        );
      }),
    );
  });

  it('reports stock transitions between known states only, each once', () => {
    fc.assert(
      fc.property(fc.array(availability, { minLength: 1, maxLength: 30 }), (values) => {
        const { changes } = replay(values.map((a, n) => snapshotAt(n, { availability: a })));
        let known: 'in' | 'out' | undefined;
        let backIn = 0;
        let out = 0;
        for (const value of values) {
          const now =
            value === 'out_of_stock' ? 'out' : value === 'Usually ships in 3 days' ? undefined : 'in';
          if (now === undefined) continue;
          if (known === 'out' && now === 'in') backIn += 1;
          if (known === 'in' && now === 'out') out += 1;
          known = now;
        }
        assert.equal(changes.filter((c) => c.kind === 'back_in_stock').length, backIn);
        assert.equal(changes.filter((c) => c.kind === 'out_of_stock').length, out);
      }),
    );
  });

  it('reports nothing for a snapshot the state already holds (a retried page) or one older than it', () => {
    fc.assert(
      fc.property(observed, observed, (first, second) => {
        const older = snapshotAt(0, first);
        const newer = snapshotAt(1, second);
        const state = nextStateOf(nextStateOf(undefined, older, 90), newer, 90);
        assert.deepEqual(detectItemChanges(state, newer), []);
        assert.deepEqual(detectItemChanges(state, { ...newer, item: { ...newer.item, price: 1 } }), []);
        assert.deepEqual(detectItemChanges(state, older), []);
      }),
    );
  });

  it('reports rating and review-count moves with their deltas', () => {
    const state = nextStateOf(undefined, snapshotAt(0, { rating: 4.2, reviewCount: 100 }), 90);
    const changes = detectItemChanges(state, snapshotAt(1, { rating: 4.3, reviewCount: 97 }));
    assert.deepEqual(
      changes.map((c) => [c.kind, c.from, c.to, c.delta]),
      [
        ['rating_moved', 4.2, 4.3, 0.1],
        ['review_count_moved', 100, 97, -3],
      ],
    );
  });

  it('reports an item unseen for the whole retention as first seen again, whether or not TTL deleted its state', () => {
    const state = nextStateOf(undefined, snapshotAt(0, { price: 10, availability: 'out_of_stock' }), 1);
    const dayLater = snapshotAt(24, { price: 8, availability: 'in_stock' });
    assert.deepEqual(kinds(detectItemChanges(state, dayLater)), ['first_seen']);
    const next = nextStateOf(state, dayLater, 1);
    assert.equal(next.firstSeenAt, dayLater.capturedAt);
    assert.equal(next.version, 2);
    assert.deepEqual(kinds(detectItemChanges(state, snapshotAt(23, { price: 8 }))), ['price_down']);
  });

  it('does not call a currency switch a price move', () => {
    const state = nextStateOf(undefined, snapshotAt(0, { price: 10, currency: 'USD' }), 90);
    assert.deepEqual(detectItemChanges(state, snapshotAt(1, { price: 9, currency: 'EUR' })), []);
  });

  it('keys every change by the item and the snapshot it came from', () => {
    const state = nextStateOf(undefined, snapshotAt(0, { price: 10, availability: 'out_of_stock' }), 90);
    const snapshot = snapshotAt(1, { price: 8, availability: 'in_stock' });
    for (const change of detectItemChanges(state, snapshot)) {
      assert.equal(change.itemKey, snapshot.itemKey);
      assert.equal(change.changeId, `${snapshot.snapshotId}#${change.kind}`);
    }
  });
});

describe('listing changes (pure)', () => {
  const itemKeys = fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 20 });
  const keyOf = (n: number) => snapshotAt(0, { id: `B${n}` }).itemKey;
  const listingOf = (members: readonly number[], seenSince: readonly number[] = []): ListingContext => ({
    definitionId: 'kettles',
    baselineRunId: 'kettles@baseline',
    baseline: new Map(members.map((n) => [keyOf(n), { itemId: `B${n}`, rank: n }])),
    seenSinceBaseline: new Set(seenSince.map(keyOf)),
  });
  const readOf = (seen: readonly number[], isComplete: boolean) => ({
    runId: 'kettles@2026-11-23T12:00Z',
    definitionId: 'kettles',
    slot: '2026-11-23T12:00Z',
    platform: 'amazon',
    marketplace: 'us',
    crawlType: 'bestsellers',
    isComplete,
    itemKeys: new Set(seen.map(keyOf)),
    finishedAt: '2026-11-23T12:10:00.000Z',
  });

  it('never reports an item as having left after a partial read', () => {
    fc.assert(
      fc.property(itemKeys, itemKeys, (baseline, seen) => {
        assert.deepEqual(detectListingExits(listingOf(baseline), readOf(seen, false)), []);
      }),
    );
  });

  it('after a complete read, reports exactly the baseline items it did not find as having left', () => {
    fc.assert(
      fc.property(itemKeys, itemKeys, (baseline, seen) => {
        const exits = detectListingExits(listingOf(baseline), readOf(seen, true));
        assert.deepEqual(
          exits.map((change) => change.itemId).sort(),
          baseline
            .filter((n) => !seen.includes(n))
            .map((n) => `B${n}`)
            .sort(),
        );
        for (const exit of exits)
          assert.equal(exit.changeId, `2026-11-23T12:00Z#kettles@2026-11-23T12:00Z#left_listing`);
      }),
    );
  });

  it('reports an item not in the baseline as entered, unless a partial run since already did', () => {
    fc.assert(
      fc.property(itemKeys, itemKeys, fc.integer({ min: 1, max: 40 }), (baseline, seenSince, n) => {
        const changes = detectListingChanges(
          listingOf(baseline, seenSince),
          snapshotAt(3, { id: `B${n}`, rank: n }),
        );
        const entered = !baseline.includes(n) && !seenSince.includes(n);
        assert.deepEqual(kinds(changes), entered ? ['entered_listing'] : []);
      }),
    );
  });

  it('reports a rank move on the listing with the places climbed or fallen', () => {
    const changes = detectListingChanges(listingOf([5]), snapshotAt(3, { id: 'B5', rank: 2 }));
    assert.deepEqual(
      changes.map((c) => [c.kind, c.from, c.to, c.delta]),
      [['rank_moved', 5, 2, -3]],
    );
  });

  it('ignores a listing context of another definition', () => {
    const snapshot = snapshotAt(3, { id: 'B7', rank: 1 }, 'toasters');
    assert.deepEqual(
      detectChanges(undefined, snapshot, listingOf([])).map((c) => c.kind),
      ['first_seen'],
    );
  });
});
