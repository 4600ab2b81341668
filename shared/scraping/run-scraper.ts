/**
 * Scrapes one run: takes its lease, resumes from its checkpoint, reads page after page
 * (checkpointing each), and finishes it — or hands it back. Transport-neutral: the SQS consumer
 * (`consume-run-message.ts`) turns the outcome into queue actions.
 *
 *   acquire ──▶ page 1 ──checkpoint──▶ page 2 ──checkpoint──▶ … ──▶ complete (SUCCEEDED)
 *      │            │ failure: transient/blocked → release (RETRY_WAIT) → retry after backoff
 *      │            │          permanent, or attempts used up → complete (FAILED)
 *      │            │ deadline near / domain over budget → release, attempt refunded → later
 *      └ terminal, leased by another holder, not found → skipped (acknowledged, counted)
 */
import { isIP } from 'node:net';
import type { ChangeRecorder, ListingContext } from '../changes/index.ts';
import type { DefinitionStore } from '../definitions/index.ts';
import type { ItemStore, RunSummaryPublisher } from '../results/index.ts';
import {
  type Failure,
  type Lease,
  LeaseLostError,
  nextStepAfterFailure,
  type Run,
  type RunStore,
} from '../runs/index.ts';
// The files, not the browser folder's index: the HTTP-only function must not bundle Chromium.
import type { BrowserHost } from './browser/browser-host.ts';
import { type OpenPage, withLazyPage } from './browser/lazy-page.ts';
import type { DomainBudget } from './domain-budget.ts';
import {
  type Extractor,
  InvalidTargetError,
  requireExtractor,
  UnknownExtractorError,
} from './extractors/index.ts';
import { fetchModeOf } from './fetch-mode.ts';
import { HttpSession } from './http/index.ts';
import { HandBack, type HandBackReason, isUnfinished, readRunPages } from './page-loop.ts';
import type { ProxySettings } from './proxy.ts';
import { totalsOf } from './read-run-page.ts';
import { type Escalation, RunPageReader } from './run-page-reader.ts';
import { PageFailure, permanentFailure } from './page-failure.ts';
import { SCRAPER_DEFAULTS } from './scraper-config.ts';
import { BlockedUrlError, isPublicAddress, type UrlCheckOptions } from './url-guard.ts';
import type { RunMessage } from '../queues/index.ts';

/** `other-executor`: a run for external workers, which a scraper never takes (its message is deleted). */
export type SkipReason = 'not-found' | 'terminal' | 'leased' | 'lease-lost' | 'other-executor';

export type ScrapeOutcome =
  | { readonly kind: 'succeeded'; readonly run: Run }
  | { readonly kind: 'failed'; readonly run: Run; readonly failure: Failure }
  /** Retry after `delaySeconds` (the message's visibility). */
  | { readonly kind: 'retry'; readonly run: Run; readonly failure: Failure; readonly delaySeconds: number }
  /** Not a failure: come back after `delaySeconds` with a fresh message. */
  | {
      readonly kind: 'handed-back';
      readonly run: Run;
      readonly why: HandBackReason;
      readonly delaySeconds: number;
    }
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly runId: string };

export interface Invocation {
  /** Lease owner: the invocation (request id) or worker that scrapes. */
  readonly owner: string;
  /** Milliseconds left before the platform stops this invocation (Lambda's remaining time). */
  remainingMs(): number;
}

