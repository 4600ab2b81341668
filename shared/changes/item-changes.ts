/**
 * One item's changes, newest or oldest first: one Query per page on the changes table's own key. The key is
 * `itemKey` + `changeId`, and `changeId` starts with the snapshot's slot (`<slot>#<runId>#<kind>`),
 * so a window of slots is a key condition and the order is the slots' order — no index, no Scan.
 * A kind filter applies within each page, so a page may hold fewer than `limit` while a cursor
 * says more may follow (as in the change feed).
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors/index.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../paging/index.ts';
import { itemKeyOf } from '../results/index.ts';
import type { ChangeKind } from './change.ts';
import type { ChangeFeedPage } from './change-feed.ts';
import type { ChangeRecord } from './change-store.ts';
import type { ItemRef } from './item-key.ts';

export interface ItemChangesQuery {
  /** Inclusive bounds on the slot of the snapshot each change came from (`2026-12-06T19:00Z`). */
  readonly fromSlot?: string;
  readonly toSlot?: string;
  readonly kind?: ChangeKind;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ItemChangeReaderOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly changesTable: string;
}

export class ItemChangeReader {
  private readonly documents: DynamoDBDocumentClient;
  private readonly changesTable: string;

  constructor(options: ItemChangeReaderOptions) {
    this.documents = options.documents;
    this.changesTable = options.changesTable;
  }

  /** A page of the item's changes, newest slot first: one Query. */
  newestFirst(item: ItemRef, query: ItemChangesQuery = {}): Promise<ChangeFeedPage> {
    return this.page(item, query, false);
  }

  /** A page of the item's changes, oldest slot first (a rule's test-fire replays them): one Query. */
  oldestFirst(item: ItemRef, query: ItemChangesQuery = {}): Promise<ChangeFeedPage> {
    return this.page(item, query, true);
  }

  private async page(item: ItemRef, query: ItemChangesQuery, oldestFirst: boolean): Promise<ChangeFeedPage> {
    const { fromSlot, toSlot } = query;
    if (fromSlot !== undefined && toSlot !== undefined && toSlot < fromSlot) {
      throw new ValidationError('item changes', [{ field: 'since', message: 'must not be after "until"' }]);
    }
    const itemKey = itemKeyOf(item.platform, item.marketplace, item.itemId);
    // `\uffff` after a slot: every changeId of that slot (the bound is inclusive).
    const range =
      fromSlot !== undefined && toSlot !== undefined
        ? {
            condition: ' AND changeId BETWEEN :from AND :to',
            values: { ':from': fromSlot, ':to': `${toSlot}\uffff` },
          }
        : fromSlot !== undefined
          ? { condition: ' AND changeId >= :from', values: { ':from': fromSlot } }
          : toSlot !== undefined
            ? { condition: ' AND changeId <= :to', values: { ':to': `${toSlot}\uffff` } }
            : { condition: '', values: {} };
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        TableName: this.changesTable,
        KeyConditionExpression: `itemKey = :itemKey${range.condition}`,
        ExpressionAttributeValues: {
          ':itemKey': itemKey,
          ...range.values,
          ...(query.kind ? { ':kind': query.kind } : {}),
        },
        ...(query.kind
          ? { FilterExpression: '#kind = :kind', ExpressionAttributeNames: { '#kind': 'kind' } }
          : {}),
        ScanIndexForward: oldestFirst,
        Limit: pageLimit(query.limit, 100),
        ...(query.cursor ? { ExclusiveStartKey: decodeCursor(query.cursor, ['itemKey', 'changeId']) } : {}),
      }),
    );
    return {
      changes: Items as ChangeRecord[],
      ...(LastEvaluatedKey ? { cursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }
}
