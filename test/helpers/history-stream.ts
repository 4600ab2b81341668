/** Stream events of the items table as Lambda delivers them, and the history bucket read back. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ItemSnapshot } from '../../shared/results/index.ts';

/** One record of the items table's stream (NEW_IMAGE), numbered like a shard's sequence. */
export function streamRecordOf(
  snapshot: ItemSnapshot,
  sequence: number,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT',
): DynamoDBRecord {
  const image = marshall(snapshot, { removeUndefinedValues: true, convertClassInstanceToMap: false });
  return {
    eventID: `event-${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: marshall({ itemKey: snapshot.itemKey, snapshotId: snapshot.snapshotId }) as never,
      ...(eventName === 'REMOVE' ? {} : { NewImage: image as never }),
      SequenceNumber: String(1_000_000 + sequence),
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

export const streamEventOf = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** The `eventSourceARN` Lambda gives a record of a table's stream (the history function routes by it). */
export const streamArnOf = (tableName: string): string =>
  `arn:aws:dynamodb:us-east-1:000000000000:table/${tableName}/stream/2026-01-01T00:00:00.000`;

/** Copies every object of a bucket into `root` at its key: the layout DuckDB's reader expects. */
export async function downloadBucket(s3: S3Client, bucket: string, root: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  for (const key of keys) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const target = path.join(root, ...key.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(
      target,
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
  }
  return keys.sort();
}