/** Structured logging, as Powertools' Logger offers it (a message and one object of keys). */
export interface ScraperLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface RunScraperOptions {
  readonly runs: RunStore;
  readonly definitions: Pick<DefinitionStore, 'recordSuccess'>;
  readonly items: ItemStore;
  /** Change detection on every saved page, and exits at the end of a complete listing; none: off. */
  readonly changes?: Pick<ChangeRecorder, 'baselineOf' | 'recordPage' | 'recordExits'>;
  readonly budget: Pick<DomainBudget, 'take'>;
  /**
   * The container's browser. Absent in the HTTP-only function: a run that needs the browser (an
   * `auto` run escalating, a `browser` run routed here) is handed over to the browser queue.
   */
  readonly browser?: BrowserHost;
  readonly summaries?: RunSummaryPublisher;
  readonly itemRetentionDays: number;
  /** Lease length; every checkpoint renews it. Must exceed the longest page. Default: SCRAPER_DEFAULTS. */
  readonly leaseMs?: number;
  /** Default: SCRAPER_DEFAULTS. */
  readonly navigationTimeoutMs?: number;
  /** HTTP mode: the largest response body read. Default: SCRAPER_DEFAULTS. */
  readonly maxResponseBytes?: number;
  /** HTTP mode: the outbound proxy (the browser gets it from its host); unset: direct connections. */
  readonly resolveProxy?: () => Promise<ProxySettings | undefined>;
  /** An `auto` run went over to the browser (the handler counts them: metric `Escalations`). */
  readonly onEscalation?: (escalation: Escalation) => void;
  /** Time kept in reserve at the end of an invocation to checkpoint and hand back. Default 20 s. */
  readonly handBackReserveMs?: number;
  /** Over budget for at most this long: wait in place; longer: hand the run back. Default 3 s. */
  readonly maxBudgetWaitMs?: number;
  readonly urlCheck?: UrlCheckOptions;
  /** Where a platform's marketplace lives, when not the real site (the local demo shop). */
  readonly originOverride?: (platform: string, marketplace: string) => string | undefined;
  /** User agents to rotate through: each run uses one, chosen by its id (stable across its attempts). */
  readonly userAgents?: readonly string[];
  readonly clock?: () => number;
  readonly random?: () => number;
  readonly logger?: ScraperLogger;
}

