/**
 * One page of a run: check the URL, load it (in the browser, or over HTTP), refuse error statuses
 * and block pages, extract; then (pure) what the page adds: the snapshots to save and the
 * checkpoint that says the page is done. Whatever stops the page is a `PageFailure` carrying its
 * failure class (or the SSRF guard's `BlockedUrlError`).
 */
import type { HTTPRequest, Page } from 'puppeteer-core';
import {
  type ChangeRecorder,
  ChangesNotRecordedError,
  isListingCrawlType,
  type PendingListing,
} from '../changes/index.ts';
import {
  type ItemSnapshot,
  type ItemStore,
  SnapshotsNotSavedError,
  snapshotOf,
  snapshotSourceOf,
} from '../results/index.ts';
import type { Checkpoint, Run, RunCounts } from '../runs/index.ts';
import {
  completenessOf,
  type Extractor,
  extractHtml,
  extractPage,
  type PageExtraction,
} from './extractors/index.ts';
import type { EscalationReason } from './fetch-mode.ts';
import type { HttpSession } from './http/index.ts';
import { failureOfBlock, failureOfNavigation, failureOfStatus, PageFailure } from './page-failure.ts';
import { checkRedirectUrl, checkScrapeUrl, type UrlCheckOptions } from './url-guard.ts';

/** Running totals a run's checkpoint carries in `state` (so completeness survives a resume). */
export interface CheckpointTotals {
  readonly requiredPresent: number;
  readonly requiredTotal: number;
  readonly unknownLayoutPages: number;
  /** The last page had no next page: nothing left to read. */
  readonly finished: boolean;
  /** Pages done, by the way they were read. */
  readonly pagesHttp: number;
  readonly pagesBrowser: number;
  /** Pages an `auto` run read over HTTP, then again in the browser (at most one per run). */
  readonly escalations: number;
  /** The run escalated: its later pages, on this attempt or the next, are read in the browser. */
  readonly escalated: boolean;
}

export function totalsOf(checkpoint: Checkpoint | undefined): CheckpointTotals {
  const state = (checkpoint?.state ?? {}) as Partial<Record<keyof CheckpointTotals, unknown>>;
  const count = (value: unknown): number => (typeof value === 'number' && value >= 0 ? value : 0);
  return {
    requiredPresent: count(state.requiredPresent),
    requiredTotal: count(state.requiredTotal),
    unknownLayoutPages: count(state.unknownLayoutPages),
    finished: state.finished === true,
    pagesHttp: count(state.pagesHttp),
    pagesBrowser: count(state.pagesBrowser),
    escalations: count(state.escalations),
    escalated: state.escalated === true,
  };
}

export interface PageLoad {
  readonly run: Run;
  readonly extractor: Extractor;
  readonly url: string;
  readonly pageNumber: number;
  readonly urlCheck?: UrlCheckOptions;
}

/** A page read and turned into what to save: the snapshots, the checkpoint after it, the counts. */
export interface PageProgress {
  readonly snapshots: readonly ItemSnapshot[];
  readonly checkpoint: Checkpoint;
  readonly counts: RunCounts;
  readonly variant?: string;
  readonly saved: number;
  readonly hasMore: boolean;
}

export interface ProgressInput {
  readonly run: Run;
  readonly extractor: Extractor;
  readonly pageNumber: number;
  /** The checkpoint and counts before this page. */
  readonly checkpoint: Checkpoint;
  readonly counts: RunCounts;
  readonly itemRetentionDays: number;
  readonly capturedBy: string;
  readonly capturedAtMs: number;
  /** Set when this page was read in the browser after HTTP did not read it well. */
  readonly escalation?: EscalationReason;
}

/**
 * Pure: what a page adds to its run. Items beyond `maxItems` are skipped; an item listed twice on
 * the page is saved once (its snapshot key is the same) — but an ad and the same item's organic
 * tile have different keys and are both saved; the checkpoint carries the totals that
 * completeness needs after a resume.
 */
export function progressOf(input: ProgressInput, extraction: PageExtraction): PageProgress {
  const { run, extractor, checkpoint, pageNumber } = input;
  const room = Math.max(0, run.params.maxItems - checkpoint.itemsSoFar);
  const kept = extraction.items.slice(0, room);
  const source = snapshotSourceOf(run, pageNumber, input.capturedBy, extraction.resultCount);
  const isListing = isListingCrawlType(run.crawlType);
  const snapshots = [
    ...new Map(
      kept.map((item, index) => {
        const snapshot = snapshotOf(source, item, input.capturedAtMs, input.itemRetentionDays);
        // An ad has no place on the listing: its organic twin (if any) carries the rank.
        const listingRank =
          isListing && item.sponsored !== true ? (item.rank ?? checkpoint.itemsSoFar + index + 1) : undefined;
        return [
          `${snapshot.itemKey}|${snapshot.snapshotId}`,
          listingRank === undefined ? snapshot : { ...snapshot, listingRank },
        ] as const;
      }),
    ).values(),
  ];
  const saved = snapshots.length;
  const before = totalsOf(checkpoint);
  const nextUrl = httpUrlOrUndefined(extraction.nextUrl);
  const hasMore =
    extraction.variant !== undefined && nextUrl !== undefined && kept.length === extraction.items.length;
  const required = extractor.requiredFields.length;
  const totals: CheckpointTotals = {
    requiredPresent:
      before.requiredPresent +
      Math.round(completenessOf(kept, extractor.requiredFields) * kept.length * required),
    requiredTotal: before.requiredTotal + kept.length * required,
    unknownLayoutPages: before.unknownLayoutPages + (extraction.variant === undefined ? 1 : 0),
    finished: !hasMore,
    pagesHttp: before.pagesHttp + (extraction.mode === 'http' ? 1 : 0),
    pagesBrowser: before.pagesBrowser + (extraction.mode === 'browser' ? 1 : 0),
    escalations: before.escalations + (input.escalation ? 1 : 0),
    escalated: before.escalated || input.escalation !== undefined,
  };
  const counts: RunCounts = {
    scraped: input.counts.scraped + extraction.items.length + extraction.invalid,
    saved: input.counts.saved + saved,
    // Beyond maxItems, or the same item twice on the page.
    skipped: input.counts.skipped + (extraction.items.length - saved),
    invalid: input.counts.invalid + extraction.invalid + (extraction.variant === undefined ? 1 : 0),
  };
  const lastItemId = kept.at(-1)?.id ?? checkpoint.lastItemId;
  return {
    snapshots,
    checkpoint: {
      page: pageNumber,
      itemsSoFar: checkpoint.itemsSoFar + saved,
      ...(lastItemId ? { lastItemId } : {}),
      ...(hasMore && nextUrl ? { nextUrl } : {}),
      state: { ...totals },
    },
    counts,
    ...(extraction.variant ? { variant: extraction.variant } : {}),
    saved,
    hasMore,
  };
}

