/**
 * Compaction of finished days, on a folder and on fauxqs S3 (the same code, two HistoryFileStores):
 * each due partition's files become one compacted file that the DuckDB reader reads as the
 * originals read; today's partition is untouched; compacting twice changes nothing; a batch
 * redelivered after compaction still reads once; a file landing during compaction survives; the
 * originals are deleted only once the compacted file exists, and not at all if it could not be.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startFauxqsServer, type Fauxqs } from '../../local/emulators.ts';
import { type AwsClients, createAwsClients } from '../../shared/aws/index.ts';
import type { ChangeRecord } from '../../shared/changes/index.ts';
import {
  CHANGE_HISTORY,
  compactHistory,
  DUCKDB_TYPES,
  FolderHistoryDestination,
  HistoryCompactionError,
  type HistoryFileStore,
  type HistoryTable,
  openHistoryReader,
  S3HistoryDestination,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../../shared/history/index.ts';
import { type ItemSnapshot, snapshotOf, type SnapshotSource } from '../../shared/results/index.ts';
import { DAY_MS, HOUR_MS, isoMinute, MINUTE_MS, today } from '../helpers/clock.ts';
import { downloadBucket } from '../helpers/history-stream.ts';

// Days derived from the real clock: two finished days and today. "now" is 03:00 UTC of today,
// so yesterday ended 3 hours ago (due with the 2-hour grace) and today is not due.
const TODAY_MS = today();
const NOW_MS = TODAY_MS + 3 * HOUR_MS;
const DAYS = { older: TODAY_MS - 2 * DAY_MS, yesterday: TODAY_MS - DAY_MS, today: TODAY_MS };
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const sourceAt = (slotMs: number, marketplace: string): SnapshotSource => ({
  runId: `kettles-${marketplace}@${isoMinute(slotMs)}`,
  definitionId: `kettles-${marketplace}`,
  slot: isoMinute(slotMs),
  platform: 'amazon',
  marketplace,
  crawlType: 'category',
  pageNumber: 1,
  capturedBy: 'scraper',
});
/** One hourly batch: `items` snapshots of one marketplace at slot `slotMs`. */
const batchAt = (slotMs: number, marketplace: string, items = 2, capturedLateMs = 0): ItemSnapshot[] =>
  Array.from({ length: items }, (_, n) =>
    snapshotOf(
      sourceAt(slotMs, marketplace),
      { id: `B0CMP${String(n).padStart(5, '0')}`, price: 10 + n + ((slotMs / HOUR_MS) % 7), position: n + 1 },
      slotMs + 2 * MINUTE_MS + capturedLateMs,
      90,
    ),
  );
const changeOf = (snapshot: ItemSnapshot): ChangeRecord => ({
  itemKey: snapshot.itemKey,
  changeId: `${snapshot.snapshotId}#price_down`,
  kind: 'price_down',
  platform: snapshot.platform,
  marketplace: snapshot.marketplace,
  itemId: snapshot.item.id,
  definitionId: snapshot.definitionId,
  runId: snapshot.runId,
  slot: snapshot.slot,
  crawlType: snapshot.crawlType,
  snapshotId: snapshot.snapshotId,
  detectedAt: snapshot.capturedAt,
  from: 12,
  to: 11,
  delta: -1,
  percent: -8.33,
  currency: 'USD',
  detectedDay: snapshot.slot.slice(0, 10),
  expiresAt: Math.floor(NOW_MS / 1000) + 90 * 86_400,
});

const snapshots = SNAPSHOT_HISTORY;
const changes = CHANGE_HISTORY;
/** The snapshots table as written before its last nine columns were added (older files). */
const snapshotsBeforeIssue15: HistoryTable<ItemSnapshot> = {
  ...snapshots,
  columns: snapshots.columns.slice(0, snapshots.columns.length - 9),
};

