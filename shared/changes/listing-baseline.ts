/**
 * A listing's baseline, read from what is already stored: the definition's runs (runs table,
 * `byDefinition`, newest first, slots before the run's own) and their snapshots (items table,
 * `byRun`).
 *
 *   … ── SUCCEEDED ── FAILED ── RETRY_WAIT ── (this run's slot)
 *        baseline      └ seenSinceBaseline ┘
 *
 * Only slots strictly before the run's own count, so every attempt of a run (a resume after a
 * crash, a redelivered message) compares with the same baseline. No complete run among the
 * recent ones: no baseline, and no listing changes (the first complete run sets it).
 */
import { isSponsoredSnapshot, type ItemSnapshot, type ItemStore } from '../results/index.ts';
import type { Run, RunStore } from '../runs/index.ts';
import type { BaselinePlace, ListingContext } from './detect-changes.ts';
import { rankOnListing } from './detect-changes.ts';

/** Runs looked at before giving up on finding a complete one. */
const MAX_RUNS_LOOKED_AT = 25;
/** Partial runs since the baseline whose items count as already reported. */
const MAX_PARTIAL_RUNS = 5;

/** Crawl types whose pages are a listing (items entering, leaving, moving); the rest are detail pages. */
export const isListingCrawlType = (crawlType: string): boolean => crawlType !== 'product_details';

export interface BaselineSources {
  readonly runs: Pick<RunStore, 'listByDefinition'>;
  readonly items: Pick<ItemStore, 'listByRun'>;
}

/** Every snapshot one run saved (all pages of the byRun index). */
export async function snapshotsOfRun(
  items: Pick<ItemStore, 'listByRun'>,
  runId: string,
): Promise<ItemSnapshot[]> {
  const snapshots: ItemSnapshot[] = [];
  let cursor: string | undefined;
  do {
    const page = await items.listByRun(runId, { limit: 1000, ...(cursor ? { cursor } : {}) });
    // Ads are not places on the listing: an item is on it through its organic tile only.
    snapshots.push(...page.snapshots.filter((snapshot) => !isSponsoredSnapshot(snapshot)));
    cursor = page.cursor;
  } while (cursor);
  return snapshots;
}

/** The listing context of a run: undefined for detail pages, or when no earlier run was complete. */
export async function loadListingBaseline(
  sources: BaselineSources,
  run: Pick<Run, 'runId' | 'definitionId' | 'slot' | 'crawlType'>,
): Promise<ListingContext | undefined> {
  if (!isListingCrawlType(run.crawlType)) return undefined;
  const partial: Run[] = [];
  let baselineRun: Run | undefined;
  let cursor: string | undefined;
  let lookedAt = 0;
  search: do {
    const page = await sources.runs.listByDefinition(run.definitionId, {
      descending: true,
      to: run.slot,
      limit: MAX_RUNS_LOOKED_AT,
      ...(cursor ? { cursor } : {}),
    });
    for (const earlier of page.runs) {
      if (earlier.slot >= run.slot) continue;
      lookedAt += 1;
      if (earlier.status === 'SUCCEEDED') {
        baselineRun = earlier;
        break search;
      }
      if (partial.length < MAX_PARTIAL_RUNS) partial.push(earlier);
      if (lookedAt >= MAX_RUNS_LOOKED_AT) break search;
    }
    cursor = page.cursor;
  } while (cursor);
  if (!baselineRun) return undefined;
  const baseline = new Map<string, BaselinePlace>();
  for (const snapshot of await snapshotsOfRun(sources.items, baselineRun.runId)) {
    const rank = rankOnListing(snapshot);
    baseline.set(snapshot.itemKey, { itemId: snapshot.item.id, ...(rank === undefined ? {} : { rank }) });
  }
  const seenSinceBaseline = new Set<string>();
  for (const since of partial) {
    for (const snapshot of await snapshotsOfRun(sources.items, since.runId)) {
      seenSinceBaseline.add(snapshot.itemKey);
    }
  }
  return {
    definitionId: run.definitionId,
    baselineRunId: baselineRun.runId,
    baseline,
    ...(seenSinceBaseline.size > 0 ? { seenSinceBaseline } : {}),
  };
}
