/**
 * External browser workers (seed 004) take runs through this broker. A pulled run is held with
 * a lease owned by `worker:<worker id>`, like a scraper's; every progress report and every
 * register call (seed 004's heartbeat) extends it. A worker that falls silent loses the run when
 * the lease expires.
 *
 * Workers take only runs whose executor is `worker` or `any`; those runs sit in the runs table's
 * sparse index byWorkerReadiness, keyed (priority, workerReadyAt): the time from which a worker
 * may take the run — when it was queued, the end of a retry's backoff, or its lease's expiry.
 *
 *   pull, for each priority high → normal → low:
 *     Query the index for runs of that priority ready now (oldest first), and acquire the first
 *     one that can be taken (conditional: a racing worker or scraper gets it, or not; the fencing
 *     number grows, so an expired holder's writes are refused from then on). A taken-over run
 *     resumes from its checkpoint.
 *
 * A pull costs the same few requests however many runs are in flight: a held run is in the
 * index only under its future expiry, so it is not read. Runs for `worker`s never go on an SQS
 * queue, so no scraper sees them; `any` runs also go on the queue, and whoever acquires first
 * has the run. The monitor's repair re-queues runs whose lease expired 30 minutes ago; whichever
 * comes first wins, the other's conditional write is refused.
 */
import type { ChangeRecorder } from '../changes/index.ts';
import { type DefinitionStore, PRIORITIES } from '../definitions/index.ts';
import { ShelfwatchError } from '../errors/index.ts';
import {
  type Failure,
  IllegalTransitionError,
  type Lease,
  LeaseLostError,
  nextStepAfterFailure,
  type Run,
  type RunStore,
} from '../runs/index.ts';
import {
  type Worker,
  WorkerNotFoundError,
  WorkerOfAnotherTokenError,
  type WorkerRegistration,
  type WorkerStore,
} from './worker-store.ts';
import { checkpointOf, countsOf, type SeedProgress } from './seed-task.ts';
import { DEFAULT_WORKER_LEASE_MS } from './settings.ts';
import type { RunQueue } from '../queues/index.ts';

/** Ready runs looked at per priority per pull (each one a conditional acquire until one is taken). */
const READY_PER_PRIORITY = 10;

export const workerLeaseOwner = (workerId: string): string => `worker:${workerId}`;

/** The worker was forced offline by an operator: it must register again before pulling. */
export class WorkerOfflineError extends ShelfwatchError {
  constructor(workerId: string) {
    super(
      'conflict',
      'WORKER_OFFLINE',
      `worker ${workerId} was forced offline: register it again to pull tasks`,
    );
  }
}

export interface TaskBrokerOptions {
  readonly runs: RunStore;
  readonly definitions: DefinitionStore;
  readonly workers: WorkerStore;
  readonly queue: RunQueue;
  readonly leaseMs?: number;
  /** A listing a worker read to its end: the baseline's items it did not send left it. */
  readonly changes?: Pick<ChangeRecorder, 'baselineOf' | 'recordExits'>;
  readonly onRunFinished?: (run: Run) => Promise<void> | void;
  /** Where bookkeeping failures after a finished run are reported (the run itself is stored). */
  readonly logError?: (message: string, details: Record<string, unknown>) => void;
}

export type Outcome =
  | { readonly status: 'DONE'; readonly result?: SeedProgress }
  | {
      readonly status: 'FAILED';
      readonly result?: SeedProgress & { readonly error_message?: string | null };
    };

/** Delay of the message that hands a forced-offline worker's run to the next consumer. */
const HAND_OVER_DELAY_SECONDS = 5;

export class TaskBroker {
  private readonly options: TaskBrokerOptions;
  readonly leaseMs: number;

  constructor(options: TaskBrokerOptions) {
    this.options = options;
    this.leaseMs = options.leaseMs ?? DEFAULT_WORKER_LEASE_MS;
  }

