/**
 * Change detection, pure: (the item's last state, a snapshot[, the listing it was read on]) →
 * the changes it reveals. No clock, no I/O; the store decides what is written and when.
 *
 * Item changes compare with the item's state, whichever definition read it last. Listing changes
 * compare with the last COMPLETE run of the snapshot's own definition (its baseline): `entered`
 * when the item was not on it, `rank_moved` when its rank there differs. `left_listing` is decided
 * only once a run has read its listing to the end (`detectListingExits`).
 */
import type { ItemSnapshot, SnapshotSource } from '../results/index.ts';
import { type Change, type ChangeKind, changeIdOf } from './change.ts';
import { inStockOf, isAppliedOrStale, isForgotten, type ItemState } from './item-state.ts';

/** An item's place in a listing's baseline run. */
export interface BaselinePlace {
  readonly itemId: string;
  readonly rank?: number;
}

/**
 * What a run compares its listing with: the items of the definition's last complete run, and those
 * seen by partial runs since (already reported as entered: a complete run does not report them again).
 */
export interface ListingContext {
  readonly definitionId: string;
  readonly baselineRunId: string;
  readonly baseline: ReadonlyMap<string, BaselinePlace>;
  readonly seenSinceBaseline?: ReadonlySet<string>;
}

/** A run's reading of its listing, for `detectListingExits`. */
export interface ListingRead extends Pick<
  SnapshotSource,
  'runId' | 'definitionId' | 'slot' | 'platform' | 'marketplace' | 'crawlType'
> {
  /** The run read the listing to its end (its last page, or its page or item limit). */
  readonly isComplete: boolean;
  /** Item keys on every page it read. */
  readonly itemKeys: ReadonlySet<string>;
  readonly finishedAt: string;
}

/** Rank on the listing: its absolute place across pages (`listingRank`), else the page's own rank. */
export const rankOnListing = (snapshot: ItemSnapshot): number | undefined =>
  snapshot.listingRank ?? snapshot.item.rank;

const round = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

function baseOf(snapshot: ItemSnapshot, kind: ChangeKind): Change {
  return {
    itemKey: snapshot.itemKey,
    changeId: changeIdOf(snapshot.snapshotId, kind),
    kind,
    platform: snapshot.platform,
    marketplace: snapshot.marketplace.toUpperCase(),
    itemId: snapshot.item.id,
    definitionId: snapshot.definitionId,
    runId: snapshot.runId,
    slot: snapshot.slot,
    crawlType: snapshot.crawlType,
    snapshotId: snapshot.snapshotId,
    detectedAt: snapshot.capturedAt,
  };
}

const moveOf = (from: number, to: number, decimals = 6) => ({ from, to, delta: round(to - from, decimals) });

/** Changes of the item itself. None when the state already holds this snapshot or a newer one. */
export function detectItemChanges(previous: ItemState | undefined, snapshot: ItemSnapshot): Change[] {
  if (!previous) return [baseOf(snapshot, 'first_seen')];
  if (isAppliedOrStale(previous, snapshot)) return [];
  if (isForgotten(previous, snapshot)) return [baseOf(snapshot, 'first_seen')];
  const { item } = snapshot;
  const changes: Change[] = [];
  const sameCurrency =
    item.currency === undefined || previous.currency === undefined || item.currency === previous.currency;
  if (
    item.price !== undefined &&
    previous.price !== undefined &&
    sameCurrency &&
    item.price !== previous.price
  ) {
    const currency = item.currency ?? previous.currency;
    changes.push({
      ...baseOf(snapshot, item.price > previous.price ? 'price_up' : 'price_down'),
      ...moveOf(previous.price, item.price),
      ...(previous.price === 0
        ? {}
        : { percent: round(((item.price - previous.price) / previous.price) * 100, 2) }),
      ...(currency ? { currency } : {}),
    });
  }
  const inStock = inStockOf(item.availability);
  if (previous.inStock === false && inStock === true) {
    changes.push({ ...baseOf(snapshot, 'back_in_stock'), to: item.availability! });
  } else if (previous.inStock === true && inStock === false) {
    changes.push({ ...baseOf(snapshot, 'out_of_stock'), to: item.availability! });
  }
  if (item.rating !== undefined && previous.rating !== undefined && item.rating !== previous.rating) {
    changes.push({ ...baseOf(snapshot, 'rating_moved'), ...moveOf(previous.rating, item.rating, 2) });
  }
  if (
    item.reviewCount !== undefined &&
    previous.reviewCount !== undefined &&
    item.reviewCount !== previous.reviewCount
  ) {
    changes.push({
      ...baseOf(snapshot, 'review_count_moved'),
      ...moveOf(previous.reviewCount, item.reviewCount, 0),
    });
  }
  return changes;
}

/** Changes of the item on the listing it was read on, against that listing's baseline. */
export function detectListingChanges(listing: ListingContext, snapshot: ItemSnapshot): Change[] {
  if (snapshot.definitionId !== listing.definitionId) return [];
  const rank = rankOnListing(snapshot);
  const before = listing.baseline.get(snapshot.itemKey);
  if (!before) {
    if (listing.seenSinceBaseline?.has(snapshot.itemKey)) return [];
    return [{ ...baseOf(snapshot, 'entered_listing'), ...(rank === undefined ? {} : { rank }) }];
  }
  if (before.rank !== undefined && rank !== undefined && before.rank !== rank) {
    return [{ ...baseOf(snapshot, 'rank_moved'), ...moveOf(before.rank, rank, 0) }];
  }
  return [];
}

/** Every change one snapshot reveals: of the item, then of the item on its listing. */
export function detectChanges(
  previous: ItemState | undefined,
  snapshot: ItemSnapshot,
  listing?: ListingContext,
): Change[] {
  return [
    ...detectItemChanges(previous, snapshot),
    ...(listing ? detectListingChanges(listing, snapshot) : []),
  ];
}

/**
 * Items of the baseline that a run did not find on its listing. Only a run that read the listing
 * to its end may say so: a partial run (failed, cancelled, handed back for good) reports no exits,
 * since the items may sit on the pages it never read.
 */
export function detectListingExits(listing: ListingContext, read: ListingRead): Change[] {
  if (!read.isComplete || read.definitionId !== listing.definitionId) return [];
  const snapshotId = `${read.slot}#${read.runId}`;
  const exits: Change[] = [];
  for (const [itemKey, place] of listing.baseline) {
    if (read.itemKeys.has(itemKey)) continue;
    exits.push({
      itemKey,
      changeId: changeIdOf(snapshotId, 'left_listing'),
      kind: 'left_listing',
      platform: read.platform,
      marketplace: read.marketplace.toUpperCase(),
      itemId: place.itemId,
      definitionId: read.definitionId,
      runId: read.runId,
      slot: read.slot,
      crawlType: read.crawlType,
      snapshotId,
      detectedAt: read.finishedAt,
      ...(place.rank === undefined ? {} : { rank: place.rank }),
    });
  }
  return exits;
}