/** Writes a small history: hourly batches of two items on three days, two marketplaces, both tables. */
async function seed(store: HistoryFileStore): Promise<void> {
  for (const dayMs of Object.values(DAYS)) {
    for (let hour = 0; hour < 4; hour += 1) {
      const us = batchAt(dayMs + hour * HOUR_MS, 'US');
      await writeHistory(snapshots, us, store);
      await writeHistory(changes, us.map(changeOf), store);
    }
    await writeHistory(snapshots, batchAt(dayMs, 'UK', 3), store);
  }
  // A redelivered batch (the same snapshots, captured again later) and an older file lacking
  // the columns added since: copies and a narrower schema in the same partitions.
  await writeHistory(snapshots, batchAt(DAYS.older + HOUR_MS, 'US', 2, 5 * MINUTE_MS), store);
  await writeHistory(snapshotsBeforeIssue15, batchAt(DAYS.older + 9 * HOUR_MS, 'US'), store);
}

const SNAPSHOT_ROWS = 'SELECT * FROM snapshots ORDER BY item_key, snapshot_id';
const CHANGE_ROWS = 'SELECT * FROM changes ORDER BY item_key, change_id';

interface Backend {
  readonly name: string;
  newStore(): Promise<HistoryFileStore>;
  /** A folder holding the store's files, for the DuckDB reader. */
  folderOf(store: HistoryFileStore): Promise<string>;
}

