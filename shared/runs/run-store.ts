/**
 * Runs in DynamoDB. Every transition is one conditional UpdateItem whose condition comes from
 * TRANSITIONS (status.ts) and, for a holder, from the lease:
 *
 *   holder's write is applied  ⇔  status = RUNNING ∧ leaseOwner = me ∧ fencingToken = mine
 *                                  ∧ leaseExpiresAt > now
 *
 *   time ──────────────────────────────────────────────────────────────────────────▶
 *   A: acquire(token 1) ── checkpoint ── (frozen ...............) ── checkpoint ✗ LeaseLost
 *                                        lease 1 expires │
 *   B:                                                   acquire(token 2) ── checkpoint ✓
 *
 * A lost condition comes back with the item as it was (ReturnValuesOnConditionCheckFailure:
 * ALL_OLD), so explaining it costs no extra read. Expiry is compared here, in code, against
 * the caller's clock; DynamoDB TTL (`expiresAt`) only cleans up terminal runs, days late.
 */
import {
  ConditionalCheckFailedException,
  ReturnValue,
  ReturnValuesOnConditionCheckFailure,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ValidationError } from '../errors/index.ts';
import { slotStartMs } from '../schedule/index.ts';
import { IllegalTransitionError, LeaseLostError, RunNotFoundError } from './errors.ts';
import { type Failure, MAX_DELAY_SECONDS } from './failure.ts';
import {
  type Checkpoint,
  type Lease,
  manualRunIdOf,
  type NewRun,
  type Run,
  type RunCounts,
  type RunEscalation,
  runIdOf,
  ZERO_COUNTS,
} from './run.ts';
import { fromItem, type RunItem, toItem } from './run-item.ts';
import { isTerminal, type RunStatus, TRANSITIONS, type TransitionName } from './status.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../paging/index.ts';
import { executorOf, mayExecute, type Priority } from '../definitions/index.ts';

/** The sparse index of runs external workers may take, by priority and `workerReadyAt` (run-item.ts). */
export const WORKER_READINESS_INDEX = 'byWorkerReadiness';

/** Lease owners that are external workers (seed 004) are `worker:<worker id>`; scrapers are anything else. */
export const isWorkerOwner = (owner: string): boolean => owner.startsWith('worker:');

export interface RunStoreOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days a terminal run is kept before TTL may delete it. */
  readonly retentionDays: number;
}

export type AcquireOutcome =
  | { readonly acquired: true; readonly run: Run; readonly lease: Lease }
  | {
      readonly acquired: false;
      /** `other-executor`: the run is for the other kind of consumer (scrapers vs external workers). */
      readonly reason: 'not-found' | 'terminal' | 'leased' | 'attempts-exhausted' | 'other-executor';
      readonly run?: Run;
    };

export interface Progress {
  readonly checkpoint: Checkpoint;
  readonly counts: RunCounts;
}

export interface Completion {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly counts?: RunCounts;
  readonly completeness?: number;
  readonly failure?: Failure;
}

export interface Release {
  /** When the next attempt may start (the message's visibility delay). */
  readonly delaySeconds: number;
  readonly failure?: Failure;
  /** Progress made before handing back, if any since the last checkpoint. */
  readonly progress?: Progress;
  /**
   * The attempt did not fail: the holder hands back because its time ran out after making
   * progress, or because the site's request budget says "later". The attempt is given back, so
   * `maxAttempts` keeps counting failures only.
   */
  readonly refundAttempt?: boolean;
}

export interface ListOptions {
  readonly limit?: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
  /** Inclusive bounds on the index sort key (ISO time, or slot for runs of a definition). */
  readonly from?: string;
  readonly to?: string;
  /** Newest first. */
  readonly descending?: boolean;
}

