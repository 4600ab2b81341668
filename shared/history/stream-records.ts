/**
 * Item snapshots from DynamoDB stream records of the items table (new images): the input of the
 * history, locally (the pump of `npm start`) and, deployed, of the history function. Inserts and
 * modifications carry a snapshot; removals (TTL deleting old snapshots) are not history events.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ItemSnapshot } from '../results/index.ts';

/** The part of a stream record used here: the SDK's `_Record` and Lambda's `DynamoDBRecord` both fit. */
export interface ItemStreamRecord {
  readonly eventName?: string | undefined;
  readonly dynamodb?: { readonly NewImage?: Record<string, unknown> | undefined } | undefined;
}

export function snapshotsOfStreamRecords(records: readonly ItemStreamRecord[]): ItemSnapshot[] {
  return records.flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    if ((record.eventName !== 'INSERT' && record.eventName !== 'MODIFY') || !image) return [];
    return [unmarshall(image as Parameters<typeof unmarshall>[0]) as ItemSnapshot];
  });
}
