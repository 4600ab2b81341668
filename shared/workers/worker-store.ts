/**
 * External browser workers (seed 004): who they are, when they were last heard from, what
 * they hold, how they fare. A worker record expires (TTL) a week after its last heartbeat;
 * whether a worker is online is decided here from the heartbeat time, never from TTL. DynamoDB
 * deletes an expired record at any time after its expiry (often days late), so every write
 * compares `expiresAt` with the caller's clock instead of relying on the record being gone: an
 * expired worker is not registered (heartbeats are refused until it registers again) and its id
 * is free for another token, whether or not the sweeper has deleted it yet.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ShelfwatchError, ValidationError } from '../errors/index.ts';
import { z } from 'zod';
import { decodeCursor, encodeCursor, pageLimit } from '../paging/index.ts';

/** The worker id is registered under another API token: a token may act only as its own workers. */
export class WorkerOfAnotherTokenError extends ShelfwatchError {
  readonly workerId: string;
  constructor(workerId: string) {
    super(
      'forbidden',
      'WORKER_OF_ANOTHER_TOKEN',
      `worker ${workerId} was registered with another API token: use that token, or another worker_id`,
    );
    this.workerId = workerId;
  }
}

export class WorkerNotFoundError extends ShelfwatchError {
  readonly workerId: string;
  constructor(workerId: string) {
    super('not-found', 'WORKER_NOT_FOUND', `worker ${workerId} is not registered: register it first`);
    this.workerId = workerId;
  }
}

export interface WorkerRegistration {
  readonly workerId: string;
  readonly name?: string;
  readonly browserType?: string;
  readonly browserVersion?: string;
  readonly scriptVersion?: string;
  /** Id of the API token the worker registered with (its items are attributed through it). */
  readonly tokenId?: string;
}

export interface Worker extends WorkerRegistration {
  readonly registeredAt: string;
  /** Epoch milliseconds. */
  readonly lastHeartbeatAt: number;
  readonly currentRunId?: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly forcedOfflineAt?: string;
  readonly expiresAt: number;
}

export type WorkerStatus = 'idle' | 'busy' | 'offline';

/** A worker not heard from for this long is offline (its leases expire on their own). */
export const OFFLINE_AFTER_MS = 5 * 60_000;
const RETENTION_SECONDS = 7 * 86_400;

export function workerStatus(worker: Worker, nowMs: number): WorkerStatus {
  if (worker.forcedOfflineAt !== undefined || nowMs - worker.lastHeartbeatAt > OFFLINE_AFTER_MS)
    return 'offline';
  return worker.currentRunId ? 'busy' : 'idle';
}

export const successRate = (worker: Worker): number | undefined =>
  worker.succeeded + worker.failed === 0 ? undefined : worker.succeeded / (worker.succeeded + worker.failed);

export const WORKER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

export const workerIdSchema = z
  .string()
  .regex(
    WORKER_ID_PATTERN,
    'must be 1-128 letters, digits, ".", "_", ":", "@" or "-", starting alphanumeric',
  );

function assertWorkerId(workerId: string): void {
  if (typeof workerId !== 'string' || !WORKER_ID_PATTERN.test(workerId)) {
    throw new ValidationError('worker', [
      { field: 'worker_id', message: 'must be 1-128 letters, digits, ".", "_", ":", "@" or "-"' },
    ]);
  }
}