function describeCompaction(backend: () => Backend): void {
  const read = async (store: HistoryFileStore, sql: string) => {
    const reader = await openHistoryReader(await backend().folderOf(store));
    try {
      return await reader.rows(sql);
    } finally {
      reader.close();
    }
  };
  const filesOf = (store: HistoryFileStore, table: HistoryTable<never> = snapshots) =>
    store.listFiles(`${table.name}/v1`);
  const partitionOf = (dayMs: number, marketplace: string, table: HistoryTable<never> = snapshots) =>
    `${table.name}/v1/dt=${dayOf(dayMs)}/platform=amazon/marketplace=${marketplace}`;
  const inPartition = (files: string[], partition: string) =>
    files.filter((file) => file.startsWith(`${partition}/`));

  it('turns each finished partition into one compacted file that reads the same rows; today is untouched', async () => {
    const store = await backend().newStore();
    await seed(store);
    const before = { snapshots: await read(store, SNAPSHOT_ROWS), changes: await read(store, CHANGE_ROWS) };
    const filesBefore = [...(await filesOf(store)), ...(await filesOf(store, changes))];

    const outcome = await compactHistory(store, { nowMs: NOW_MS });

    // 2 finished days × (US, UK) snapshots + 2 finished days × US changes.
    assert.equal(outcome.compacted.length, 6);
    const after = { snapshots: await read(store, SNAPSHOT_ROWS), changes: await read(store, CHANGE_ROWS) };
    assert.deepEqual(after.snapshots, before.snapshots);
    assert.deepEqual(after.changes, before.changes);
    assert.equal(before.snapshots.length, 3 * 4 * 2 + 3 * 3 + 2);

    const filesAfter = [...(await filesOf(store)), ...(await filesOf(store, changes))];
    for (const dayMs of [DAYS.older, DAYS.yesterday]) {
      for (const partition of [
        partitionOf(dayMs, 'US'),
        partitionOf(dayMs, 'UK'),
        partitionOf(dayMs, 'US', changes),
      ]) {
        const files = inPartition(filesAfter, partition);
        assert.equal(files.length, 1, `${partition}: ${files.join(', ')}`);
        assert.match(files[0] ?? '', /\/compacted-[0-9a-f-]{36}\.parquet$/);
      }
    }
    for (const partition of [
      partitionOf(DAYS.today, 'US'),
      partitionOf(DAYS.today, 'UK'),
      partitionOf(DAYS.today, 'US', changes),
    ]) {
      assert.deepEqual(
        inPartition(filesAfter, partition),
        inPartition(filesBefore, partition),
        `${partition} untouched`,
      );
    }
    // The copies are gone from the compacted days (one row per identity), today's remain.
    const copies = await read(
      store,
      `SELECT dt, count(*) AS copies, count(DISTINCT (item_key, snapshot_id)) AS snapshots FROM snapshots_raw GROUP BY dt ORDER BY dt`,
    );
    assert.deepEqual(
      copies.map((row) => [row.dt, Number(row.copies) === Number(row.snapshots)]),
      [
        [dayOf(DAYS.older), true],
        [dayOf(DAYS.yesterday), true],
        [dayOf(DAYS.today), true],
      ],
    );
    const older = outcome.compacted.find((done) => done.partition === partitionOf(DAYS.older, 'US'));
    assert.equal(older?.files.length, 6);
    assert.deepEqual([older?.rowsRead, older?.rowsWritten], [12, 10]);
  });

  it('keeps the latest copy and writes the declared schema: columns, order, types, sorted by item then time', async () => {
    const store = await backend().newStore();
    await seed(store);
    const kept = await read(
      store,
      `SELECT captured_at FROM snapshots WHERE dt = '${dayOf(DAYS.older)}' AND slot = '${isoMinute(DAYS.older + HOUR_MS)}' AND marketplace = 'US'`,
    );
    await compactHistory(store, { nowMs: NOW_MS });
    const [file] = inPartition(await filesOf(store), partitionOf(DAYS.older, 'US'));
    const local = path.join(await backend().folderOf(store), ...(file ?? '').split('/'));
    const reader = await openHistoryReader(path.dirname(local));
    try {
      const schema = await reader.rows(
        `SELECT name, type FROM parquet_schema('${local}') WHERE name <> 'duckdb_schema'`,
      );
      const described = await reader.rows(
        `DESCRIBE SELECT * FROM read_parquet('${local}', hive_partitioning = false)`,
      );
      assert.deepEqual(
        described.map((column) => [column.column_name, column.column_type]),
        snapshots.columns.map((column) => [column.name, DUCKDB_TYPES[column.type]]),
      );
      assert.equal(schema.length, snapshots.columns.length);
      const rows = await reader.rows(
        `SELECT item_key, captured_at, list_price FROM read_parquet('${local}', hive_partitioning = false)`,
      );
      const sorted = [...rows].sort(
        (a, b) =>
          (a.item_key as string).localeCompare(b.item_key as string) ||
          (a.captured_at as string).localeCompare(b.captured_at as string),
      );
      assert.deepEqual(rows, sorted);
      assert.equal(rows.length, 10);
    } finally {
      reader.close();
    }
    const after = await read(
      store,
      `SELECT captured_at FROM snapshots WHERE dt = '${dayOf(DAYS.older)}' AND slot = '${isoMinute(DAYS.older + HOUR_MS)}' AND marketplace = 'US'`,
    );
    assert.deepEqual(after, kept);
    assert.equal(kept.length, 2);
    assert.ok(
      kept.every((row) => (row.captured_at as string).includes(':07:')),
      'the later copy (captured 5 min later) is kept',
    );
  });

  it('is idempotent: a second run compacts nothing and changes no file', async () => {
    const store = await backend().newStore();
    await seed(store);
    await compactHistory(store, { nowMs: NOW_MS });
    const files = [...(await filesOf(store)), ...(await filesOf(store, changes))];
    const again = await compactHistory(store, { nowMs: NOW_MS });
    assert.deepEqual(again.compacted, []);
    assert.equal(again.daysListed, 4);
    assert.deepEqual(
      [...(await filesOf(store)), ...(await filesOf(store, changes as HistoryTable<never>))],
      files,
    );
  });

  it('reads a batch redelivered after compaction once, and folds it in on the next run', async () => {
    const store = await backend().newStore();
    await seed(store);
    await compactHistory(store, { nowMs: NOW_MS });
    const before = await read(store, SNAPSHOT_ROWS);
    await writeHistory(snapshots, batchAt(DAYS.yesterday + 2 * HOUR_MS, 'US'), store);
    assert.equal(inPartition(await filesOf(store), partitionOf(DAYS.yesterday, 'US')).length, 2);
    assert.deepEqual(await read(store, SNAPSHOT_ROWS), before);

    const next = await compactHistory(store, { nowMs: NOW_MS });
    assert.deepEqual(
      next.compacted.map((done) => [done.partition, done.files.length, done.rowsRead, done.rowsWritten]),
      [[partitionOf(DAYS.yesterday, 'US'), 2, 10, 8]],
    );
    assert.equal(inPartition(await filesOf(store), partitionOf(DAYS.yesterday, 'US')).length, 1);
    assert.deepEqual(await read(store, SNAPSHOT_ROWS), before);
  });

  it('deletes the originals only once the compacted file exists, and keeps a file that landed meanwhile', async () => {
    const store = await backend().newStore();
    await seed(store);
    const partition = partitionOf(DAYS.yesterday, 'UK');
    const late = batchAt(DAYS.yesterday + 20 * HOUR_MS, 'UK');
    let seenAtPublish: string[] = [];
    let lateFile = '';
    const outcome = await compactHistory(store, {
      nowMs: NOW_MS,
      tables: [SNAPSHOT_HISTORY],
      onPublished: async (plan, compactedFile) => {
        if (plan.partition !== partition) return;
        seenAtPublish = inPartition(await filesOf(store), partition);
        assert.ok(seenAtPublish.includes(compactedFile), 'the compacted file is visible before any delete');
        for (const original of plan.files)
          assert.ok(seenAtPublish.includes(original), `${original} still there`);
        // A late batch lands between the listing and the delete.
        lateFile = (await writeHistory(snapshots, late, store)).files[0] ?? '';
      },
    });
    const done = outcome.compacted.find((entry) => entry.partition === partition);
    assert.ok(done);
    const files = inPartition(await filesOf(store), partition);
    assert.deepEqual(files.sort(), [done.compactedFile, lateFile].sort());
    const rows = await read(
      store,
      `SELECT count(*) AS n FROM snapshots WHERE dt = '${dayOf(DAYS.yesterday)}' AND marketplace = 'UK'`,
    );
    assert.equal(Number(rows[0]?.n), 3 + late.length);
    const next = await compactHistory(store, {
      nowMs: NOW_MS,
      tables: [SNAPSHOT_HISTORY],
    });
    assert.deepEqual(
      next.compacted.map((entry) => [entry.partition, entry.files.length]),
      [[partition, 2]],
    );
  });

  it('deletes nothing when the compacted file cannot be published, and names the partitions', async () => {
    const store = await backend().newStore();
    await seed(store);
    const files = await filesOf(store);
    const failing: HistoryFileStore = Object.assign(Object.create(store) as HistoryFileStore, {
      publish: () => Promise.reject(new Error('disk full')),
    });
    await assert.rejects(
      compactHistory(failing, { nowMs: NOW_MS, tables: [SNAPSHOT_HISTORY] }),
      (error: unknown) =>
        error instanceof HistoryCompactionError &&
        error.partitions.length === 4 &&
        error.partitions.includes(partitionOf(DAYS.older, 'US')) &&
        /disk full/.test(error.message),
    );
    assert.deepEqual(await filesOf(store), files);
  });
}

