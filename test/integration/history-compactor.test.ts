/**
 * The two callers of compaction: the deployed handler on the history bucket (fauxqs S3, with the
 * environment CDK gives it) compacts days that ended before today and answers what it did; the
 * local compactor of `npm start` compacts its folder at start, reports each pass and stops
 * cleanly. Compaction itself: history-compaction.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startFauxqsServer, type Fauxqs } from '../../local/emulators.ts';
import { LocalHistoryCompactor } from '../../local/history-compactor.ts';
import { type AwsClients, bucketVariable, createAwsClients } from '../../shared/aws/index.ts';
import {
  FolderHistoryDestination,
  type HistoryCompaction,
  type HistoryFileStore,
  S3HistoryDestination,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../../shared/history/index.ts';
import { snapshotOf } from '../../shared/results/index.ts';
import { DAY_MS, HOUR_MS, isoMinute, MINUTE_MS, today } from '../helpers/clock.ts';

const TODAY_MS = today();
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Three hourly batches of two items on `dayMs`. */
async function writeDay(store: HistoryFileStore, dayMs: number): Promise<void> {
  for (let hour = 0; hour < 3; hour += 1) {
    const slotMs = dayMs + hour * HOUR_MS;
    const source = {
      runId: `mugs@${isoMinute(slotMs)}`,
      definitionId: 'mugs',
      slot: isoMinute(slotMs),
      platform: 'amazon',
      marketplace: 'US',
      crawlType: 'product_details',
      pageNumber: 1,
      capturedBy: 'scraper',
    };
    const batch = [0, 1].map((n) =>
      snapshotOf(source, { id: `B0MUG${n}`, price: 10 + n, position: n + 1 }, slotMs + MINUTE_MS, 90),
    );
    await writeHistory(SNAPSHOT_HISTORY, batch, store);
  }
}
const filesOfDay = async (store: HistoryFileStore, dayMs: number) =>
  store.listFiles(`snapshots/v1/dt=${dayOf(dayMs)}`);

describe('the history compactor function on S3 (fauxqs)', () => {
  let fauxqs: Fauxqs;
  let clients: AwsClients;
  before(async () => {
    fauxqs = await startFauxqsServer();
    clients = createAwsClients({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { s3: fauxqs.endpoint },
    });
  });
  after(async () => {
    clients.destroy();
    await fauxqs.stop();
  });

  it('compacts the days that ended before today, leaves today, and says what it did; a second run does nothing', async () => {
    const bucket = 'history-compactor';
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const store = new S3HistoryDestination(clients.s3, bucket);
    const older = TODAY_MS - 2 * DAY_MS;
    await writeDay(store, older);
    await writeDay(store, TODAY_MS);
    const todayFiles = await filesOfDay(store, TODAY_MS);
    const saved = { ...process.env };
    Object.assign(process.env, {
      SHELFWATCH_STAGE: 'compactor',
      [bucketVariable('history')]: bucket,
      AWS_ENDPOINT_URL_S3: fauxqs.endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
    try {
      const { handler } = await import('../../functions/history-compactor/handler.ts');
      assert.deepEqual(await handler(), {
        daysListed: 1,
        partitions: 1,
        filesReplaced: 3,
        rowsRead: 6,
        rowsWritten: 6,
      });
      const compacted = await filesOfDay(store, older);
      assert.equal(compacted.length, 1);
      assert.match(compacted[0] ?? '', /\/compacted-[0-9a-f-]{36}\.parquet$/);
      assert.deepEqual(await filesOfDay(store, TODAY_MS), todayFiles);
      assert.equal(todayFiles.length, 3);
      assert.deepEqual(await handler(), {
        daysListed: 1,
        partitions: 0,
        filesReplaced: 0,
        rowsRead: 0,
        rowsWritten: 0,
      });
    } finally {
      process.env = saved;
    }
  });
});

describe("npm start's local history compactor", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-local-compactor-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('compacts the days finished while it was stopped as soon as it starts, reports each pass, and stops', async () => {
    const store = new FolderHistoryDestination(root);
    const yesterday = TODAY_MS - DAY_MS;
    await writeDay(store, yesterday);
    await writeDay(store, TODAY_MS);
    const passes: HistoryCompaction[] = [];
    const failures: unknown[] = [];
    // Local time 03:00 today: yesterday ended 3 hours ago.
    const compactor = new LocalHistoryCompactor({
      store,
      now: () => TODAY_MS + 3 * HOUR_MS,
      onPass: (pass) => passes.push(pass),
    });
    compactor.start(60 * 60_000, (error) => failures.push(error));
    try {
      const first = await compactor.compactDue(); // joins the pass start() began
      assert.deepEqual(
        first.compacted.map((done) => [done.partition, done.files.length]),
        [[`snapshots/v1/dt=${dayOf(yesterday)}/platform=amazon/marketplace=US`, 3]],
      );
      assert.equal((await filesOfDay(store, yesterday)).length, 1);
      assert.equal((await filesOfDay(store, TODAY_MS)).length, 3);
      const second = await compactor.compactDue();
      assert.deepEqual(second.compacted, []);
      assert.equal(passes.length, 2);
      assert.deepEqual(failures, []);
    } finally {
      await compactor.stop();
    }
  });
});
