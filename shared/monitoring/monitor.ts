/**
 * The monitor (seed 001 done right): every few minutes it measures the pipeline, repairs what is
 * safe to repair, and reports both as metrics and a structured report. Pure of Lambda: the
 * handler emits the datapoints as EMF, the local runtime evaluates alarms on the same ones.
 *
 * Repairs:
 *  - a RUNNING run whose lease expired more than `requeueAfterMs` ago (longer than a message
 *    stays invisible, so its message is gone) is claimed back to QUEUED with a write fenced on
 *    that very lease, and only the winner of the claim sends a new message: at most once per
 *    lease, even with two monitors running;
 *  - a message in a DLQ marks its run DEAD_LETTERED (idempotent). The message stays in the DLQ
 *    for operators to peek and redrive.
 */
import { type Definition, type DefinitionStore, PRIORITIES } from '../definitions/index.ts';
import type { DeadLetters, RunQueue } from '../queues/index.ts';
import { IllegalTransitionError, type Run, RunNotFoundError, type RunStore } from '../runs/index.ts';
import { periodHours } from '../schedule/index.ts';
import type { DailyReporter } from './daily-report.ts';
import { QUEUES } from '../catalogue/index.ts';

export interface MetricDatum {
  readonly name: string;
  readonly unit: 'Count' | 'Percent' | 'None' | 'Milliseconds';
  readonly value: number;
  /** Dimensions beyond the standard service + Stage (e.g. CrawlType, Platform, Priority). */
  readonly dimensions?: Readonly<Record<string, string>>;
}

export interface MonitorOptions {
  readonly runs: RunStore;
  readonly definitions: DefinitionStore;
  readonly queue: Pick<RunQueue, 'send'>;
  readonly deadLetters: Pick<DeadLetters, 'waiting' | 'read'>;
  /** Window of finished runs the rates are computed over. Default: 5 minutes (the schedule). */
  readonly windowMs?: number;
  /** A lease expired this long ago means its message is gone. Default: the queues' visibility timeout. */
  readonly requeueAfterMs?: number;
  /** QUEUED for longer than this counts as queued too long. Default: one hour. */
  readonly queuedTooLongMs?: number;
  /** DLQ messages read per priority per tick. Default: 50. */
  readonly deadLetterBatch?: number;
  /** Writes yesterday's report during the first hours of each UTC day, once. */
  readonly dailyReporter?: DailyReporter;
}

export interface MonitorReport {
  readonly metrics: MetricDatum[];
  readonly requeued: string[];
  readonly markedDeadLettered: string[];
  readonly unreadableDeadLetters: number;
  readonly expiredLeases: number;
  readonly queuedTooLong: number;
  readonly staleDefinitions?: number;
  /** The date of the daily report written by this tick, if one was. */
  readonly dailyReport?: string;
  readonly durationMs: number;
}

const MINUTE_MS = 60_000;
const FINISHED = ['SUCCEEDED', 'FAILED', 'DEAD_LETTERED'] as const;

export class Monitor {
  private readonly options: MonitorOptions;

  constructor(options: MonitorOptions) {
    this.options = options;
  }

  async tick(nowMs: number, { checkStaleness = isFirstTickOfHour(nowMs) } = {}): Promise<MonitorReport> {
    const started = Date.now();
    const metrics: MetricDatum[] = [];
    metrics.push(...(await this.finishedRunMetrics(nowMs)));
    const repair = await this.repairExpiredLeases(nowMs);
    metrics.push({ name: 'ExpiredLeases', unit: 'Count', value: repair.unrepaired });
    metrics.push({ name: 'RunsRequeued', unit: 'Count', value: repair.requeued.length });
    const queuedTooLong = await this.countQueuedTooLong(nowMs);
    metrics.push({ name: 'RunsQueuedTooLong', unit: 'Count', value: queuedTooLong });
    const deadLetters = await this.markDeadLetters(nowMs);
    metrics.push(...deadLetters.depth);
    metrics.push({ name: 'RunsMarkedDeadLettered', unit: 'Count', value: deadLetters.marked.length });
    let staleDefinitions: number | undefined;
    if (checkStaleness) {
      staleDefinitions = await this.countStaleDefinitions(nowMs);
      metrics.push({ name: 'StaleDefinitions', unit: 'Count', value: staleDefinitions });
    }
    const reportWindow = new Date(nowMs).getUTCHours() < 6;
    const daily = reportWindow ? await this.options.dailyReporter?.writeIfDue(nowMs) : undefined;
    metrics.push({ name: 'MonitorHeartbeat', unit: 'Count', value: 1 });
    return {
      metrics,
      requeued: repair.requeued,
      markedDeadLettered: deadLetters.marked,
      unreadableDeadLetters: deadLetters.unreadable,
      expiredLeases: repair.unrepaired,
      queuedTooLong,
      ...(staleDefinitions !== undefined ? { staleDefinitions } : {}),
      ...(daily ? { dailyReport: daily.date } : {}),
      durationMs: Date.now() - started,
    };
  }