export interface RunPage {
  readonly runs: Run[];
  readonly cursor?: string;
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/** A finished run leaves the sparse worker index. */
const LEAVE_WORKER_INDEX = ['workerPool', 'workerReadyAt'];

function statusList(transition: TransitionName): { expression: string; values: Record<string, RunStatus> } {
  const from = TRANSITIONS[transition].from as readonly RunStatus[];
  const values: Record<string, RunStatus> = {};
  from.forEach((status, index) => {
    values[`:from${index}`] = status;
  });
  return { expression: `#status IN (${Object.keys(values).join(', ')})`, values };
}

export class RunStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionSeconds: number;

  constructor(options: RunStoreOptions) {
    this.documents = options.documents;
    this.tableName = options.tableName;
    this.retentionSeconds = options.retentionDays * 86_400;
  }

  /** Builds the record of a new run (not stored). */
  newRun(input: NewRun, nowMs: number): Run {
    const { definition, slot } = input;
    slotStartMs(slot); // refuses anything but a canonical slot: one run per (definition, slot) depends on it
    const trigger = input.trigger ?? 'schedule';
    if (trigger === 'manual' && !input.requestId) throw new TypeError('a manual run needs a requestId');
    const now = iso(nowMs);
    return {
      runId:
        trigger === 'manual'
          ? manualRunIdOf(definition.id, input.requestId as string)
          : runIdOf(definition.id, slot),
      definitionId: definition.id,
      slot,
      trigger,
      platform: definition.platform,
      marketplace: definition.marketplace,
      crawlType: definition.crawlType,
      target: definition.target,
      params: definition.params,
      priority: definition.priority,
      maxAttempts: definition.maxAttempts,
      executor: executorOf(definition),
      ...(definition.workerPayload !== undefined ? { workerPayload: definition.workerPayload } : {}),
      ...(definition.fetchMode ? { fetchMode: definition.fetchMode } : {}),
      status: 'PENDING',
      statusChangedAt: now,
      createdAt: now,
      updatedAt: now,
      attempts: 0,
      fencingToken: 0,
      counts: ZERO_COUNTS,
      blockedAttempts: 0,
    };
  }

