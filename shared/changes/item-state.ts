/**
 * An item's state: the latest values observed of one item (platform, marketplace, item id), merged
 * over every snapshot of it. A snapshot that lacks a field (a listing shows no seller) keeps the
 * value last observed, so a page that reads less never looks like a change.
 */
import type { ItemSnapshot } from '../results/index.ts';

export interface ListingPlace {
  readonly definitionId: string;
  readonly crawlType: string;
  readonly pageNumber: number;
  readonly position: number;
  readonly rank?: number;
}

export interface ItemState {
  readonly itemKey: string;
  readonly platform: string;
  readonly marketplace: string;
  readonly itemId: string;
  readonly title?: string;
  readonly price?: number;
  readonly currency?: string;
  /** List (original, struck-through) price, where the extractor reads one. */
  readonly listPrice?: number;
  readonly availability?: string;
  /** The last availability that said for sure: words such as "ships in 3 days" keep it. */
  readonly inStock?: boolean;
  readonly rating?: number;
  readonly reviewCount?: number;
  readonly seller?: string;
  /** Where it was seen last: the definition's listing (or detail page), page and rank there. */
  readonly seenOn: ListingPlace;
  /** The snapshot this state was last written from, and when that page was read. */
  readonly snapshotId: string;
  readonly capturedAt: string;
  readonly firstSeenAt: string;
  /** Grows with every write: the condition of the next one (compare-and-set). */
  readonly version: number;
  /** Epoch seconds after which DynamoDB TTL may delete the state (an item gone that long is new again). */
  readonly expiresAt: number;
}

/** The values a change or a reader cares about; a write is needed when one of them moves. */
export const TRACKED_FIELDS = [
  'title',
  'price',
  'currency',
  'listPrice',
  'availability',
  'inStock',
  'rating',
  'reviewCount',
  'seller',
] as const;
type TrackedField = (typeof TRACKED_FIELDS)[number];

/** Values as observed in a snapshot. */
function observedOf(snapshot: ItemSnapshot): Partial<Record<TrackedField, string | number | boolean>> {
  const { item } = snapshot;
  return {
    inStock: inStockOf(item.availability),
    title: item.title,
    price: item.price,
    currency: item.currency,
    listPrice: item.listPrice,
    availability: item.availability,
    rating: item.rating,
    reviewCount: item.reviewCount,
    seller: item.seller,
  };
}

/** `in_stock` and `limited` can be bought, `out_of_stock` cannot; a page's own words say nothing sure. */
export function inStockOf(availability: string | undefined): boolean | undefined {
  if (availability === 'in_stock' || availability === 'limited') return true;
  if (availability === 'out_of_stock') return false;
  return undefined;
}

export const placeOf = (snapshot: ItemSnapshot): ListingPlace => ({
  definitionId: snapshot.definitionId,
  crawlType: snapshot.crawlType,
  pageNumber: snapshot.pageNumber,
  position: snapshot.item.position,
  ...(snapshot.item.rank === undefined ? {} : { rank: snapshot.item.rank }),
});

/**
 * Whether the state had expired when the snapshot was read: the item was unseen for the whole
 * retention, so it is new again. Decided from `expiresAt`, not from TTL having deleted it (late).
 */
export const isForgotten = (previous: ItemState, snapshot: ItemSnapshot): boolean =>
  Date.parse(snapshot.capturedAt) >= previous.expiresAt * 1000;

/** Whether the snapshot was already applied to the state, or is older than what the state holds. */
export const isAppliedOrStale = (previous: ItemState, snapshot: ItemSnapshot): boolean =>
  previous.snapshotId === snapshot.snapshotId || snapshot.capturedAt < previous.capturedAt;

/** The state after a snapshot: its values over the previous ones (missing fields keep theirs). */
export function nextStateOf(
  previous: ItemState | undefined,
  snapshot: ItemSnapshot,
  retentionDays: number,
): ItemState {
  const base = previous && !isForgotten(previous, snapshot) ? previous : undefined;
  const merged: Partial<Record<TrackedField, string | number | boolean>> = {};
  const observed = observedOf(snapshot);
  for (const field of TRACKED_FIELDS) {
    const value = observed[field] ?? base?.[field];
    if (value !== undefined) merged[field] = value;
  }
  const capturedMs = Date.parse(snapshot.capturedAt);
  return {
    itemKey: snapshot.itemKey,
    platform: snapshot.platform,
    marketplace: snapshot.marketplace.toUpperCase(),
    itemId: snapshot.item.id,
    ...(merged as Partial<Pick<ItemState, TrackedField>>),
    seenOn: placeOf(snapshot),
    snapshotId: snapshot.snapshotId,
    capturedAt: snapshot.capturedAt,
    firstSeenAt: base?.firstSeenAt ?? snapshot.capturedAt,
    // The version continues even over a forgotten state: it is the stored record's write condition.
    version: (previous?.version ?? 0) + 1,
    expiresAt: Math.floor(capturedMs / 1000) + retentionDays * 86_400,
  };
}

/** Whether a tracked value differs between two states (a write is then needed even without a change). */
export const hasTrackedDifference = (a: ItemState, b: ItemState): boolean =>
  TRACKED_FIELDS.some((field) => a[field] !== b[field]);

/**
 * Whether the stored state must be rewritten though nothing moved: its expiry is within half the
 * retention, so an item seen every hour never expires while one write per half-retention suffices.
 */
export const needsRefresh = (previous: ItemState, nowMs: number, retentionDays: number): boolean =>
  previous.expiresAt * 1000 - nowMs < (retentionDays * 86_400_000) / 2;
