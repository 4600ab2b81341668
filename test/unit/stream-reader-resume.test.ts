/**
 * The stream reader's resume edge, with mocked DynamoDB clients (DynamoDB Local cannot be made to
 * trim its stream within a test): a place saved in the position file whose record the stream's
 * retention has since trimmed is read on from the shard's oldest record, not failed on every pass.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { mockClient } from 'aws-sdk-client-mock';
import { StreamPositionFile } from '../../local/stream-positions.ts';
import { StreamReader } from '../../local/stream-reader.ts';

const STREAM =
  'arn:aws:dynamodb:ddblocal:000000000000:table/shelfwatch-test-changes/stream/2026-12-07T01:54:31.268';
const SHARD = 'shardId-00000001796608471288-132ec35d';
const sequence = (n: number) => String(n).padStart(21, '0');
const folder = mkdtempSync(path.join(tmpdir(), 'shelfwatch-stream-reader-'));
after(() => rmSync(folder, { recursive: true, force: true }));

describe('stream reader: resuming from a position file', () => {
  it('reads a shard from its oldest record when the saved place was trimmed, and saves the new place', async () => {
    const file = path.join(folder, 'notifier.json');
    await new StreamPositionFile(file).save(
      STREAM,
      new Map([[SHARD, { after: sequence(10), ended: false }]]),
    );
    const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
    const tables = mockClient(dynamodb);
    tables.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: STREAM } });
    const streams = mockClient(DynamoDBStreamsClient);
    streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: SHARD }] } });
    streams
      .on(GetShardIteratorCommand, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' })
      .rejects(new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} }))
      .on(GetShardIteratorCommand, { ShardIteratorType: 'TRIM_HORIZON' })
      .resolves({ ShardIterator: 'oldest' });
    streams
      .on(GetRecordsCommand, { ShardIterator: 'oldest' })
      .resolves({
        Records: [50, 51].map((n) => ({ dynamodb: { SequenceNumber: sequence(n) } })),
        NextShardIterator: 'newest',
      })
      .on(GetRecordsCommand, { ShardIterator: 'newest' })
      .resolves({ Records: [], NextShardIterator: 'newest' });
    const reader = new StreamReader({
      dynamodb,
      endpoint: 'http://127.0.0.1:9',
      tableName: 'shelfwatch-test-changes',
      batchSize: 100,
      positionFile: file,
    });
    try {
      const read: string[] = [];
      const taken = await reader.read((records) => {
        read.push(...records.map((record) => record.dynamodb?.SequenceNumber ?? ''));
        return Promise.resolve();
      });
      assert.equal(taken, 2);
      assert.deepEqual(read, [sequence(50), sequence(51)]);
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { shards: Record<string, unknown> };
      assert.deepEqual(saved.shards, { [SHARD]: { after: sequence(51), ended: false } });
      assert.equal(streams.commandCalls(GetShardIteratorCommand).length, 2, 'one refusal, then the oldest');
    } finally {
      reader.destroy();
      streams.restore();
      tables.restore();
    }
  });

  it('does not hide another refusal of the saved place', async () => {
    const file = path.join(folder, 'other.json');
    await new StreamPositionFile(file).save(
      STREAM,
      new Map([[SHARD, { after: sequence(10), ended: false }]]),
    );
    const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
    const tables = mockClient(dynamodb);
    tables.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: STREAM } });
    const streams = mockClient(DynamoDBStreamsClient);
    streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: SHARD }] } });
    streams.on(GetShardIteratorCommand).rejects(new Error('Shard does not exist'));
    const reader = new StreamReader({
      dynamodb,
      endpoint: 'http://127.0.0.1:9',
      tableName: 'shelfwatch-test-changes',
      batchSize: 100,
      positionFile: file,
    });
    try {
      await assert.rejects(
        reader.read(() => Promise.resolve()),
        /Shard does not exist/,
      );
      assert.equal(streams.commandCalls(GetShardIteratorCommand).length, 1);
    } finally {
      reader.destroy();
      streams.restore();
      tables.restore();
    }
  });
});
