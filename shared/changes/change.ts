/**
 * A change: one fact about one item that a snapshot revealed (its price went down, it came back
 * in stock, it entered a listing...). Keyed by the item and the snapshot it came from
 * (`changeId` = `<snapshotId>#<kind>`), so saving the same snapshot again can only rewrite the
 * same change, never add a second one.
 */

/** Changes about the item itself, decided against its last state. */
export const ITEM_CHANGE_KINDS = [
  'first_seen',
  'price_up',
  'price_down',
  'back_in_stock',
  'out_of_stock',
  'rating_moved',
  'review_count_moved',
] as const;

/** Changes about the item on one listing (a definition's search, category or best-seller pages). */
export const LISTING_CHANGE_KINDS = ['entered_listing', 'left_listing', 'rank_moved'] as const;

export const CHANGE_KINDS = [...ITEM_CHANGE_KINDS, ...LISTING_CHANGE_KINDS] as const;
export type ItemChangeKind = (typeof ITEM_CHANGE_KINDS)[number];
export type ListingChangeKind = (typeof LISTING_CHANGE_KINDS)[number];
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const isListingChangeKind = (kind: ChangeKind): kind is ListingChangeKind =>
  (LISTING_CHANGE_KINDS as readonly string[]).includes(kind);

export interface Change {
  readonly itemKey: string;
  readonly changeId: string;
  readonly kind: ChangeKind;
  readonly platform: string;
  readonly marketplace: string;
  readonly itemId: string;
  /** Where it was noticed: the definition, run and slot of the snapshot (or of the run, for `left_listing`). */
  readonly definitionId: string;
  readonly runId: string;
  readonly slot: string;
  readonly crawlType: string;
  readonly snapshotId: string;
  /** ISO time of the observation that revealed it (the snapshot's capture; a run's end for `left_listing`). */
  readonly detectedAt: string;
  /** Old and new value: a price, a rating, a review count, a rank, an availability. */
  readonly from?: number | string;
  readonly to?: number | string;
  /** `to - from` for numbers (a rank going from 5 to 2 is -3: it climbed). */
  readonly delta?: number;
  /** `delta` as a percentage of `from` (prices), two decimals; absent when `from` is 0. */
  readonly percent?: number;
  readonly currency?: string;
  /** The item's rank on the listing when it entered it, or `from`/`to` already say it. */
  readonly rank?: number;
}

export const changeIdOf = (snapshotId: string, kind: ChangeKind): string => `${snapshotId}#${kind}`;