const silent: ScraperLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class RunScraper {
  private readonly options: RunScraperOptions;
  private readonly now: () => number;
  private readonly logger: ScraperLogger;
  private readonly leaseMs: number;
  private readonly navigationTimeoutMs: number;

  constructor(options: RunScraperOptions) {
    this.options = options;
    this.leaseMs = options.leaseMs ?? SCRAPER_DEFAULTS.leaseSeconds * 1000;
    this.navigationTimeoutMs =
      options.navigationTimeoutMs ?? SCRAPER_DEFAULTS.navigationTimeoutSeconds * 1000;
    this.now = options.clock ?? Date.now;
    this.logger = options.logger ?? silent;
  }

  async scrape(message: RunMessage, invocation: Invocation): Promise<ScrapeOutcome> {
    const { runs } = this.options;
    const acquired = await runs.acquire(message.runId, invocation.owner, this.now(), this.leaseMs);
    if (!acquired.acquired) {
      if (acquired.reason === 'attempts-exhausted' && acquired.run) {
        const run = await runs.exhaust(message.runId, this.now());
        await this.publish(run);
        const failure = permanentFailure('attempts-exhausted', `run used all ${run.maxAttempts} attempts`);
        return { kind: 'failed', run, failure };
      }
      const reason = acquired.reason === 'attempts-exhausted' ? 'not-found' : acquired.reason;
      this.logger.info('run not taken', { runId: message.runId, reason, status: acquired.run?.status });
      return { kind: 'skipped', reason, runId: message.runId };
    }
    const { lease } = acquired;
    const latest = { run: acquired.run };
    const run = acquired.run;
    const context = { runId: run.runId, attempt: run.attempts, fencingToken: lease.fencingToken };
    this.logger.info('run started', { ...context, resumeFromPage: run.checkpoint?.page ?? 0 });
    let done: Run;
    try {
      const extractor = requireExtractor(run.platform, run.crawlType);
      // The baseline (earlier runs only) loads beside the first page; its failure is the run's
      // where it is awaited: by the first page's changes, or by the exits.
      const listing = this.options.changes?.baselineOf(run);
      listing?.catch(() => undefined);
      done = await this.readPages(run, lease, extractor, invocation, latest, listing);
      // The listing was read to its end (last page, or the page or item limit): what the baseline
      // had and this run did not find left it. Before completing: a failure here leaves the run to
      // the next attempt, which finds every page done and records the exits again (once each).
      await this.options.changes?.recordExits(done, await listing, this.now());
    } catch (error) {
      // The run as its last checkpoint left it: counts of the pages done in this attempt included.
      return this.afterError(error, lease, latest.run, context);
    }
    // Every page is read and saved: a failure from here on is not the pages' failure. Anything but
    // a lost lease propagates, so the message comes back and the next attempt completes the run.
    let finished: Run;
    try {
      finished = await runs.complete(
        lease,
        { status: 'SUCCEEDED', counts: done.counts, completeness: completenessOfRun(done) },
        this.now(),
      );
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error;
      this.logger.warn('lease lost before completing', { ...context, error: error.message });
      return { kind: 'skipped', reason: 'lease-lost', runId: run.runId };
    }
    await this.options.definitions
      .recordSuccess(finished.definitionId, this.now())
      .catch((error: unknown) => {
        this.logger.warn('could not record the success on the definition', {
          ...context,
          error: String(error),
        });
      });
    await this.publish(finished);
    this.logger.info('run succeeded', {
      ...context,
      counts: finished.counts,
      completeness: finished.completeness,
    });
    return { kind: 'succeeded', run: finished };
  }

  /** Reads pages from the checkpoint on, checkpointing each; returns the run after the last. */
  private async readPages(
    start: Run,
    lease: Lease,
    extractor: Extractor,
    invocation: Invocation,
    latest: { run: Run },
    listing: Promise<ListingContext | undefined> | undefined,
  ): Promise<Run> {
    const { navigationTimeoutMs, options } = this;
    const origin =
      options.originOverride?.(start.platform, start.marketplace) ?? extractor.originOf(start.marketplace);
    if (!isUnfinished(start, start.checkpoint ?? { page: 0, itemsSoFar: 0 })) return start;
    const userAgent = userAgentOf(start.runId, options.userAgents);
    const mode = fetchModeOf(extractor, start.fetchMode);
    const withPage = <T>(work: (openPage: OpenPage) => Promise<T>): Promise<T> =>
      options.browser ? withLazyPage(options.browser, work) : work(handOverToTheBrowser);
    return withPage((openPage) => {
      const reader = new RunPageReader({
        mode,
        escalated: totalsOf(start.checkpoint).escalated,
        run: start,
        extractor,
        openPage,
        pageOptions: {
          navigationTimeoutMs,
          allowRequest: (url) => isAllowedSubrequest(url, options.urlCheck),
          ...userAgent,
        },
        newSession: async (takeBudget) => {
          const proxy = await options.resolveProxy?.();
          return new HttpSession({
            ...userAgent,
            ...(proxy ? { proxy } : {}),
            navigationTimeoutMs,
            ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
            ...(options.urlCheck ? { urlCheck: options.urlCheck } : {}),
            takeBudget,
          });
        },
        ...(options.urlCheck ? { urlCheck: options.urlCheck } : {}),
        onEscalation: async (escalation) => {
          this.logger.info('run escalated to the browser', {
            ...escalation,
            fencingToken: lease.fencingToken,
          });
          // On the run before the browser reads the page or the run is handed over (fenced).
          const nowMs = this.now();
          await options.runs.recordEscalation(
            lease,
            { reason: escalation.reason, page: escalation.page, at: new Date(nowMs).toISOString() },
            nowMs,
          );
          options.onEscalation?.(escalation);
        },
      });
      return readRunPages({
        reader,
        start,
        lease,
        extractor,
        target: { value: start.target, marketplace: start.marketplace, origin },
        runs: options.runs,
        items: options.items,
        ...(options.changes ? { changes: { recorder: options.changes, listing } } : {}),
        budget: options.budget,
        itemRetentionDays: options.itemRetentionDays,
        leaseMs: this.leaseMs,
        reserveMs: (options.handBackReserveMs ?? 20_000) + navigationTimeoutMs,
        maxBudgetWaitMs: options.maxBudgetWaitMs ?? 3_000,
        remainingMs: () => invocation.remainingMs(),
        now: this.now,
        onCheckpoint: (run) => {
          latest.run = run;
        },
        onPage: (details) => this.logger.info('page done', { runId: start.runId, ...details }),
      });
    });
  }

  private async afterError(
    error: unknown,
    lease: Lease,
    run: Run,
    context: Record<string, unknown>,
  ): Promise<ScrapeOutcome> {
    const { runs } = this.options;
    if (error instanceof LeaseLostError) {
      this.logger.warn('lease lost: another holder has the run', { ...context, error: error.message });
      return { kind: 'skipped', reason: 'lease-lost', runId: run.runId };
    }
    try {
      if (error instanceof HandBack) {
        // Escalated: the checkpoint says so in the same conditional write, before the message to
        // the browser queue is sent (routing reads it), so the run never comes back over HTTP.
        const progress = error.why === 'escalate' ? escalatedProgressOf(run) : undefined;
        const released = await runs.release(
          lease,
          { delaySeconds: error.delaySeconds, refundAttempt: true, ...(progress ? { progress } : {}) },
          this.now(),
        );
        this.logger.info('run handed back', {
          ...context,
          why: error.why,
          page: released.checkpoint?.page ?? 0,
        });
        return { kind: 'handed-back', run: released, why: error.why, delaySeconds: error.delaySeconds };
      }
      const failure = failureOf(error);
      const step = nextStepAfterFailure(failure, run.attempts, run.maxAttempts, this.options.random);
      if (step.action === 'retry') {
        const released = await runs.release(lease, { delaySeconds: step.delaySeconds, failure }, this.now());
        this.logger.warn('attempt failed, will retry', {
          ...context,
          failure,
          delaySeconds: step.delaySeconds,
        });
        return { kind: 'retry', run: released, failure, delaySeconds: step.delaySeconds };
      }
      const failed = await runs.complete(
        lease,
        { status: 'FAILED', counts: run.counts, completeness: completenessOfRun(run), failure },
        this.now(),
      );
      await this.publish(failed);
      this.logger.error('run failed', { ...context, failure });
      return { kind: 'failed', run: failed, failure };
    } catch (second) {
      if (second instanceof LeaseLostError) {
        this.logger.warn('lease lost while handing back', { ...context, error: second.message });
        return { kind: 'skipped', reason: 'lease-lost', runId: run.runId };
      }
      throw second;
    }
  }

  private async publish(run: Run): Promise<void> {
    // The run's outcome is already stored; a lost event is logged, not worth failing the run over.
    await this.options.summaries?.publish(run).catch((error: unknown) => {
      this.logger.error('summary event not published', { runId: run.runId, error: String(error) });
    });
  }
}

