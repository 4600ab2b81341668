/**
 * An item snapshot: what one run saw of one item. Keyed by the item (`itemKey`) and by
 * `snapshotId` = `<slot>#<runId>`, so the history of an item sorts by time and a page scraped
 * again after a resume rewrites the same record instead of adding a duplicate. An ad (an item
 * with `sponsored: true`) is kept apart from the same item's organic tile: its id is
 * `<slot>#<runId>#sponsored`, so the two never overwrite each other.
 */
import type { Run } from '../runs/index.ts';
import type { Item } from './item.ts';

export interface SnapshotSource {
  readonly runId: string;
  readonly definitionId: string;
  readonly slot: string;
  readonly platform: string;
  readonly marketplace: string;
  readonly crawlType: string;
  /** Page of the run the item was read on (1-based). */
  readonly pageNumber: number;
  /** Who read it: a scraper invocation or an external worker. */
  readonly capturedBy: string;
  /**
   * Listings: the total number of results the page says the search or category has ("1-16 of
   * 306 results" → 306), where it says so. A page-level value, kept on each snapshot of the page.
   */
  readonly resultCount?: number;
}

export interface ItemSnapshot extends SnapshotSource {
  readonly itemKey: string;
  readonly snapshotId: string;
  /** ISO time the page was read. */
  readonly capturedAt: string;
  readonly item: Item;
  /**
   * Absolute place on the run's listing (search, category, best sellers), 1-based across pages:
   * the page's own rank where it shows one, else items before this page + position on it.
   */
  readonly listingRank?: number;
  /** Epoch seconds after which DynamoDB TTL may delete the snapshot (retention only). */
  readonly expiresAt: number;
}

/** Where a run's snapshots come from: the run (what was scraped), the page and who read it. */
export const snapshotSourceOf = (
  run: Pick<Run, 'runId' | 'definitionId' | 'slot' | 'platform' | 'marketplace' | 'crawlType'>,
  pageNumber: number,
  capturedBy: string,
  resultCount?: number,
): SnapshotSource => ({
  runId: run.runId,
  definitionId: run.definitionId,
  slot: run.slot,
  platform: run.platform,
  marketplace: run.marketplace,
  crawlType: run.crawlType,
  pageNumber,
  capturedBy,
  ...(resultCount === undefined ? {} : { resultCount }),
});

export const itemKeyOf = (platform: string, marketplace: string, itemId: string): string =>
  `${platform}#${marketplace.toUpperCase()}#${itemId}`;

export const SPONSORED_SNAPSHOT_SUFFIX = '#sponsored';

/** `<slot>#<runId>`, or `<slot>#<runId>#sponsored` for an ad (so an ad and its organic twin are two records). */
export const snapshotIdOf = (slot: string, runId: string, sponsored = false): string =>
  `${slot}#${runId}${sponsored ? SPONSORED_SNAPSHOT_SUFFIX : ''}`;

export const isSponsoredSnapshot = (snapshot: Pick<ItemSnapshot, 'snapshotId'>): boolean =>
  snapshot.snapshotId.endsWith(SPONSORED_SNAPSHOT_SUFFIX);

export function snapshotOf(
  source: SnapshotSource,
  item: Item,
  capturedAtMs: number,
  retentionDays: number,
): ItemSnapshot {
  return {
    ...source,
    itemKey: itemKeyOf(source.platform, source.marketplace, item.id),
    snapshotId: snapshotIdOf(source.slot, source.runId, item.sponsored === true),
    capturedAt: new Date(capturedAtMs).toISOString(),
    item,
    expiresAt: Math.floor(capturedAtMs / 1000) + retentionDays * 86_400,
  };
}
