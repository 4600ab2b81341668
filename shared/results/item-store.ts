/**
 * Item snapshots in DynamoDB: written in batches of 25 (BatchWriteItem, at most SAVE_CONCURRENCY
 * in flight, unprocessed items retried with backoff), read back per run (byRun index) or per item (its history).
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ShelfwatchError, ValidationError } from '../errors/index.ts';
import { type ItemSnapshot, itemKeyOf } from './item-snapshot.ts';
import { chunk, mapWithConcurrency, sleep } from '../concurrency/index.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../paging/index.ts';

const BATCH_SIZE = 25;
const MAX_ROUNDS = 8;
/**
 * BatchWriteItem requests of one save in flight at once: a call of 10,000 snapshots is 400
 * batches, and sending them all at once is what throttles a table (and starved DynamoDB Local).
 */
export const SAVE_CONCURRENCY = 4;

export interface ItemStoreOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
}

export interface SnapshotPage {
  readonly snapshots: ItemSnapshot[];
  readonly cursor?: string;
}

/** DynamoDB kept refusing part of a batch (throttling): the caller retries the page later. */
export class SnapshotsNotSavedError extends ShelfwatchError {
  readonly unsaved: number;
  constructor(unsaved: number) {
    super(
      'unavailable',
      'SNAPSHOTS_NOT_SAVED',
      `${unsaved} item snapshots were not saved after ${MAX_ROUNDS} rounds of retries`,
    );
    this.unsaved = unsaved;
  }
}

export class ItemStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: ItemStoreOptions) {
    this.documents = options.documents;
    this.tableName = options.tableName;
  }

  /**
   * Saves snapshots; two with the same key (one item twice on a page) are saved once. Returns how
   * many distinct snapshots were written. Throws SnapshotsNotSavedError if DynamoDB keeps
   * refusing some (nothing is lost silently: the caller fails the page and retries it).
   */
  async save(snapshots: readonly ItemSnapshot[]): Promise<number> {
    const distinct = new Map(
      snapshots.map((snapshot) => [`${snapshot.itemKey}|${snapshot.snapshotId}`, snapshot]),
    );
    const batches = chunk([...distinct.values()], BATCH_SIZE);
    await mapWithConcurrency(batches, SAVE_CONCURRENCY, (batch) => this.writeBatch(batch));
    return distinct.size;
  }

  /** The snapshots one run saved, by item key. */
  async listByRun(runId: string, options: { limit?: number; cursor?: string } = {}): Promise<SnapshotPage> {
    return this.query({
      IndexName: 'byRun',
      KeyConditionExpression: 'runId = :runId',
      ExpressionAttributeValues: { ':runId': runId },
      limit: options.limit,
      cursor: options.cursor,
      keyAttributes: ['runId', 'itemKey', 'snapshotId'],
    });
  }

  /**
   * One item's snapshots over time, newest first: its history (price, stock, rating, reviews,
   * rank and page on the listing it was seen on, seller). `fromSlot`..`toSlot` (inclusive) bound
   * it by slot; any range is one Query per page of results.
   */
  async history(
    platform: string,
    marketplace: string,
    itemId: string,
    options: { limit?: number; cursor?: string; fromSlot?: string; toSlot?: string } = {},
  ): Promise<SnapshotPage> {
    const { fromSlot, toSlot } = options;
    if (fromSlot !== undefined && toSlot !== undefined && toSlot < fromSlot) {
      throw new ValidationError('history range', [
        { field: 'toSlot', message: 'must not be before fromSlot' },
      ]);
    }
    const bounded = fromSlot !== undefined || toSlot !== undefined;
    return this.query({
      KeyConditionExpression: bounded
        ? 'itemKey = :itemKey AND snapshotId BETWEEN :from AND :to'
        : 'itemKey = :itemKey',
      ExpressionAttributeValues: {
        ':itemKey': itemKeyOf(platform, marketplace, itemId),
        // Snapshot ids are `<slot>#<runId>`: every id of a slot sorts between the slot and slot + U+FFFF.
        ...(bounded ? { ':from': fromSlot ?? '0', ':to': `${toSlot ?? '\uffff'}\uffff` } : {}),
      },
      ScanIndexForward: false,
      limit: options.limit,
      cursor: options.cursor,
      keyAttributes: ['itemKey', 'snapshotId'],
    });
  }

  private async writeBatch(batch: readonly ItemSnapshot[]): Promise<void> {
    let pending: Record<string, unknown>[] = batch.map((snapshot) => ({ PutRequest: { Item: snapshot } }));
    for (let round = 0; pending.length > 0; round += 1) {
      if (round === MAX_ROUNDS) throw new SnapshotsNotSavedError(pending.length);
      if (round > 0) await sleep(Math.min(2_000, 50 * 2 ** round * (0.5 + Math.random() / 2)));
      const { UnprocessedItems } = await this.documents.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      pending = UnprocessedItems?.[this.tableName] ?? [];
    }
  }

  private async query(input: {
    IndexName?: string;
    KeyConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
    ScanIndexForward?: boolean;
    limit: number | undefined;
    cursor: string | undefined;
    keyAttributes: readonly string[];
  }): Promise<SnapshotPage> {
    const { limit, cursor, keyAttributes, ...query } = input;
    const { Items, LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        ...query,
        Limit: pageLimit(limit, 100),
        ExclusiveStartKey: cursor ? decodeCursor(cursor, keyAttributes) : undefined,
      }),
    );
    return {
      snapshots: (Items ?? []) as ItemSnapshot[],
      ...(LastEvaluatedKey ? { cursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }
}
