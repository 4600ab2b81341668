/**
 * Snapshots saved in DynamoDB Local become Parquet files in the history layout, and DuckDB reads
 * them back: rows, types, partitions, metadata. Writes are at-least-once; reads de-duplicate by
 * (item_key, snapshot_id).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DUCKDB_TYPES,
  FolderHistoryDestination,
  openHistoryReader,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../../shared/history/index.ts';
import {
  type Item,
  type ItemSnapshot,
  ItemStore,
  snapshotOf,
  type SnapshotSource,
} from '../../shared/results/index.ts';
import { isoMinute, MINUTE_MS, thisHour } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

const SLOT_MS = thisHour();
const SLOT = isoMinute(SLOT_MS);
const source = (definitionId: string, platform = 'amazon', marketplace = 'US'): SnapshotSource => ({
  runId: `${definitionId}@${SLOT}`,
  definitionId,
  slot: SLOT,
  platform,
  marketplace,
  crawlType: 'search_result',
  pageNumber: 1,
  capturedBy: 'scraper',
});
const item = (n: number, price = 10 + n): Item => ({
  id: `B0HIST${String(n).padStart(4, '0')}`,
  title: `Kettle ${n}`,
  price,
  currency: 'USD',
  ...(n % 2 === 0 ? { rating: 4.5, reviewCount: 100 + n } : {}),
  position: n + 1,
});

async function allSaved(store: ItemStore, runId: string): Promise<ItemSnapshot[]> {
  const saved: ItemSnapshot[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listByRun(runId, { cursor });
    saved.push(...page.snapshots);
    cursor = page.cursor;
  } while (cursor);
  return saved;
}

describe('snapshot history in Parquet, read with DuckDB', () => {
  const local = useLocalInfrastructure();
  let store: ItemStore;
  let root: string;
  before(async () => {
    store = new ItemStore({
      documents: local().clients.documents,
      tableName: local().resources.tables.items,
    });
    root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-history-test-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes saved snapshots as Parquet in dt / platform / marketplace folders with the declared schema', async () => {
    const folder = path.join(root, 'layout');
    const us = Array.from({ length: 30 }, (_, n) =>
      snapshotOf(source('kettles-us'), item(n), SLOT_MS + 5 * MINUTE_MS, 90),
    );
    const cn = Array.from({ length: 5 }, (_, n) =>
      snapshotOf(source('kettles-cn', '1688', 'CN'), item(n), SLOT_MS + 6 * MINUTE_MS, 90),
    );
    await store.save([...us, ...cn]);
    const saved = [...(await allSaved(store, us[0]!.runId)), ...(await allSaved(store, cn[0]!.runId))];
    assert.equal(saved.length, 35);

    const written = await writeHistory(SNAPSHOT_HISTORY, saved, new FolderHistoryDestination(folder));
    assert.equal(written.rows, 35);
    const day = SLOT.slice(0, 10);
    assert.deepEqual(written.files.map((file) => path.posix.dirname(file)).sort(), [
      `snapshots/v1/dt=${day}/platform=1688/marketplace=CN`,
      `snapshots/v1/dt=${day}/platform=amazon/marketplace=US`,
    ]);
    for (const file of written.files)
      assert.match(path.posix.basename(file), /^part-[0-9a-f-]{36}\.parquet$/);

    const reader = await openHistoryReader(folder);
    try {
      const types = await reader.rows('DESCRIBE snapshots');
      const described = new Map(types.map((row) => [row.column_name as string, row.column_type as string]));
      const expected = new Map([
        ...SNAPSHOT_HISTORY.columns.map((column) => [column.name, DUCKDB_TYPES[column.type]] as const),
        ...SNAPSHOT_HISTORY.partitionKeys.map((key) => [key.name, 'VARCHAR'] as const),
      ]);
      assert.deepEqual(described, expected);

      const rows = await reader.rows(
        `SELECT item_id, price, rating, review_count, captured_at::VARCHAR AS captured_at, platform, marketplace, dt
         FROM snapshots WHERE platform = '1688' ORDER BY item_id`,
      );
      const cnRows = rows;
      assert.equal(cnRows.length, 5);
      assert.deepEqual(cnRows[0], {
        item_id: 'B0HIST0000',
        price: 10,
        rating: 4.5,
        review_count: 100,
        captured_at: new Date(SLOT_MS + 6 * MINUTE_MS).toISOString().replace('T', ' ').slice(0, 19),
        platform: '1688',
        marketplace: 'CN',
        dt: day,
      });
      assert.equal(cnRows[1]?.rating, null);

      const count = await reader.rows(`SELECT count(*)::INTEGER AS n FROM snapshots`);
      assert.deepEqual(count, [{ n: 35 }]);

      // Partition keys live in the path only; the file carries the schema version.
      const file = path.join(folder, written.files[0]!);
      const schema = await reader.rows(`SELECT name FROM parquet_schema('${file}')`);
      const fileColumns = schema.map((row) => row.name as string).slice(1);
      assert.deepEqual(
        fileColumns,
        SNAPSHOT_HISTORY.columns.map((column) => column.name),
      );
      const metadata = await reader.rows(
        `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${file}') ORDER BY key`,
      );
      assert.deepEqual(metadata, [
        { key: 'shelfwatch_schema_version', value: '1' },
        { key: 'shelfwatch_table', value: 'snapshots' },
      ]);
    } finally {
      reader.close();
    }
  });

  it('a redelivered page does not double rows on read: the latest copy of each snapshot wins', async () => {
    const folder = path.join(root, 'redelivered');
    const destination = new FolderHistoryDestination(folder);
    const first = Array.from({ length: 20 }, (_, n) =>
      snapshotOf(source('mugs'), item(n), SLOT_MS + 5 * MINUTE_MS, 90),
    );
    await store.save(first);
    await writeHistory(SNAPSHOT_HISTORY, await allSaved(store, first[0]!.runId), destination);
    // The same page again, read later with new prices (a redelivered message, a resumed run).
    const again = Array.from({ length: 20 }, (_, n) =>
      snapshotOf(source('mugs'), item(n, 99), SLOT_MS + 25 * MINUTE_MS, 90),
    );
    await store.save(again);
    await writeHistory(SNAPSHOT_HISTORY, await allSaved(store, again[0]!.runId), destination);
    await writeHistory(SNAPSHOT_HISTORY, first, destination); // a late, older copy

    const reader = await openHistoryReader(folder);
    try {
      const counts = await reader.rows(
        `SELECT (SELECT count(*) FROM snapshots_raw)::INTEGER AS raw,
                (SELECT count(*) FROM snapshots)::INTEGER AS deduped,
                (SELECT count(*) FROM snapshots WHERE price = 99)::INTEGER AS latest`,
      );
      assert.deepEqual(counts, [{ raw: 60, deduped: 20, latest: 20 }]);
    } finally {
      reader.close();
    }
  });

  it('reads an empty history as empty views, and leaves no staging files behind', async () => {
    const folder = path.join(root, 'empty');
    const nothing = await writeHistory(SNAPSHOT_HISTORY, [], new FolderHistoryDestination(folder));
    assert.deepEqual(nothing, { rows: 0, files: [] });
    const reader = await openHistoryReader(folder);
    try {
      const count = await reader.rows(`SELECT count(*)::INTEGER AS n FROM snapshots`);
      assert.deepEqual(count, [{ n: 0 }]);
    } finally {
      reader.close();
    }
    const stagingRoot = await mkdtemp(path.join(root, 'staging-'));
    const layout = path.join(root, 'layout-2');
    const written = await writeHistory(
      SNAPSHOT_HISTORY,
      [snapshotOf(source('pans'), item(1), SLOT_MS, 90)],
      new FolderHistoryDestination(layout),
      { stagingRoot },
    );
    assert.equal(written.files.length, 1);
    assert.deepEqual(await readdir(stagingRoot), []);
    const entries = await readdir(layout, { recursive: true });
    assert.deepEqual(
      entries.filter((entry) => entry.endsWith('.parquet')),
      [written.files[0]!.split('/').join(path.sep)],
    );
    assert.ok(
      entries.every((entry) => !entry.endsWith('.tmp')),
      entries.join(', '),
    );
  });
});
