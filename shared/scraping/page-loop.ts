/**
 * The pages of one run, in order, with the writes of each page overlapped with loading the next:
 *
 *   load 1 ─ extract 1 ─┬─ load 2 ─ extract 2 ─┬─ load 3 …
 *                       └─ save 1, checkpoint 1 ┘└─ save 2, checkpoint 2 …
 *
 * Page N+1's results are applied only after page N's checkpoint is written, so checkpoints stay in
 * page order; before handing back or failing, the write in flight is awaited, so the run's
 * checkpoint always names the last page whose items are saved.
 */
import { ShelfwatchError } from '../errors/index.ts';
import type { ItemStore } from '../results/index.ts';
import { SQS_MAX_DELAY_SECONDS } from '../queues/index.ts';
import {
  type Checkpoint,
  type Lease,
  LeaseLostError,
  type Run,
  type RunCounts,
  type RunStore,
} from '../runs/index.ts';
import type { BudgetDecision } from './domain-budget.ts';
import type { Extractor, ExtractorTarget, FetchMode } from './extractors/index.ts';
import { PageFailure } from './page-failure.ts';
import { type PageChanges, progressOf, saveSnapshots, totalsOf } from './read-run-page.ts';
import type { RunPageReader } from './run-page-reader.ts';

/**
 * Why a run is handed back: its invocation's time is nearly up, its site's budget says "later",
 * or it must be read in the browser and this function has none (it goes to the browser queue).
 */
export type HandBackReason = 'deadline' | 'budget' | 'escalate';

/** Stop and hand the run back (not a failure). */
export class HandBack extends ShelfwatchError {
  readonly why: HandBackReason;
  readonly delaySeconds: number;
  constructor(why: HandBackReason, delaySeconds: number) {
    super('unavailable', 'HANDED_BACK', `handing the run back (${why})`);
    this.why = why;
    this.delaySeconds = delaySeconds;
  }
}

export interface PageLoopOptions {
  /** Reads a page in the run's fetch mode, taking the budget per request through the loop. */
  readonly reader: Pick<RunPageReader, 'read'>;
  readonly start: Run;
  readonly lease: Lease;
  readonly extractor: Extractor;
  readonly target: ExtractorTarget;
  readonly runs: RunStore;
  readonly items: ItemStore;
  /** Change detection on every saved page; none: snapshots only. */
  readonly changes?: PageChanges;
  readonly budget: { take(domain: string, nowMs: number, upTo?: number): Promise<BudgetDecision> };
  readonly itemRetentionDays: number;
  readonly leaseMs: number;
  /** Time needed to finish a page and hand back: below it, no new page is started. */
  readonly reserveMs: number;
  readonly maxBudgetWaitMs: number;
  readonly remainingMs: () => number;
  readonly now: () => number;
  /** The run as last written (for the caller's error path). */
  readonly onCheckpoint: (run: Run) => void;
  readonly onPage?: (details: {
    page: number;
    mode?: FetchMode;
    variant?: string;
    saved: number;
    counts: RunCounts;
  }) => void;
}

export const isUnfinished = (run: Run, checkpoint: Checkpoint): boolean =>
  !totalsOf(checkpoint).finished &&
  checkpoint.page < run.params.maxPages &&
  checkpoint.itemsSoFar < run.params.maxItems;

export async function readRunPages(options: PageLoopOptions): Promise<Run> {
  const { start, lease, extractor } = options;
  let run = start;
  let checkpoint: Checkpoint = start.checkpoint ?? { page: 0, itemsSoFar: 0 };
  let counts: RunCounts = start.counts;
  const resumedAtPage = checkpoint.page;
  let writing: Promise<void> | undefined;
  const budget = new BudgetStash(options);

  /** Waits for the write in flight (its failure is the run's failure). */
  const settle = async (): Promise<void> => {
    const pending = writing;
    writing = undefined;
    if (pending) await pending;
  };

  try {
    while (isUnfinished(start, checkpoint)) {
      if (options.remainingMs() < options.reserveMs) {
        await settle();
        if (checkpoint.page > resumedAtPage) throw new HandBack('deadline', 0);
        throw new PageFailure({
          failureClass: 'transient',
          reason: 'no-time',
          message: `the invocation had ${options.remainingMs()} ms left: not enough for a page`,
        });
      }
      const pageNumber = checkpoint.page + 1;
      const url = checkpoint.nextUrl ?? extractor.pageUrl(options.target, pageNumber);
      const pagesLeft = start.params.maxPages - checkpoint.page;
      const { extraction, escalation } = await options.reader.read(url, pageNumber, (domain) =>
        budget.take(domain, pagesLeft),
      );
      await settle();
      const progress = progressOf(
        {
          run: start,
          extractor,
          pageNumber,
          checkpoint,
          counts,
          itemRetentionDays: options.itemRetentionDays,
          capturedBy: lease.owner,
          capturedAtMs: options.now(),
          ...(escalation ? { escalation } : {}),
        },
        extraction,
      );
      checkpoint = progress.checkpoint;
      counts = progress.counts;
      const written = { checkpoint, counts };
      writing = (async () => {
        await saveSnapshots(
          options.items,
          progress.snapshots,
          options.changes ? { ...options.changes, nowMs: options.now() } : undefined,
        );
        run = await options.runs.checkpoint(lease, written, options.now(), options.leaseMs);
        options.onCheckpoint(run);
        options.onPage?.({
          page: pageNumber,
          ...(extraction.mode ? { mode: extraction.mode } : {}),
          ...(progress.variant ? { variant: progress.variant } : {}),
          saved: progress.saved,
          counts: run.counts,
        });
      })();
      // Rejections are awaited in settle(); this keeps one from being reported as unhandled meanwhile.
      writing.catch(() => undefined);
    }
    await settle();
    return run;
  } catch (error) {
    try {
      await settle();
    } catch (writeError) {
      // A lost lease outranks whatever the page did: another holder owns the run now. A failed
      // write also outranks a hand-back, which would otherwise refund the attempt that failed.
      if (writeError instanceof LeaseLostError || error instanceof HandBack) throw writeError;
    }
    throw error;
  }
}

/**
 * Budget tokens for one run: taken a few at a time (one conditional write for several pages),
 * spent one per page. Over budget for a short while: wait; longer: hand the run back.
 */
class BudgetStash {
  private readonly options: PageLoopOptions;
  private domain = '';
  private tokens = 0;

  constructor(options: PageLoopOptions) {
    this.options = options;
  }

  async take(domain: string, pagesLeft: number): Promise<void> {
    if (domain !== this.domain) {
      this.domain = domain;
      this.tokens = 0;
    }
    while (this.tokens <= 0) {
      const decision = await this.options.budget.take(
        domain,
        this.options.now(),
        Math.min(4, Math.max(1, pagesLeft)),
      );
      if (decision.granted) {
        this.tokens = decision.count ?? 1;
        break;
      }
      const canWait =
        decision.retryAfterMs <= this.options.maxBudgetWaitMs &&
        this.options.remainingMs() - decision.retryAfterMs > this.options.reserveMs;
      if (!canWait)
        throw new HandBack(
          'budget',
          Math.min(SQS_MAX_DELAY_SECONDS, Math.ceil(decision.retryAfterMs / 1000)),
        );
      await new Promise((resolve) => setTimeout(resolve, decision.retryAfterMs));
    }
    this.tokens -= 1;
  }
}
