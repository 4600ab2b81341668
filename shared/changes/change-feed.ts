/**
 * Reading changes across items, newest first: one definition's through the `byDefinition` index
 * (one Query per page), or everyone's through `byDay` (one partition per UTC day: a page walks
 * the days from `until` back to `since`, one Query per day it touches). A kind filter applies
 * within each page, so a page may hold fewer than `limit` while a cursor says more may follow.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors/index.ts';
import { decodeCursor, encodeCursor, pageLimit } from '../paging/index.ts';
import type { ChangeKind } from './change.ts';
import type { ChangeRecord } from './change-store.ts';

const DAY_MS = 86_400_000;
/** Longest window read through `byDay` (days it may walk in one listing). */
export const MAX_FEED_DAYS = 31;

export interface ChangeFeedQuery {
  readonly definitionId?: string;
  readonly kind?: ChangeKind;
  /** Inclusive ISO bounds on `detectedAt`. */
  readonly since: string;
  readonly until: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ChangeFeedPage {
  readonly changes: ChangeRecord[];
  readonly cursor?: string;
}

const TABLE_KEY = ['itemKey', 'changeId'];

/** A cursor: the index's last key, or (byDay) the day to continue with. */
function openCursor(cursor: string, indexKey: readonly string[]): Record<string, unknown> {
  try {
    return decodeCursor(cursor, [...TABLE_KEY, ...indexKey]);
  } catch (error) {
    if (indexKey[0] !== 'detectedDay') throw error;
    return decodeCursor(cursor, ['detectedDay']);
  }
}

export async function readChangeFeed(
  documents: DynamoDBDocumentClient,
  tableName: string,
  query: ChangeFeedQuery,
): Promise<ChangeFeedPage> {
  if (Date.parse(query.until) < Date.parse(query.since)) {
    throw new ValidationError('change listing', [{ field: 'since', message: 'must not be after "until"' }]);
  }
  const limit = pageLimit(query.limit, 100);
  const since = new Date(Date.parse(query.since)).toISOString();
  const until = new Date(Date.parse(query.until)).toISOString();
  const kindFilter = query.kind
    ? { FilterExpression: '#kind = :kind', ExpressionAttributeNames: { '#kind': 'kind' } }
    : {};
  const kindValue = query.kind ? { ':kind': query.kind } : {};
  const window = { ':since': since, ':until': `${until}\uffff` };

  if (query.definitionId !== undefined) {
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'byDefinition',
        KeyConditionExpression: 'definitionId = :pk AND detectedAt BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': query.definitionId, ...window, ...kindValue },
        ...kindFilter,
        ScanIndexForward: false,
        Limit: limit,
        ...(query.cursor
          ? { ExclusiveStartKey: openCursor(query.cursor, ['definitionId', 'detectedAt']) }
          : {}),
      }),
    );
    return {
      changes: Items as ChangeRecord[],
      ...(LastEvaluatedKey ? { cursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }

  const firstDay = since.slice(0, 10);
  if (Date.parse(until.slice(0, 10)) - Date.parse(firstDay) >= MAX_FEED_DAYS * DAY_MS) {
    throw new ValidationError('change listing', [
      {
        field: 'since',
        message: `must be within ${MAX_FEED_DAYS} days of "until" without a definitionId (give one to read further back)`,
      },
    ]);
  }
  const opened = query.cursor ? openCursor(query.cursor, ['detectedDay', 'detectedAt']) : undefined;
  let day = typeof opened?.detectedDay === 'string' ? opened.detectedDay : until.slice(0, 10);
  if (day > until.slice(0, 10) || day < firstDay) {
    throw new ValidationError('cursor', [
      { field: 'cursor', message: 'is not a cursor this listing returned' },
    ]);
  }
  let startKey = opened && 'itemKey' in opened ? opened : undefined;
  const changes: ChangeRecord[] = [];
  for (;;) {
    const { Items = [], LastEvaluatedKey } = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'byDay',
        KeyConditionExpression: 'detectedDay = :pk AND detectedAt BETWEEN :since AND :until',
        ExpressionAttributeValues: { ':pk': day, ...window, ...kindValue },
        ...kindFilter,
        ScanIndexForward: false,
        Limit: limit - changes.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    changes.push(...(Items as ChangeRecord[]));
    if (LastEvaluatedKey) return { changes, cursor: encodeCursor(LastEvaluatedKey) };
    const previous = new Date(Date.parse(day) - DAY_MS).toISOString().slice(0, 10);
    if (previous < firstDay) return { changes };
    day = previous;
    startKey = undefined;
    if (changes.length >= limit) return { changes, cursor: encodeCursor({ detectedDay: day }) };
  }
}