  /** Registers (or re-registers) a worker; also its heartbeat: extends the lease it holds. */
  async register(registration: WorkerRegistration, nowMs: number): Promise<void> {
    const worker = await this.options.workers.register(registration, nowMs);
    if (!worker.currentRunId) return;
    const run = await this.options.runs.get(worker.currentRunId);
    if (!run || !this.isHeldBy(run, worker.workerId)) return;
    try {
      await this.options.runs.heartbeat(run.lease as Lease, nowMs, this.leaseMs);
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error; // expired meanwhile: it is no longer this worker's
    }
  }

  /** The next run for the worker, high before normal before low; undefined when there is none. */
  async pull(workerId: string, nowMs: number, tokenId?: string): Promise<Run | undefined> {
    const worker = await this.workerOf(workerId, tokenId);
    if (worker.forcedOfflineAt) throw new WorkerOfflineError(workerId);
    // A worker that lost the answer to its last pull gets the run it still holds.
    const held = worker.currentRunId ? await this.options.runs.get(worker.currentRunId) : undefined;
    if (held && this.isHeldBy(held, workerId) && (held.lease as Lease).expiresAtMs > nowMs) return held;

    for (const priority of PRIORITIES) {
      for (const runId of await this.options.runs.readyForWorkers(priority, nowMs, READY_PER_PRIORITY)) {
        const taken = await this.take(runId, workerId, nowMs);
        if (taken) return this.holding(workerId, taken, nowMs);
      }
    }
    await this.options.workers.heartbeat(workerId, nowMs, null);
    return undefined;
  }

  /** Seed 004 API 3: saves progress (the checkpoint) and extends the lease. */
  async update(
    runId: string,
    workerId: string,
    progress: SeedProgress,
    nowMs: number,
    tokenId?: string,
  ): Promise<Run> {
    const { run, lease } = await this.heldRun(runId, workerId, tokenId);
    const saved = await this.options.runs.checkpoint(
      lease,
      { checkpoint: checkpointOf(progress, run.checkpoint), counts: countsOf(progress, run.counts) },
      nowMs,
      this.leaseMs,
    );
    await this.options.workers.heartbeat(workerId, nowMs, runId);
    return saved;
  }

  /**
   * Seed 004 API 4. DONE completes the run; FAILED retries it (after a backoff) while attempts
   * are left, as the seed's retry_count < max_retries rule says, and fails it otherwise.
   */
  async complete(
    runId: string,
    workerId: string,
    outcome: Outcome,
    nowMs: number,
    tokenId?: string,
  ): Promise<Run> {
    const { run, lease } = await this.heldRun(runId, workerId, tokenId);
    const counts = countsOf(outcome.result ?? {}, run.counts);
    if (outcome.status === 'DONE') {
      // Before completing: if this fails, the run stays the worker's, and its next complete
      // records the exits (once each) and completes it.
      const { changes } = this.options;
      if (changes) await changes.recordExits(run, await changes.baselineOf(run), nowMs);
      const finished = await this.options.runs.complete(lease, { status: 'SUCCEEDED', counts }, nowMs);
      // The run is stored as done: what follows is bookkeeping, and must not turn the answer into an error.
      await this.afterFinish(finished, [
        () => this.options.definitions.recordSuccess(run.definitionId, nowMs),
        () => this.options.workers.recordOutcome(workerId, 'succeeded', nowMs),
      ]);
      return finished;
    }
    const failure: Failure = {
      failureClass: 'transient',
      reason: 'worker-reported',
      message: outcome.result?.error_message ?? 'the worker reported a failure without a message',
    };
    const next = nextStepAfterFailure(failure, run.attempts, run.maxAttempts);
    if (next.action === 'retry') {
      const progress = { checkpoint: checkpointOf(outcome.result ?? {}, run.checkpoint), counts };
      // The retry's message goes first (delayed by the backoff): if the release then fails, an
      // extra message is harmless; a released run without a message would wait forever.
      await this.options.queue.sendLater(run, next.delaySeconds);
      const released = await this.options.runs.release(
        lease,
        { delaySeconds: next.delaySeconds, failure, progress },
        nowMs,
      );
      await this.afterFinish(undefined, [
        () => this.options.workers.recordOutcome(workerId, 'failed', nowMs),
      ]);
      return released;
    }
    const finished = await this.options.runs.complete(lease, { status: 'FAILED', counts, failure }, nowMs);
    await this.afterFinish(finished, [() => this.options.workers.recordOutcome(workerId, 'failed', nowMs)]);
    return finished;
  }