describe('history compaction on a folder', () => {
  let root: string;
  let count = 0;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-compaction-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });
  describeCompaction(() => ({
    name: 'folder',
    newStore: () => Promise.resolve(new FolderHistoryDestination(path.join(root, `history-${++count}`))),
    folderOf: (store) => Promise.resolve(store.location),
  }));
});

describe('history compaction on S3 (fauxqs)', () => {
  let fauxqs: Fauxqs;
  let clients: AwsClients;
  let root: string;
  let count = 0;
  before(async () => {
    fauxqs = await startFauxqsServer();
    clients = createAwsClients({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { s3: fauxqs.endpoint },
    });
    root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-compaction-s3-'));
  });
  after(async () => {
    clients.destroy();
    await fauxqs.stop();
    await rm(root, { recursive: true, force: true });
  });
  describeCompaction(() => ({
    name: 's3',
    newStore: async () => {
      const bucket = `history-${++count}`;
      await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      return new S3HistoryDestination(clients.s3, bucket);
    },
    // A fresh download each time: the reader sees exactly the bucket's objects now.
    folderOf: async (store) => {
      const folder = await mkdtemp(path.join(root, 'read-'));
      await downloadBucket(clients.s3, store.location.replace('s3://', ''), folder);
      return folder;
    },
  }));
});
