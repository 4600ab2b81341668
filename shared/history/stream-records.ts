/**
 * Rows of a history table from DynamoDB stream records (new images): the input of the history,
 * locally (the pumps of `npm start`) and, deployed, of the history function. Inserts and
 * modifications carry a row; removals (TTL deleting old records) are not history events.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ItemSnapshot } from '../results/index.ts';

/** The part of a stream record used here: the SDK's `_Record` and Lambda's `DynamoDBRecord` both fit. */
export interface ItemStreamRecord {
  readonly eventName?: string | undefined;
  readonly dynamodb?: { readonly NewImage?: Record<string, unknown> | undefined } | undefined;
}

/** The new image of each insert or modification, as a plain object (a snapshot, a change...). */
export function rowsOfStreamRecords<Row>(records: readonly ItemStreamRecord[]): Row[] {
  return records.flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    if ((record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') || !image) return [];
    return [unmarshall(image as Parameters<typeof unmarshall>[0]) as Row];
  });
}

export const snapshotsOfStreamRecords = (records: readonly ItemStreamRecord[]): ItemSnapshot[] =>
  rowsOfStreamRecords<ItemSnapshot>(records);