  /** Bookkeeping after a run's outcome is stored, then the summary event; failures are logged. */
  private async afterFinish(
    finished: Run | undefined,
    steps: readonly (() => Promise<unknown>)[],
  ): Promise<void> {
    const all = [...steps, ...(finished ? [async () => this.options.onRunFinished?.(finished)] : [])];
    for (const step of all) {
      try {
        await step();
      } catch (error) {
        this.options.logError?.('bookkeeping after a worker finished a run failed', {
          runId: finished?.runId,
          error: String(error),
        });
      }
    }
  }

  /** The run and the lease on it that this worker (of the calling token) holds. */
  private async heldRun(
    runId: string,
    workerId: string,
    tokenId: string | undefined,
  ): Promise<{ run: Run; lease: Lease }> {
    await this.workerOf(workerId, tokenId);
    const run = await this.options.runs.require(runId);
    return { run, lease: this.leaseOf(run, workerId) };
  }

  /** The worker, which must exist and belong to the calling token. */
  private async workerOf(workerId: string, tokenId: string | undefined): Promise<Worker> {
    const worker = await this.options.workers.get(workerId);
    if (!worker) throw new WorkerNotFoundError(workerId);
    if (tokenId !== undefined && worker.tokenId !== undefined && worker.tokenId !== tokenId) {
      throw new WorkerOfAnotherTokenError(workerId);
    }
    return worker;
  }

  /** Operator: the worker is gone. Its run is handed back and queued for the next worker at once. */
  async forceOffline(workerId: string, nowMs: number): Promise<Run | undefined> {
    const before = await this.options.workers.get(workerId);
    await this.options.workers.forceOffline(workerId, nowMs);
    const run = before?.currentRunId ? await this.options.runs.get(before.currentRunId) : undefined;
    if (!run || !this.isHeldBy(run, workerId)) return undefined;
    try {
      // Message first, a few seconds late, so the run is released by the time it is received; not
      // the worker's failure, so the attempt is given back.
      await this.options.queue.sendLater(run, HAND_OVER_DELAY_SECONDS);
      return await this.options.runs.release(
        run.lease as Lease,
        { delaySeconds: 0, refundAttempt: true },
        nowMs,
      );
    } catch (error) {
      if (error instanceof LeaseLostError) return undefined; // expired: the next pull takes it over
      throw error;
    }
  }

  /** The lease the worker holds on the run, as stored; the write that uses it is fenced on it. */
  leaseOf(run: Run, workerId: string): Lease {
    if (!this.isHeldBy(run, workerId)) {
      throw new LeaseLostError(run.runId, run.lease?.fencingToken ?? run.fencingToken, run);
    }
    return run.lease as Lease;
  }

  private isHeldBy(run: Run, workerId: string): boolean {
    return run.status === 'RUNNING' && run.lease?.owner === workerLeaseOwner(workerId);
  }

  private async holding(workerId: string, run: Run, nowMs: number): Promise<Run> {
    await this.options.workers.heartbeat(workerId, nowMs, run.runId);
    return run;
  }

  /** Acquires the run for the worker; a run out of attempts is failed on the way. */
  private async take(runId: string, workerId: string, nowMs: number): Promise<Run | undefined> {
    const outcome = await this.options.runs.acquire(runId, workerLeaseOwner(workerId), nowMs, this.leaseMs);
    if (outcome.acquired) return outcome.run;
    if (outcome.reason === 'attempts-exhausted') {
      try {
        const failed = await this.options.runs.exhaust(runId, nowMs);
        await this.options.onRunFinished?.(failed);
      } catch (error) {
        if (!(error instanceof IllegalTransitionError)) throw error;
      }
    }
    return undefined;
  }
}
