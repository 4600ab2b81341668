/**
 * Seed 004's vocabulary and Shelfwatch's, translated both ways. A seed "task" is a Shelfwatch
 * run; its statuses, data types and numeric priorities map as below, and `payload_json` carries
 * the run's params in seed names merged with the progress the last holder saved, so a worker
 * that pulls an interrupted task resumes where the previous one stopped.
 *
 *   run status                         seed status      crawl type        seed data_type
 *   PENDING, QUEUED, RETRY_WAIT    →   PENDING          product_details ↔ detail_page
 *   RUNNING                        →   IN_PROGRESS      category        ↔ category_page
 *   SUCCEEDED                      →   DONE             search_result   ↔ search_page
 *   FAILED, CANCELLED, DEAD_LETTERED → FAILED           bestsellers     ↔ bestsellers_page
 *
 *   priority: high ↔ 10 (7..10 in), normal ↔ 5 (4..6 in), low ↔ 1 (0..3 in)
 */
import { findExtractor } from '../scraping/extractors/index.ts';
import type { z } from 'zod';
import type { Checkpoint, Run, RunCounts, RunStatus } from '../runs/index.ts';
import type { Priority } from '../definitions/index.ts';

export const SEED_STATUSES = ['PENDING', 'IN_PROGRESS', 'DONE', 'FAILED'] as const;
export type SeedStatus = (typeof SEED_STATUSES)[number];

export function seedStatusOf(status: RunStatus): SeedStatus {
  if (status === 'RUNNING') return 'IN_PROGRESS';
  if (status === 'SUCCEEDED') return 'DONE';
  if (status === 'FAILED' || status === 'CANCELLED' || status === 'DEAD_LETTERED') return 'FAILED';
  return 'PENDING';
}

const DATA_TYPES: Readonly<Record<string, string>> = {
  product_details: 'detail_page',
  category: 'category_page',
  search_result: 'search_page',
  bestsellers: 'bestsellers_page',
};

export const dataTypeOf = (crawlType: string): string => DATA_TYPES[crawlType] ?? crawlType;

/** A seed data type, or a crawl type id given as is. */
export const crawlTypeOf = (dataType: string): string =>
  Object.entries(DATA_TYPES).find(([, seed]) => seed === dataType)?.[0] ?? dataType;

const PRIORITY_NUMBERS: Record<Priority, number> = { high: 10, normal: 5, low: 1 };

export const seedPriorityOf = (priority: Priority): number => PRIORITY_NUMBERS[priority];

export function priorityOf(value: number | Priority): Priority {
  if (typeof value === 'string') return value;
  if (value >= 7) return 'high';
  if (value >= 4) return 'normal';
  return 'low';
}

/** What a worker reports as progress (seed 004, API 3); extra keys are kept for its resume. */
export interface SeedProgress {
  readonly current_page?: number;
  readonly total_pages?: number;
  readonly scraped_count?: number;
  readonly saved_count?: number;
  readonly skipped_count?: number;
  readonly invalid_count?: number;
  readonly last_product_id?: string | number;
  readonly next_url?: string;
  readonly [key: string]: unknown;
}

/** The checkpoint a progress report amounts to: pages before the current one are done. */
export function checkpointOf(progress: SeedProgress, previous: Checkpoint | undefined): Checkpoint {
  const page =
    progress.current_page !== undefined ? Math.max(0, progress.current_page - 1) : (previous?.page ?? 0);
  const lastItemId =
    progress.last_product_id !== undefined ? String(progress.last_product_id) : previous?.lastItemId;
  const nextUrl = progress.next_url ?? previous?.nextUrl;
  return {
    page,
    itemsSoFar: progress.scraped_count ?? previous?.itemsSoFar ?? 0,
    ...(lastItemId !== undefined ? { lastItemId } : {}),
    ...(nextUrl !== undefined ? { nextUrl } : {}),
    // Validated as JSON by the route's schema (progressSchema).
    state: { progress: { ...savedProgressOf(previous), ...progress } as z.core.util.JSONType },
  };
}

export function countsOf(reported: SeedProgress, previous: RunCounts): RunCounts {
  return {
    scraped: reported.scraped_count ?? previous.scraped,
    saved: reported.saved_count ?? previous.saved,
    skipped: reported.skipped_count ?? previous.skipped,
    invalid: reported.invalid_count ?? previous.invalid,
  };
}

/** The progress a worker saved, or one derived from a checkpoint another consumer wrote. */
function savedProgressOf(checkpoint: Checkpoint | undefined): Record<string, unknown> {
  if (!checkpoint) return {};
  const saved = checkpoint.state?.progress;
  if (saved && typeof saved === 'object' && !Array.isArray(saved)) return { ...saved };
  return {
    current_page: checkpoint.page + 1,
    scraped_count: checkpoint.itemsSoFar,
    ...(checkpoint.lastItemId !== undefined ? { last_product_id: checkpoint.lastItemId } : {}),
    ...(checkpoint.nextUrl !== undefined ? { next_url: checkpoint.nextUrl } : {}),
  };
}

const isHttpUrl = (value: string): boolean => /^https?:\/\//i.test(value);

/**
 * The page a worker opens. A URL target is the task's url as created, query string and all,
 * also when resumed (seed 004's worker compares it with the page it is on; where to continue is
 * in payload_json: current_page, next_url). Otherwise: the saved next page if the run is
 * resumed, else the page the run's extractor builds from the target (an ASIN, a keyword...).
 */
function pageUrlOf(run: Run): string | null {
  if (isHttpUrl(run.target)) return run.target;
  if (run.checkpoint?.nextUrl) return run.checkpoint.nextUrl;
  const extractor = findExtractor(run.platform, run.crawlType);
  if (extractor) {
    try {
      const origin = extractor.originOf(run.marketplace);
      return extractor.pageUrl(
        { value: run.target, marketplace: run.marketplace, origin },
        (run.checkpoint?.page ?? 0) + 1,
      );
    } catch {
      // An invalid target for the extractor: the worker gets the raw target and decides.
    }
  }
  return null;
}

/**
 * The params a worker gets: seed 004's payload_json as the task was created with (every key, as
 * given), or for a run of a definition without one, its params in seed names.
 */
function createdPayloadOf(run: Run): Record<string, unknown> {
  if (run.workerPayload !== undefined) return JSON.parse(run.workerPayload) as Record<string, unknown>;
  return { max_pages: run.params.maxPages, max_products: run.params.maxItems };
}

/** A run as seed 004's `task` (API 2's answer). */
export interface SeedTask {
  readonly id: string;
  readonly platform: string;
  readonly market: string;
  /** The page to open: the URL the task was created with; for an ASIN or keyword target, its page (or null). */
  readonly url: string | null;
  readonly target: string;
  readonly data_type: string;
  readonly priority: number;
  readonly status: SeedStatus;
  readonly max_retries: number;
  readonly retry_count: number;
  readonly payload_json: string;
}

export function seedTaskOf(run: Run): SeedTask {
  const payload = { ...createdPayloadOf(run), ...savedProgressOf(run.checkpoint) };
  return {
    id: run.runId,
    platform: run.platform,
    market: run.marketplace,
    url: pageUrlOf(run),
    target: run.target,
    data_type: dataTypeOf(run.crawlType),
    priority: seedPriorityOf(run.priority),
    status: seedStatusOf(run.status),
    max_retries: run.maxAttempts,
    retry_count: Math.max(0, run.attempts - 1),
    payload_json: JSON.stringify(payload),
  };
}
