/**
 * The deployed history path on fauxqs S3: a batch of the items stream → Parquet objects in the
 * history bucket (the same layout as the local folder), read back with DuckDB; a record that
 * cannot be written stops the batch there and is reported, so the event source mapping retries
 * from it; the handler answers the mapping in its batch-item-failure shape.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startFauxqsServer, type Fauxqs } from '../../local/emulators.ts';
import {
  type AwsClients,
  bucketVariable,
  createAwsClients,
  resourceEnvironment,
} from '../../shared/aws/index.ts';
import { tableName } from '../../shared/catalogue/index.ts';
import { ShelfwatchError } from '../../shared/errors/index.ts';
import {
  HistoryPartitionValueError,
  openHistoryReader,
  S3HistoryDestination,
  writeStreamBatch,
} from '../../shared/history/index.ts';
import { snapshotOf, type SnapshotSource } from '../../shared/results/index.ts';
import { isoMinute, MINUTE_MS, thisHour } from '../helpers/clock.ts';
import { downloadBucket, streamArnOf, streamEventOf, streamRecordOf } from '../helpers/history-stream.ts';

const SLOT_MS = thisHour();
const source = (marketplace: string): SnapshotSource => ({
  runId: `kettles-${marketplace}@${isoMinute(SLOT_MS)}`,
  definitionId: `kettles-${marketplace}`,
  slot: isoMinute(SLOT_MS),
  platform: 'amazon',
  marketplace,
  crawlType: 'category',
  pageNumber: 1,
  capturedBy: 'scraper',
});
const snapshot = (marketplace: string, n: number) =>
  snapshotOf(
    source(marketplace),
    { id: `B0KET${String(n).padStart(5, '0')}`, price: 10 + n, position: n + 1 },
    SLOT_MS + 3 * MINUTE_MS,
    90,
  );

describe('history function: items stream batch → Parquet on S3 (fauxqs)', () => {
  let fauxqs: Fauxqs;
  let clients: AwsClients;
  let root: string;
  let bucketCount = 0;
  before(async () => {
    fauxqs = await startFauxqsServer();
    clients = createAwsClients({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { s3: fauxqs.endpoint },
    });
    root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-history-s3-'));
  });
  after(async () => {
    clients.destroy();
    await fauxqs.stop();
    await rm(root, { recursive: true, force: true });
  });

  const newBucket = async () => {
    const bucket = `history-${++bucketCount}`;
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  };
  const readBack = async (bucket: string, sql: string) => {
    const folder = path.join(root, bucket);
    const keys = await downloadBucket(clients.s3, bucket, folder);
    const reader = await openHistoryReader(folder);
    try {
      return { keys, rows: await reader.rows(sql) };
    } finally {
      reader.close();
    }
  };

  it('writes a batch as Parquet objects in the folder layout, which DuckDB reads back row for row; removals are skipped', async () => {
    const bucket = await newBucket();
    const snapshots = [
      ...Array.from({ length: 20 }, (_, n) => snapshot('DE', n)),
      ...Array.from({ length: 10 }, (_, n) => snapshot('UK', n)),
    ];
    const records = [
      ...snapshots.map((s, n) => streamRecordOf(s, n)),
      streamRecordOf(snapshot('DE', 99), 99, 'REMOVE'),
    ];
    const outcome = await writeStreamBatch(records, new S3HistoryDestination(clients.s3, bucket));
    assert.equal(outcome.failure, undefined);
    assert.deepEqual({ rows: outcome.written.rows, skipped: outcome.skipped }, { rows: 30, skipped: 1 });

    const day = isoMinute(SLOT_MS).slice(0, 10);
    const { keys, rows } = await readBack(
      bucket,
      'SELECT marketplace, item_id, price, dt FROM snapshots ORDER BY marketplace, item_id',
    );
    assert.deepEqual(keys, [...outcome.written.files].sort());
    assert.equal(keys.length, 2, 'one file per partition of the batch');
    for (const key of keys) {
      assert.match(
        key,
        new RegExp(`^snapshots/v1/dt=${day}/platform=amazon/marketplace=(DE|UK)/part-[0-9a-f-]+\\.parquet$`),
      );
    }
    assert.deepEqual(
      rows,
      snapshots
        .map((s) => ({
          marketplace: s.marketplace,
          item_id: s.item.id,
          price: s.item.price ?? null,
          dt: day,
        }))
        .sort((a, b) => `${a.marketplace}${a.item_id}`.localeCompare(`${b.marketplace}${b.item_id}`)),
    );
  });

  it('stops at a record whose partition value is refused: writes those before it and reports its sequence number', async () => {
    const bucket = await newBucket();
    const bad = { ...snapshot('DE', 5), marketplace: 'U/S' };
    const records = [
      ...Array.from({ length: 5 }, (_, n) => streamRecordOf(snapshot('DE', n), n)),
      streamRecordOf(bad, 5),
      ...Array.from({ length: 3 }, (_, n) => streamRecordOf(snapshot('DE', 6 + n), 6 + n)),
    ];
    const outcome = await writeStreamBatch(records, new S3HistoryDestination(clients.s3, bucket));
    assert.equal(outcome.failure?.sequenceNumber, records[5]?.dynamodb?.SequenceNumber);
    assert.ok(outcome.failure?.error instanceof HistoryPartitionValueError);
    assert.equal(outcome.written.rows, 5);
    const { rows } = await readBack(bucket, 'SELECT item_id FROM snapshots ORDER BY item_id');
    assert.deepEqual(
      rows.map((row) => row.item_id),
      ['B0KET00000', 'B0KET00001', 'B0KET00002', 'B0KET00003', 'B0KET00004'],
    );
  });

  it('reports the first record of the batch when the bucket refuses the write, so all of it is retried', async () => {
    const records = Array.from({ length: 4 }, (_, n) => streamRecordOf(snapshot('DE', n), n));
    const outcome = await writeStreamBatch(records, new S3HistoryDestination(clients.s3, 'no-such-bucket'));
    assert.equal(outcome.failure?.sequenceNumber, records[0]?.dynamodb?.SequenceNumber);
    assert.equal(outcome.written.rows, 0);
  });

  it('the handler answers the mapping: no item failure for a written batch, the first record not written otherwise', async () => {
    const bucket = await newBucket();
    const saved = { ...process.env };
    Object.assign(process.env, {
      [bucketVariable('history')]: bucket,
      AWS_ENDPOINT_URL_S3: fauxqs.endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
    try {
      const { handler } = (await import('../../functions/history/handler.ts')) as {
        handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
      };
      // Records of this stage's items stream: the handler tells the history table by the ARN.
      const fromItems = (record: DynamoDBRecord): DynamoDBRecord => ({
        ...record,
        eventSourceARN: streamArnOf(tableName(resourceEnvironment().stage, 'items')),
      });
      const good = Array.from({ length: 3 }, (_, n) => fromItems(streamRecordOf(snapshot('UK', n), n)));
      assert.deepEqual(await handler(streamEventOf(good)), { batchItemFailures: [] });
      // A stream that feeds no history table is refused whole, naming the field.
      await assert.rejects(
        handler(
          streamEventOf([{ ...streamRecordOf(snapshot('UK', 9), 9), eventSourceARN: streamArnOf('other') }]),
        ),
        (error: unknown) => error instanceof ShelfwatchError && error.code === 'UNKNOWN_HISTORY_STREAM',
      );
      const bad = fromItems(streamRecordOf({ ...snapshot('UK', 7), platform: '' }, 7));
      assert.deepEqual(await handler(streamEventOf([...good, bad])), {
        batchItemFailures: [{ itemIdentifier: bad.dynamodb?.SequenceNumber }],
      });
      const { rows } = await readBack(
        bucket,
        'SELECT count(*)::INTEGER AS n, count(DISTINCT item_key)::INTEGER AS items FROM snapshots_raw',
      );
      assert.deepEqual(
        rows,
        [{ n: 6, items: 3 }],
        'the good records twice (at-least-once), the bad one never',
      );
    } finally {
      process.env = saved;
    }
  });
});
