/**
 * Many runs at once, with the same guarantees as one: creation is conditional per run
 * (`attribute_not_exists`) and PENDING → QUEUED is conditional per run, both written with
 * TransactWriteItems of up to 100 items — one request per 100 runs. BatchWriteItem (25 per
 * request) cannot carry conditions, so it could overwrite a run that has already progressed;
 * that is why it is not used here.
 *
 * A transaction is all-or-nothing: if one run already exists, none is written, and the
 * cancellation reasons say which (with the existing item). Those are set aside and the rest
 * go again, so a re-expanded slot costs at most one extra request per 100 runs.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Run } from './run.ts';
import { fromItem, type RunItem, toItem } from './run-item.ts';
import { chunk, mapWithConcurrency, sleep } from '../concurrency/index.ts';
import { UnavailableError } from '../errors/index.ts';

export const TRANSACTION_LIMIT = 100;
const MAX_ROUNDS = 8;

export interface BatchOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Transactions in flight at once. */
  readonly concurrency?: number;
}

export interface CreateOutcome {
  readonly created: Run[];
  /** Runs that existed already, as stored (their status says whether they were queued). */
  readonly existing: Run[];
}

/** Creates every run that does not exist yet; returns which were created and which existed. */
export async function createRunsOnce(options: BatchOptions, runs: readonly Run[]): Promise<CreateOutcome> {
  const { written, refused } = await writeConditionally(options, runs, 'create runs', (run) => ({
    Put: {
      TableName: options.tableName,
      Item: toItem(run),
      ConditionExpression: 'attribute_not_exists(runId)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  }));
  return {
    created: written,
    existing: refused.map(({ item, stored }) => (stored ? fromItem(stored) : item)),
  };
}

/** PENDING → QUEUED for each run id; a run already past PENDING is left alone. Returns those moved. */
export async function markRunsQueued(
  options: BatchOptions,
  runIds: readonly string[],
  nowMs: number,
): Promise<string[]> {
  const now = new Date(nowMs).toISOString();
  const { written } = await writeConditionally(options, runIds, 'mark runs queued', (runId) => ({
    Update: {
      TableName: options.tableName,
      Key: { runId },
      ConditionExpression: '#status = :pending',
      // workerReadyAt: from now on, an external worker may take it (if its executor lets one).
      UpdateExpression:
        'SET #status = :queued, statusChangedAt = :now, updatedAt = :now, workerReadyAt = :nowMs',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': 'PENDING', ':queued': 'QUEUED', ':now': now, ':nowMs': nowMs },
    },
  }));
  return written;
}

/**
 * Writes one conditional item per element, 100 per transaction, transactions in parallel. A
 * cancelled transaction is split: elements whose condition failed are `refused` (with the stored
 * item when the write asked for it), the others go again — after a pause when the cancellation
 * came from a conflict or throttling.
 */
async function writeConditionally<T>(
  options: BatchOptions,
  elements: readonly T[],
  what: string,
  toWrite: (element: T) => TransactItems[number],
): Promise<{ written: T[]; refused: { item: T; stored?: RunItem }[] }> {
  const written: T[] = [];
  const refused: { item: T; stored?: RunItem }[] = [];
  await mapWithConcurrency(chunk(elements, TRANSACTION_LIMIT), options.concurrency ?? 8, async (batch) => {
    let pending = batch;
    for (let round = 1; pending.length > 0; round += 1) {
      const outcome = await transact(options.documents, pending.map(toWrite));
      if (outcome.committed) {
        written.push(...pending);
        return;
      }
      const retry: T[] = [];
      pending.forEach((item, index) => {
        const reason = outcome.reasons[index];
        if (reason?.code === 'ConditionalCheckFailed')
          refused.push({ item, ...(reason.item ? { stored: reason.item } : {}) });
        else retry.push(item);
      });
      pending = retry;
      if (round >= MAX_ROUNDS && pending.length > 0) {
        throw new UnavailableError(
          'TRANSACTION_CONFLICTS',
          `could not ${what}: ${pending.length} left after ${MAX_ROUNDS} rounds of transaction conflicts`,
        );
      }
      if (outcome.conflicted) await sleep(20 * 2 ** round);
    }
  });
  return { written, refused };
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

type TransactOutcome =
  | { readonly committed: true }
  | {
      readonly committed: false;
      readonly conflicted: boolean;
      readonly reasons: readonly ({ code: string; item?: RunItem } | undefined)[];
    };

async function transact(documents: DynamoDBDocumentClient, items: TransactItems): Promise<TransactOutcome> {
  try {
    await documents.send(new TransactWriteCommand({ TransactItems: items }));
    return { committed: true };
  } catch (error) {
    if (!(error instanceof TransactionCanceledException) || !error.CancellationReasons) throw error;
    const reasons = error.CancellationReasons.map((reason) => ({
      code: reason.Code ?? 'None',
      ...(reason.Item ? { item: unmarshall(reason.Item) as RunItem } : {}),
    }));
    const failing = reasons.filter(
      (reason) => reason.code !== 'None' && reason.code !== 'ConditionalCheckFailed',
    );
    // Conflicts and throttling are retried; anything else (validation, size) is a bug: surface it.
    const unexpected = failing.find(
      (reason) =>
        !['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded'].includes(reason.code),
    );
    if (unexpected) throw error;
    return { committed: false, conflicted: failing.length > 0, reasons };
  }
}