  /** Creates the run unless one with its id exists (which is then returned untouched). */
  async create(run: Run): Promise<{ created: boolean; run: Run }> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(run),
          ConditionExpression: 'attribute_not_exists(runId)',
          ReturnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure.ALL_OLD,
        }),
      );
      return { created: true, run };
    } catch (error) {
      const existing = this.existingOf(error);
      if (existing) return { created: false, run: existing };
      throw error;
    }
  }

  async get(runId: string, { consistent = true } = {}): Promise<Run | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { runId }, ConsistentRead: consistent }),
    );
    return Item ? fromItem(Item as RunItem) : undefined;
  }

  async require(runId: string): Promise<Run> {
    const run = await this.get(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }

  // ---- transitions without a lease (expander, monitor, operator) ---------------------------

  /** PENDING → QUEUED once its message is sent. Throws IllegalTransitionError if it is past PENDING. */
  async markQueued(runId: string, nowMs: number): Promise<Run> {
    return this.transition('markQueued', runId, nowMs, { set: { workerReadyAt: nowMs } });
  }

  async cancel(runId: string, nowMs: number): Promise<Run> {
    return this.transition('cancel', runId, nowMs, { terminal: true });
  }

  async markDeadLettered(runId: string, nowMs: number): Promise<Run> {
    return this.transition('markDeadLettered', runId, nowMs, { terminal: true });
  }

  /** No attempts left: the run fails without another acquisition. */
  async exhaust(runId: string, nowMs: number): Promise<Run> {
    return this.transition('exhaust', runId, nowMs, {
      terminal: true,
      extraCondition: 'attempts >= maxAttempts AND (#status <> :running OR leaseExpiresAt <= :nowMs)',
      extraValues: { ':running': 'RUNNING', ':nowMs': nowMs },
      remove: ['leaseOwner', 'leaseExpiresAt'],
    });
  }

  /**
   * Monitor repair: RUNNING whose lease (the one observed, fencing number `fencingToken`)
   * expired before `expiredBeforeMs` → QUEUED, lease cleared. Conditional on that very lease,
   * so it happens at most once per lease and never to a run someone has since acquired.
   * Returns undefined when the condition no longer holds (a normal outcome, not an error).
   */
  async requeueExpired(run: Run, expiredBeforeMs: number, nowMs: number): Promise<Run | undefined> {
    if (!run.lease) return undefined;
    try {
      return await this.transition('requeue', run.runId, nowMs, {
        extraCondition: 'fencingToken = :token AND leaseExpiresAt = :observed AND leaseExpiresAt < :cutoff',
        extraValues: {
          ':token': run.lease.fencingToken,
          ':observed': run.lease.expiresAtMs,
          ':cutoff': expiredBeforeMs,
        },
        set: { requeuedForToken: run.lease.fencingToken, requeuedAt: iso(nowMs), workerReadyAt: nowMs },
        remove: ['leaseOwner', 'leaseExpiresAt'],
      });
    } catch (error) {
      if (error instanceof IllegalTransitionError) return undefined;
      throw error;
    }
  }

  /** Every run in a status (optionally within a statusChangedAt window), page by page. */
  async *allByStatus(
    status: RunStatus,
    window: Pick<ListOptions, 'from' | 'to'> = {},
  ): AsyncGenerator<Run[]> {
    let cursor: string | undefined;
    do {
      const page = await this.listByStatus(status, { ...window, limit: 1000, ...(cursor ? { cursor } : {}) });
      if (page.runs.length > 0) yield page.runs;
      cursor = page.cursor;
    } while (cursor);
  }

  /** Operator retry: FAILED / CANCELLED / DEAD_LETTERED → QUEUED with attempts starting over. */
  async reopen(runId: string, nowMs: number): Promise<Run> {
    return this.transition('reopen', runId, nowMs, {
      set: { attempts: 0, blockedAttempts: 0, workerReadyAt: nowMs },
      remove: ['expiresAt', 'finishedAt', 'nextAttemptAt', 'leaseOwner', 'leaseExpiresAt'],
    });
  }

  // ---- the lease --------------------------------------------------------------------------

  /**
   * Takes the run's lease for `leaseMs`: from PENDING, QUEUED or RETRY_WAIT, or from RUNNING
   * whose lease has expired. Increments the fencing number and the attempts. One request.
   */
  async acquire(runId: string, owner: string, nowMs: number, leaseMs: number): Promise<AcquireOutcome> {
    const from = statusList('acquire');
    // Scrapers never take a run meant for external workers, nor workers one meant for scrapers.
    const executorCondition = isWorkerOwner(owner)
      ? 'executor IN (:worker, :any)'
      : '(attribute_not_exists(executor) OR executor <> :worker)';
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { runId },
          ConditionExpression:
            `attribute_exists(runId) AND attempts < maxAttempts AND ${from.expression} ` +
            `AND (#status <> :running OR leaseExpiresAt <= :nowMs) AND ${executorCondition}`,
          UpdateExpression:
            'SET #status = :running, leaseOwner = :owner, leaseExpiresAt = :expires, workerReadyAt = :expires, ' +
            'fencingToken = fencingToken + :one, attempts = attempts + :one, ' +
            'statusChangedAt = :now, updatedAt = :now REMOVE nextAttemptAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ...from.values,
            ':running': 'RUNNING',
            ':owner': owner,
            ':expires': nowMs + leaseMs,
            ':nowMs': nowMs,
            ':now': iso(nowMs),
            ':one': 1,
            ':worker': 'worker',
            ...(isWorkerOwner(owner) ? { ':any': 'any' } : {}),
          },
          ReturnValues: ReturnValue.ALL_NEW,
          ReturnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure.ALL_OLD,
        }),
      );
      const run = fromItem(Attributes as RunItem);
      return { acquired: true, run, lease: run.lease as Lease };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const run = this.existingOf(error);
      if (!run) return { acquired: false, reason: 'not-found' };
      if (isTerminal(run.status)) return { acquired: false, reason: 'terminal', run };
      if (!mayExecute(isWorkerOwner(owner) ? 'worker' : 'scraper', run.executor)) {
        return { acquired: false, reason: 'other-executor', run };
      }
      if (run.status === 'RUNNING' && run.lease && run.lease.expiresAtMs > nowMs) {
        return { acquired: false, reason: 'leased', run };
      }
      return { acquired: false, reason: 'attempts-exhausted', run };
    }
  }

  /** Extends the lease. Throws LeaseLostError if it is no longer held. */
  async heartbeat(lease: Lease, nowMs: number, leaseMs: number): Promise<Lease> {
    const run = await this.holderUpdate(lease, nowMs, {
      set: { leaseExpiresAt: nowMs + leaseMs, workerReadyAt: nowMs + leaseMs },
    });
    return run.lease as Lease;
  }

  /** Records progress and extends the lease (a checkpoint is also a heartbeat). */
  async checkpoint(lease: Lease, progress: Progress, nowMs: number, leaseMs: number): Promise<Run> {
    return this.holderUpdate(lease, nowMs, {
      set: {
        leaseExpiresAt: nowMs + leaseMs,
        workerReadyAt: nowMs + leaseMs,
        checkpoint: progress.checkpoint,
        counts: progress.counts,
      },
    });
  }

  /**
   * Stores why the run escalated from HTTP to the browser, on which page and when. Held lease
   * only (LeaseLostError otherwise), like a checkpoint; it does not extend the lease.
   */
  async recordEscalation(lease: Lease, escalation: RunEscalation, nowMs: number): Promise<Run> {
    return this.holderUpdate(lease, nowMs, { set: { escalation } });
  }

  /** Finishes the run: SUCCEEDED or FAILED, lease cleared, retention TTL set. */
  async complete(lease: Lease, completion: Completion, nowMs: number): Promise<Run> {
    const finals = [TRANSITIONS.succeed.to, TRANSITIONS.fail.to] as string[];
    if (!finals.includes(completion.status)) {
      throw new ValidationError('completion', [
        { field: 'status', message: `must be ${finals.join(' or ')}` },
      ]);
    }
    if (
      completion.completeness !== undefined &&
      !(
        Number.isFinite(completion.completeness) &&
        completion.completeness >= 0 &&
        completion.completeness <= 1
      )
    ) {
      throw new ValidationError('completion', [
        { field: 'completeness', message: 'must be a number from 0 to 1' },
      ]);
    }
    const set: Record<string, unknown> = {
      status: completion.status,
      statusChangedAt: iso(nowMs),
      finishedAt: iso(nowMs),
      expiresAt: this.expiresAt(nowMs),
    };
    if (completion.counts) set.counts = completion.counts;
    if (completion.completeness !== undefined) set.completeness = completion.completeness;
    if (completion.failure) set.lastFailure = { ...completion.failure, at: iso(nowMs) };
    return this.holderUpdate(lease, nowMs, {
      set,
      remove: ['leaseOwner', 'leaseExpiresAt', ...LEAVE_WORKER_INDEX],
      addBlocked: completion.failure?.failureClass === 'blocked',
    });
  }

  /** Hands the run back: RUNNING → RETRY_WAIT, lease cleared, next attempt after the delay. */
  async release(lease: Lease, release: Release, nowMs: number): Promise<Run> {
    if (
      !Number.isFinite(release.delaySeconds) ||
      release.delaySeconds < 0 ||
      release.delaySeconds > MAX_DELAY_SECONDS
    ) {
      throw new ValidationError('release', [
        { field: 'delaySeconds', message: `must be from 0 to ${MAX_DELAY_SECONDS} (the longest backoff)` },
      ]);
    }
    const set: Record<string, unknown> = {
      status: 'RETRY_WAIT',
      statusChangedAt: iso(nowMs),
      nextAttemptAt: iso(nowMs + release.delaySeconds * 1000),
      workerReadyAt: nowMs + release.delaySeconds * 1000,
    };
    if (release.failure) set.lastFailure = { ...release.failure, at: iso(nowMs) };
    if (release.progress) {
      set.checkpoint = release.progress.checkpoint;
      set.counts = release.progress.counts;
    }
    return this.holderUpdate(lease, nowMs, {
      set,
      remove: ['leaseOwner', 'leaseExpiresAt'],
      addBlocked: release.failure?.failureClass === 'blocked',
      refundAttempt: release.refundAttempt === true && release.failure === undefined,
    });
  }

  // ---- queries ----------------------------------------------------------------------------

  listByStatus(status: RunStatus, options: ListOptions = {}): Promise<RunPage> {
    return this.query('byStatus', 'status', status, 'statusChangedAt', options);
  }

  listByDefinition(definitionId: string, options: ListOptions = {}): Promise<RunPage> {
    return this.query('byDefinition', 'definitionId', definitionId, 'slot', options);
  }

  /**
   * Ids of runs external workers may take now in one priority, longest ready first: queued, due
   * after a retry's backoff, or held under a lease that has expired. One Query on the sparse
   * index, which holds no run a worker cannot take and no finished run: when nothing is ready it
   * reads nothing, however many runs are in flight.
   */
  async readyForWorkers(priority: Priority, nowMs: number, limit: number): Promise<string[]> {
    const { Items = [] } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: WORKER_READINESS_INDEX,
        KeyConditionExpression: 'workerPool = :pool AND workerReadyAt <= :nowMs',
        ExpressionAttributeValues: { ':pool': priority, ':nowMs': nowMs },
        Limit: limit,
      }),
    );
    return Items.map((item) => String(item.runId));
  }

  listByCrawlType(crawlType: string, options: ListOptions = {}): Promise<RunPage> {
    return this.query('byCrawlType', 'crawlType', crawlType, 'createdAt', options);
  }

  // ---- internals --------------------------------------------------------------------------

  private expiresAt(nowMs: number): number {
    return Math.floor(nowMs / 1000) + this.retentionSeconds;
  }

  private existingOf(error: unknown): Run | undefined {
    if (!(error instanceof ConditionalCheckFailedException)) return undefined;
    const item = error.Item;
    return item ? fromItem(unmarshall(item) as RunItem) : undefined;
  }

  /** A holder's write: applied only while it holds the current, unexpired lease. */
  private async holderUpdate(
    lease: Lease,
    nowMs: number,
    change: {
      set: Record<string, unknown>;
      remove?: string[];
      addBlocked?: boolean;
      refundAttempt?: boolean;
    },
  ): Promise<Run> {
    const update = new RunUpdate(nowMs, change.set, change.remove);
    update.values[':running'] = 'RUNNING';
    update.values[':owner'] = lease.owner;
    update.values[':token'] = lease.fencingToken;
    update.values[':nowMs'] = nowMs;
    if (change.addBlocked) {
      update.values[':one'] = 1;
      update.assignments.push('blockedAttempts = blockedAttempts + :one');
    }
    if (change.refundAttempt) {
      update.values[':one'] = 1;
      update.assignments.push('attempts = attempts - :one');
    }
    const condition =
      '#status = :running AND leaseOwner = :owner AND fencingToken = :token AND leaseExpiresAt > :nowMs';
    return this.conditionalUpdate(lease.runId, condition, update, (existing) => {
      throw new LeaseLostError(lease.runId, lease.fencingToken, existing);
    });
  }

  /** A transition of TRANSITIONS: applied only from the states it allows (and `extraCondition`). */
  private async transition(
    transition: TransitionName,
    runId: string,
    nowMs: number,
    options: {
      terminal?: boolean;
      set?: Record<string, unknown>;
      remove?: string[];
      extraCondition?: string;
      extraValues?: Record<string, unknown>;
    } = {},
  ): Promise<Run> {
    const from = statusList(transition);
    const removals = [...(options.remove ?? [])];
    if (options.terminal && !removals.includes('leaseOwner')) removals.push('leaseOwner', 'leaseExpiresAt');
    if (options.terminal) removals.push(...LEAVE_WORKER_INDEX);
    const update = new RunUpdate(nowMs, options.set ?? {}, removals);
    Object.assign(update.values, from.values, options.extraValues, { ':to': TRANSITIONS[transition].to });
    update.assignments.push('#status = :to', 'statusChangedAt = :now');
    if (options.terminal) {
      update.values[':finishedAt'] = iso(nowMs);
      update.values[':expiresAt'] = this.expiresAt(nowMs);
      update.assignments.push('finishedAt = :finishedAt', 'expiresAt = :expiresAt');
    }
    const condition = ['attribute_exists(runId)', from.expression, options.extraCondition]
      .filter(Boolean)
      .join(' AND ');
    return this.conditionalUpdate(runId, condition, update, (existing) => {
      if (!existing) throw new RunNotFoundError(runId);
      throw new IllegalTransitionError(transition, existing);
    });
  }

  /**
   * One conditional UpdateItem returning the run as written; when the condition fails, the run as
   * it was (ALL_OLD, no extra read) goes to `refused`, which throws the caller's typed error.
   */
  private async conditionalUpdate(
    runId: string,
    condition: string,
    update: RunUpdate,
    refused: (existing: Run | undefined) => never,
  ): Promise<Run> {
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { runId },
          ConditionExpression: condition,
          UpdateExpression: update.expression(),
          ExpressionAttributeNames: update.names,
          ExpressionAttributeValues: update.values,
          ReturnValues: ReturnValue.ALL_NEW,
          ReturnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure.ALL_OLD,
        }),
      );
      return fromItem(Attributes as RunItem);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) refused(this.existingOf(error));
      throw error;
    }
  }

  private async query(
    indexName: string,
    partitionAttribute: string,
    partitionValue: string,
    sortAttribute: string,
    options: ListOptions,
  ): Promise<RunPage> {
    if (partitionValue === '') {
      throw new ValidationError('listing', [{ field: partitionAttribute, message: 'must not be empty' }]);
    }
    const { from, to } = options;
    if (from !== undefined && to !== undefined && from > to) {
      throw new ValidationError('listing', [{ field: 'from', message: 'must not be after "to"' }]);
    }
    const names: Record<string, string> = { '#pk': partitionAttribute };
    const values: Record<string, unknown> = { ':pk': partitionValue };
    let keyCondition = '#pk = :pk';
    if (from || to) names['#sk'] = sortAttribute;
    if (from) values[':from'] = from;
    if (to) values[':to'] = to;
    if (from && to) keyCondition += ' AND #sk BETWEEN :from AND :to';
    else if (from) keyCondition += ' AND #sk >= :from';
    else if (to) keyCondition += ' AND #sk <= :to';
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: indexName,
        KeyConditionExpression: keyCondition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        Limit: pageLimit(options.limit, 50),
        ScanIndexForward: !options.descending,
        ...(options.cursor
          ? { ExclusiveStartKey: decodeCursor(options.cursor, ['runId', partitionAttribute, sortAttribute]) }
          : {}),
      }),
    );
    const runs = Items.map((item) => fromItem(item as RunItem));
    return LastEvaluatedKey ? { runs, cursor: encodeCursor(LastEvaluatedKey) } : { runs };
  }
}

/** The SET/REMOVE parts of a run update: `updatedAt` always, plus the given attributes. */
class RunUpdate {
  readonly names: Record<string, string> = { '#status': 'status' };
  readonly values: Record<string, unknown>;
  readonly assignments = ['updatedAt = :now'];
  private readonly removals: readonly string[];

  constructor(nowMs: number, set: Record<string, unknown>, removals: readonly string[] = []) {
    this.values = { ':now': iso(nowMs) };
    this.removals = removals;
    for (const [attribute, value] of Object.entries(set)) {
      this.names[`#${attribute}`] = attribute;
      this.values[`:${attribute}`] = value;
      this.assignments.push(`#${attribute} = :${attribute}`);
    }
  }

  expression(): string {
    const remove = this.removals.length > 0 ? ` REMOVE ${this.removals.join(', ')}` : '';
    return `SET ${this.assignments.join(', ')}${remove}`;
  }
}