export class WorkerStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { documents: DynamoDBDocumentClient; tableName: string }) {
    this.documents = options.documents;
    this.tableName = options.tableName;
  }

  /** Registers a worker, or refreshes one that registers again (which also brings it back online). */
  async register(registration: WorkerRegistration, nowMs: number): Promise<Worker> {
    assertWorkerId(registration.workerId);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':now': nowMs,
      ':nowIso': new Date(nowMs).toISOString(),
      ':zero': 0,
      ':expires': Math.floor(nowMs / 1000) + RETENTION_SECONDS,
      ...(registration.tokenId !== undefined ? { ':nowSeconds': Math.floor(nowMs / 1000) } : {}),
    };
    const assignments = [
      'registeredAt = if_not_exists(registeredAt, :nowIso)',
      'lastHeartbeatAt = :now',
      'succeeded = if_not_exists(succeeded, :zero)',
      'failed = if_not_exists(failed, :zero)',
      'expiresAt = :expires',
    ];
    for (const key of ['name', 'browserType', 'browserVersion', 'scriptVersion', 'tokenId'] as const) {
      const value = registration[key];
      if (value === undefined) continue;
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      assignments.push(`#${key} = :${key}`);
    }
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { workerId: registration.workerId },
          UpdateExpression: `SET ${assignments.join(', ')} REMOVE forcedOfflineAt`,
          // A worker id stays with the token that first registered it, while its record lives.
          ...(registration.tokenId !== undefined
            ? {
                ConditionExpression:
                  'attribute_not_exists(tokenId) OR tokenId = :tokenId OR expiresAt <= :nowSeconds',
              }
            : {}),
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as Worker;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new WorkerOfAnotherTokenError(registration.workerId);
      throw error;
    }
  }

  /** Records that the worker is alive, and what it holds now (`null`: nothing). */
  async heartbeat(workerId: string, nowMs: number, held?: string | null): Promise<Worker> {
    assertWorkerId(workerId);
    const currentRunId = held === '' ? null : held;
    const holding =
      currentRunId === undefined
        ? ''
        : currentRunId === null
          ? ' REMOVE currentRunId'
          : ', currentRunId = :run';
    return this.updateExisting(
      workerId,
      nowMs,
      `SET lastHeartbeatAt = :now, expiresAt = :expires${holding}`,
      {
        ':now': nowMs,
        ':expires': Math.floor(nowMs / 1000) + RETENTION_SECONDS,
        ...(currentRunId ? { ':run': currentRunId } : {}),
      },
    );
  }

  /** Counts a finished run for the worker's success rate and clears what it held. */
  async recordOutcome(workerId: string, outcome: 'succeeded' | 'failed', nowMs: number): Promise<Worker> {
    return this.updateExisting(
      workerId,
      nowMs,
      `SET lastHeartbeatAt = :now, expiresAt = :expires ADD ${outcome} :one REMOVE currentRunId`,
      {
        ':now': nowMs,
        ':expires': Math.floor(nowMs / 1000) + RETENTION_SECONDS,
        ':one': 1,
      },
    );
  }

  /** Operator: treat the worker as gone until it registers again. */
  async forceOffline(workerId: string, nowMs: number): Promise<Worker> {
    return this.updateExisting(workerId, nowMs, 'SET forcedOfflineAt = :at REMOVE currentRunId', {
      ':at': new Date(nowMs).toISOString(),
    });
  }

  async get(workerId: string): Promise<Worker | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: { workerId }, ConsistentRead: true }),
    );
    return Item as Worker | undefined;
  }

  async list(
    options: { limit?: number; cursor?: string } = {},
  ): Promise<{ workers: Worker[]; cursor?: string }> {
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: pageLimit(options.limit, 100),
        ...(options.cursor ? { ExclusiveStartKey: decodeCursor(options.cursor, ['workerId']) } : {}),
      }),
    );
    const workers = Items as Worker[];
    return LastEvaluatedKey ? { workers, cursor: encodeCursor(LastEvaluatedKey) } : { workers };
  }

  /** Updates a registered worker: one whose record exists and has not expired by `nowMs`. */
  private async updateExisting(
    workerId: string,
    nowMs: number,
    updateExpression: string,
    values: Record<string, unknown>,
  ): Promise<Worker> {
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { workerId },
          ConditionExpression: 'attribute_exists(workerId) AND expiresAt > :nowSeconds',
          UpdateExpression: updateExpression,
          ExpressionAttributeValues: { ...values, ':nowSeconds': Math.floor(nowMs / 1000) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as Worker;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new WorkerNotFoundError(workerId);
      throw error;
    }
  }
}