/** What `openPage` does without a browser: stop, and hand the run over to the browser queue. */
const handOverToTheBrowser: OpenPage = () => Promise.reject(new HandBack('escalate', 0));

/**
 * The run's last checkpoint (no page of this attempt is lost: the loop awaited its writes) marked
 * escalated, with the escalation counted: the browser function reads every later page.
 */
function escalatedProgressOf(run: Run) {
  const checkpoint = run.checkpoint ?? { page: 0, itemsSoFar: 0 };
  const totals = totalsOf(checkpoint);
  const state = {
    ...checkpoint.state,
    escalated: true,
    escalations: totals.escalated ? totals.escalations : totals.escalations + 1,
  };
  return { checkpoint: { ...checkpoint, state }, counts: run.counts };
}

/** The failure class of whatever stopped a page. */
export function failureOf(error: unknown): Failure {
  if (error instanceof PageFailure) return error.failure;
  if (error instanceof BlockedUrlError) return permanentFailure('url-blocked', error.message);
  if (error instanceof InvalidTargetError) return permanentFailure('invalid-target', error.message);
  if (error instanceof UnknownExtractorError) return permanentFailure('unknown-extractor', error.message);
  const message = error instanceof Error ? error.message : String(error);
  return { failureClass: 'transient', reason: 'unexpected', message };
}

/**
 * The run's user agent: one of the configured list, chosen by the run id (stable across attempts
 * and the same in both fetch modes); none configured: each mode's own default.
 */
export function userAgentOf(
  runId: string,
  userAgents: readonly string[] | undefined,
): { userAgent?: string } {
  if (!userAgents || userAgents.length === 0) return {};
  let hash = 0;
  for (const char of runId) hash = (Math.imul(hash, 31) + (char.codePointAt(0) ?? 0)) >>> 0;
  return { userAgent: userAgents[hash % userAgents.length] };
}

/**
 * Subresources a page may load: http(s) only, never a literal private, loopback or metadata
 * address, allow-listed hosts aside. A cheap early refusal only: names are resolved and checked by
 * the browser's guard proxy (browser/guard-proxy.ts), which every request of the page goes through.
 */
function isAllowedSubrequest(raw: string, urlCheck: UrlCheckOptions | undefined): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === 'data:') return true;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (urlCheck?.allowHosts?.includes(`${host}:${port}`)) return true;
  return !isLiteralNonPublic(host);
}

function isLiteralNonPublic(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) return true;
  return isIP(host) !== 0 && !isPublicAddress(host);
}

/**
 * Completeness of the run so far, from the totals its checkpoints carry: the share of required
 * fields present in the saved items; 0 if a page had no known layout and nothing was saved.
 */
export function completenessOfRun(run: Run): number | undefined {
  const totals = totalsOf(run.checkpoint);
  if (totals.requiredTotal > 0) return totals.requiredPresent / totals.requiredTotal;
  return totals.unknownLayoutPages > 0 ? 0 : undefined;
}
