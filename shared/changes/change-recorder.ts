/**
 * Change detection where snapshots are saved (the run scraper, worker ingest): the listing
 * baseline of a run, the changes of each saved page, and the exits once a run read its whole
 * listing. Order matters to exactly-once: a page's changes are recorded after its snapshots and
 * before its checkpoint, so a crash re-reads the page and the conditional writes dedupe; exits
 * are recorded before the run is completed, so a failed write leaves the run to be completed
 * (and its exits recorded) by the next attempt.
 */
import { isSponsoredSnapshot, type ItemSnapshot, type ItemStore } from '../results/index.ts';
import type { Run, RunStore } from '../runs/index.ts';
import type { ChangeStore, RecordOutcome } from './change-store.ts';
import type { ListingContext } from './detect-changes.ts';
import { loadListingBaseline, snapshotsOfRun } from './listing-baseline.ts';

export interface ChangeRecorderOptions {
  readonly changes: Pick<ChangeStore, 'record' | 'recordExits'>;
  readonly runs: Pick<RunStore, 'listByDefinition'>;
  readonly items: Pick<ItemStore, 'listByRun'>;
}

type RunIdentity = Pick<Run, 'runId' | 'definitionId' | 'slot' | 'crawlType' | 'platform' | 'marketplace'>;

/**
 * A run's listing baseline, loaded or still loading: it reads only earlier runs, so a run starts
 * it beside its first page and a page's changes wait for it only once their states are read.
 */
export type PendingListing = ListingContext | undefined | Promise<ListingContext | undefined>;

export class ChangeRecorder {
  private readonly options: ChangeRecorderOptions;

  constructor(options: ChangeRecorderOptions) {
    this.options = options;
  }

  /** The run's listing baseline (none for detail pages, or before a first complete run). */
  baselineOf(run: RunIdentity): Promise<ListingContext | undefined> {
    return loadListingBaseline(this.options, run);
  }

  /** Records the changes a page's saved snapshots reveal; each once, however often it is saved. */
  recordPage(
    snapshots: readonly ItemSnapshot[],
    nowMs: number,
    listing: PendingListing,
  ): Promise<RecordOutcome> {
    // An ad repeats its organic twin's item (another snapshot id): its changes would be recorded
    // twice, and it has no place on the listing.
    const organic = snapshots.filter((snapshot) => !isSponsoredSnapshot(snapshot));
    return this.options.changes.record(organic, { nowMs, ...(listing ? { listing } : {}) });
  }

  /**
   * A run read its listing to the end: the baseline's items it did not find left the listing.
   * Only for complete reads; the caller calls it right before completing the run as SUCCEEDED.
   */
  async recordExits(
    run: RunIdentity,
    listing: ListingContext | undefined,
    finishedAtMs: number,
  ): Promise<RecordOutcome | undefined> {
    if (!listing) return undefined;
    const snapshots = await snapshotsOfRun(this.options.items, run.runId);
    return this.options.changes.recordExits(listing, {
      runId: run.runId,
      definitionId: run.definitionId,
      slot: run.slot,
      platform: run.platform,
      marketplace: run.marketplace,
      crawlType: run.crawlType,
      isComplete: true,
      itemKeys: new Set(snapshots.map((snapshot) => snapshot.itemKey)),
      finishedAt: new Date(finishedAtMs).toISOString(),
    });
  }
}