/** Change detection for a run's pages: the recorder and the run's listing baseline (maybe still loading). */
export interface PageChanges {
  readonly recorder: Pick<ChangeRecorder, 'recordPage'>;
  readonly listing: PendingListing;
}

/**
 * Saves a page's snapshots and records the changes they reveal, side by side (neither reads what
 * the other writes), both before the page's checkpoint: a crash or a failure of either re-reads
 * the page, whose snapshots rewrite themselves and whose changes' conditional writes dedupe.
 * DynamoDB refusing either for good is a transient page failure.
 */
export async function saveSnapshots(
  items: ItemStore,
  snapshots: readonly ItemSnapshot[],
  changes?: PageChanges & { readonly nowMs: number },
): Promise<void> {
  try {
    const [saved, recorded] = await Promise.allSettled([
      items.save(snapshots),
      changes && snapshots.length > 0
        ? changes.recorder.recordPage(snapshots, changes.nowMs, changes.listing)
        : undefined,
    ]);
    // The snapshots' failure first: it is the page's own, the changes' follows from the same cause.
    if (saved.status === 'rejected') throw saved.reason;
    if (recorded.status === 'rejected') throw recorded.reason;
  } catch (error) {
    if (error instanceof SnapshotsNotSavedError) {
      throw new PageFailure(
        { failureClass: 'transient', reason: 'items-not-saved', message: error.message },
        { cause: error },
      );
    }
    if (error instanceof ChangesNotRecordedError) {
      throw new PageFailure(
        { failureClass: 'transient', reason: 'changes-not-recorded', message: error.message },
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Loads one page of a run in the browser and extracts it; whatever stops it is a PageFailure (or
 * the guard's error).
 */
export async function loadRunPage(page: Page, input: PageLoad): Promise<PageExtraction> {
  const { url } = input;
  await checkScrapeUrl(url, input.urlCheck);
  // The main frame's navigations (the page, then each redirect): when the guard proxy refuses a
  // redirect, Chromium sees a 403 page (plain HTTP) or a failed tunnel (HTTPS). Either is the
  // SSRF guard's refusal, a permanent URL_BLOCKED as over HTTP, not a block or a network error.
  const navigations: string[] = [];
  const onRequest = (request: HTTPRequest) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame())
      navigations.push(request.url());
  };
  page.on('request', onRequest);
  let status: number;
  try {
    const response = await page.goto(url, { waitUntil: 'domcontentloaded' });
    status = response?.status() ?? 0;
  } catch (error) {
    await throwIfRedirectRefused(navigations, input.urlCheck);
    throw new PageFailure(failureOfNavigation(error, url), { cause: error });
  } finally {
    page.off('request', onRequest);
  }
  const statusFailure = failureOfStatus(status, url);
  if (statusFailure) {
    await throwIfRedirectRefused(navigations, input.urlCheck);
    throw new PageFailure(statusFailure);
  }
  let extraction: PageExtraction;
  try {
    extraction = await extractPage(page, input.extractor, {
      marketplace: input.run.marketplace,
      pageNumber: input.pageNumber,
    });
  } catch (error) {
    throw new PageFailure(failureOfNavigation(error, url), { cause: error });
  }
  if (extraction.blocked) throw new PageFailure(failureOfBlock(extraction.blocked, url));
  return extraction;
}

/**
 * After a failed navigation: the guard's own error for the first redirect it refuses (the page's
 * URL itself was checked before). Checked again here, as the guard proxy checked it; only a
 * failed load pays for it.
 */
async function throwIfRedirectRefused(navigations: readonly string[], urlCheck: UrlCheckOptions | undefined) {
  for (let index = 1; index < navigations.length; index += 1)
    await checkRedirectUrl(navigations[index] as string, navigations[index - 1], urlCheck);
}

/**
 * Fetches one page of a run over HTTP and extracts it in Node. The session checks every URL,
 * takes the budget, and turns statuses and transport errors into PageFailures; a block page
 * answered with 200 is the extractor's block rules' to recognize, as in the browser.
 */
export async function fetchRunPage(session: HttpSession, input: PageLoad): Promise<PageExtraction> {
  const fetched = await session.fetchPage(input.url);
  const extraction = extractHtml(fetched.html, fetched.url, input.extractor, {
    marketplace: input.run.marketplace,
    pageNumber: input.pageNumber,
  });
  if (extraction.blocked) throw new PageFailure(failureOfBlock(extraction.blocked, fetched.url));
  return extraction;
}

function httpUrlOrUndefined(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && raw.length <= 2048
      ? url.href
      : undefined;
  } catch {
    return undefined;
  }
}