  /** Success rate, blocked rate, completeness and counts over runs finished in the window. */
  async finishedRunMetrics(nowMs: number): Promise<MetricDatum[]> {
    const from = new Date(nowMs - (this.options.windowMs ?? 5 * MINUTE_MS)).toISOString();
    const to = new Date(nowMs).toISOString();
    const finished: Run[] = [];
    for (const status of FINISHED) {
      for await (const page of this.options.runs.allByStatus(status, { from, to })) finished.push(...page);
    }
    const metrics: MetricDatum[] = [
      {
        name: 'RunsSucceeded',
        unit: 'Count',
        value: finished.filter((r) => r.status === 'SUCCEEDED').length,
      },
      { name: 'RunsFailed', unit: 'Count', value: finished.filter((r) => r.status !== 'SUCCEEDED').length },
      { name: 'ItemsSaved', unit: 'Count', value: finished.reduce((sum, run) => sum + run.counts.saved, 0) },
    ];
    if (finished.length === 0) return metrics; // no datapoint for rates: nothing to judge
    metrics.push(...rates(finished));
    const groups = new Map<string, Run[]>();
    for (const run of finished) {
      const key = `${run.crawlType}\u0000${run.platform}`;
      const group = groups.get(key);
      if (group) group.push(run);
      else groups.set(key, [run]);
    }
    for (const [key, runs] of groups) {
      const [crawlType = '', platform = ''] = key.split('\u0000');
      const dimensions = { CrawlType: crawlType, Platform: platform };
      metrics.push(...rates(runs).map((datum) => ({ ...datum, dimensions })));
      metrics.push({
        name: 'RunsFailed',
        unit: 'Count',
        value: runs.filter((r) => r.status !== 'SUCCEEDED').length,
        dimensions,
      });
    }
    return metrics;
  }

  /** Re-queues runs whose lease expired long enough ago that their message is gone. */
  async repairExpiredLeases(nowMs: number): Promise<{ requeued: string[]; unrepaired: number }> {
    const cutoff = nowMs - (this.options.requeueAfterMs ?? maxVisibilityMs());
    const requeued: string[] = [];
    let unrepaired = 0;
    for await (const page of this.options.runs.allByStatus('RUNNING')) {
      for (const run of page) {
        if (!run.lease || run.lease.expiresAtMs >= cutoff) continue;
        const claimed = await this.options.runs.requeueExpired(run, cutoff, nowMs);
        if (!claimed) continue; // someone acquired it, or another monitor claimed it: not ours
        const { unsent } = await this.options.queue.send([claimed]);
        if (unsent.length > 0) unrepaired += 1;
        else requeued.push(claimed.runId);
      }
    }
    return { requeued, unrepaired };
  }

  async countQueuedTooLong(nowMs: number): Promise<number> {
    const to = new Date(nowMs - (this.options.queuedTooLongMs ?? 60 * MINUTE_MS)).toISOString();
    let count = 0;
    for await (const page of this.options.runs.allByStatus('QUEUED', { to })) count += page.length;
    return count;
  }

  /** DLQ depth per priority, and the runs of DLQ messages marked DEAD_LETTERED. */
  async markDeadLetters(
    nowMs: number,
  ): Promise<{ depth: MetricDatum[]; marked: string[]; unreadable: number }> {
    const depth: MetricDatum[] = [];
    const marked: string[] = [];
    let unreadable = 0;
    for (const priority of PRIORITIES) {
      const visible = await this.options.deadLetters.waiting(priority);
      depth.push({ name: 'DeadLetters', unit: 'Count', value: visible, dimensions: { Priority: priority } });
      let budget = Math.min(visible, this.options.deadLetterBatch ?? 50);
      while (budget > 0) {
        const letters = await this.options.deadLetters.read(priority, Math.min(10, budget));
        if (letters.length === 0) break;
        budget -= letters.length;
        for (const { runId } of letters) {
          if (runId === undefined) {
            unreadable += 1;
            continue;
          }
          try {
            await this.options.runs.markDeadLettered(runId, nowMs);
            marked.push(runId);
          } catch (error) {
            // Already finished (or gone): the mark has nothing to do.
            if (!(error instanceof IllegalTransitionError || error instanceof RunNotFoundError)) throw error;
          }
        }
      }
    }
    return { depth, marked, unreadable };
  }

  /** Enabled recurring definitions with no success within twice their period. */
  async countStaleDefinitions(nowMs: number): Promise<number> {
    let stale = 0;
    for await (const page of this.options.definitions.all())
      stale += page.filter((d) => isStale(d, nowMs)).length;
    return stale;
  }
}

export function isStale(definition: Definition, nowMs: number): boolean {
  const period = periodHours(definition.schedule);
  if (!definition.enabled || period === undefined) return false;
  const since = Date.parse(definition.lastSucceededAt ?? definition.createdAt);
  return nowMs - since > 2 * period * 3_600_000;
}

function rates(runs: readonly Run[]): MetricDatum[] {
  const succeeded = runs.filter((run) => run.status === 'SUCCEEDED');
  const attempts = runs.reduce((sum, run) => sum + run.attempts, 0);
  const blocked = runs.reduce((sum, run) => sum + run.blockedAttempts, 0);
  const completeness = succeeded.flatMap((run) => (run.completeness === undefined ? [] : [run.completeness]));
  const metrics: MetricDatum[] = [
    { name: 'SuccessRate', unit: 'None', value: succeeded.length / runs.length },
  ];
  if (attempts > 0) metrics.push({ name: 'BlockedRate', unit: 'None', value: blocked / attempts });
  if (completeness.length > 0) {
    metrics.push({
      name: 'FieldCompleteness',
      unit: 'None',
      value: completeness.reduce((sum, value) => sum + value, 0) / completeness.length,
    });
  }
  return metrics;
}

const maxVisibilityMs = (): number =>
  Math.max(...PRIORITIES.map((priority) => QUEUES[priority].visibilityTimeoutSeconds)) * 1000;

const isFirstTickOfHour = (nowMs: number): boolean => new Date(nowMs).getUTCMinutes() < 5;
