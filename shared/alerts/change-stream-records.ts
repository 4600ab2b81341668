/**
 * Changes from DynamoDB stream records of the changes table (new images of INSERTs): the input of
 * the notifier, deployed (the event source mapping filters on INSERT) and locally (the changes
 * pump). A change is written once, only if absent, so an INSERT is a new change; MODIFY and
 * REMOVE (TTL) are not.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type Change, CHANGE_KINDS, type ChangeRecord } from '../changes/index.ts';

/** The part of a stream record used here: the SDK's `_Record` and Lambda's `DynamoDBRecord` both fit. */
export interface ChangeStreamRecord {
  readonly eventID?: string | undefined;
  readonly eventName?: string | undefined;
  readonly dynamodb?:
    | {
        readonly NewImage?: Record<string, unknown> | undefined;
        readonly SequenceNumber?: string | undefined;
      }
    | undefined;
}

export interface SequencedChange {
  readonly change: Change;
  /** The stream record's place in its shard: where the mapping retries from. */
  readonly sequenceNumber: string;
}

export interface StreamChanges {
  readonly changes: SequencedChange[];
  /** INSERT records that hold no readable change (logged by the caller with their sequence numbers). */
  readonly unreadable: { readonly sequenceNumber: string; readonly reason: string }[];
  /** Records that are not INSERTs. */
  readonly ignored: number;
}

const KINDS: ReadonlySet<string> = new Set(CHANGE_KINDS);

export function changesOfStreamRecords(records: readonly ChangeStreamRecord[]): StreamChanges {
  const result: StreamChanges = { changes: [], unreadable: [], ignored: 0 };
  let ignored = 0;
  for (const record of records) {
    if (record.eventName !== 'INSERT') {
      ignored += 1;
      continue;
    }
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
    const image = record.dynamodb?.NewImage;
    if (!image) {
      result.unreadable.push({ sequenceNumber, reason: 'the record has no new image' });
      continue;
    }
    const stored = unmarshall(image as Parameters<typeof unmarshall>[0]) as Partial<ChangeRecord>;
    const { detectedDay: _day, expiresAt: _expiry, ...change } = stored;
    if (
      !change.kind ||
      !KINDS.has(change.kind) ||
      !change.itemKey ||
      !change.changeId ||
      !change.detectedAt
    ) {
      result.unreadable.push({
        sequenceNumber,
        reason: `not a change (kind ${String(change.kind)}, itemKey ${String(change.itemKey)})`,
      });
      continue;
    }
    result.changes.push({ change: change as Change, sequenceNumber });
  }
  return { ...result, ignored };
}
