/**
 * Price changes against the demo shop's catalogue: which price moves the shop's versions put in
 * front of the runs (expected), and whether the changes table holds exactly one price_up /
 * price_down for each (seen, duplicated, missing, unexpected). Shared by the integration test
 * (one listing, two versions) and the e2e (the local pipeline, a version per slot).
 */
import { formatPrice, productOf } from '../../demo-shop/index.ts';
import type { ChangeRecord } from '../../shared/changes/index.ts';
import { isSponsoredSnapshot, type ItemSnapshot } from '../../shared/results/index.ts';

/** The price a demo page shows for a product in a version, as the extractors read it. */
export const shownPriceOf = (platform: string, id: string, version: number): number =>
  Number(formatPrice(productOf(platform, id, version)).replace(/[^\d.]/g, ''));

export interface PriceChangeTally {
  /** Price moves between consecutive snapshots of an item (capture order), from the catalogue. */
  readonly expected: number;
  /** price_up / price_down records in the changes table. */
  readonly seen: number;
  /** Records beyond the first for one (item, snapshot). */
  readonly duplicated: number;
  /** Expected moves with no record (`itemKey snapshotId kind from→to`). */
  readonly missing: readonly string[];
  /** Records no expected move accounts for (wrong direction, values or snapshot included). */
  readonly unexpected: readonly string[];
}

const PRICE_KINDS = new Set(['price_up', 'price_down']);
const describe = (itemKey: string, snapshotId: string, kind: string, from: unknown, to: unknown) =>
  `${itemKey} ${snapshotId} ${kind} ${String(from)}→${String(to)}`;

/**
 * `snapshots`: every snapshot of the items in question (each item's whole observed history, so
 * its first one is its first sighting); `versionOf`: the shop version a snapshot's page was read at.
 */
export function tallyPriceChanges(
  snapshots: readonly ItemSnapshot[],
  changes: readonly ChangeRecord[],
  versionOf: (snapshot: ItemSnapshot) => number,
): PriceChangeTally {
  const byItem = new Map<string, ItemSnapshot[]>();
  for (const snapshot of snapshots) {
    if (isSponsoredSnapshot(snapshot)) continue; // an ad's changes are its organic twin's
    if (snapshot.item.price === undefined) continue; // no price read: the item keeps its last one
    byItem.set(snapshot.itemKey, [...(byItem.get(snapshot.itemKey) ?? []), snapshot]);
  }
  const expected = new Set<string>();
  for (const [itemKey, history] of byItem) {
    history.sort(
      (a, b) => a.capturedAt.localeCompare(b.capturedAt) || a.snapshotId.localeCompare(b.snapshotId),
    );
    for (let index = 1; index < history.length; index += 1) {
      const [before, now] = [history[index - 1] as ItemSnapshot, history[index] as ItemSnapshot];
      const from = shownPriceOf(before.platform, before.item.id, versionOf(before));
      const to = shownPriceOf(now.platform, now.item.id, versionOf(now));
      if (from === to) continue;
      expected.add(describe(itemKey, now.snapshotId, to > from ? 'price_up' : 'price_down', from, to));
    }
  }
  const items = new Set(byItem.keys());
  const seenRecords = changes.filter((change) => PRICE_KINDS.has(change.kind) && items.has(change.itemKey));
  const perSnapshot = new Map<string, number>();
  for (const change of seenRecords) {
    const key = `${change.itemKey}|${change.snapshotId}`;
    perSnapshot.set(key, (perSnapshot.get(key) ?? 0) + 1);
  }
  const seen = seenRecords.map((change) =>
    describe(change.itemKey, change.snapshotId, change.kind, change.from, change.to),
  );
  const seenSet = new Set(seen);
  return {
    expected: expected.size,
    seen: seenRecords.length,
    duplicated: [...perSnapshot.values()].reduce((sum, count) => sum + count - 1, 0),
    missing: [...expected].filter((entry) => !seenSet.has(entry)).sort(),
    unexpected: seen.filter((entry) => !expected.has(entry)).sort(),
  };
}

/**
 * The one version in `candidates` whose catalogue shows every price a run's snapshots read
 * (the lowest when several agree on all of them), or undefined when none does: the run read
 * pages of two versions, or a price the catalogue never showed.
 */
export function versionReadBy(
  runSnapshots: readonly ItemSnapshot[],
  candidates: readonly number[],
): number | undefined {
  const organic = runSnapshots.filter(
    (snapshot) => !isSponsoredSnapshot(snapshot) && snapshot.item.price !== undefined,
  );
  return candidates.find((version) =>
    organic.every(
      (snapshot) => snapshot.item.price === shownPriceOf(snapshot.platform, snapshot.item.id, version),
    ),
  );
}
