/**
 * Changes reach the Parquet history as snapshots do: recorded in the changes table, read from its
 * stream by a pump (as the deployed history function's second mapping would be fed), written
 * under changes/v1, and read back with DuckDB one row per change however often it was delivered.
 * Also: a v1 snapshot file written before the richer item columns existed still reads, with nulls.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HistoryPump } from '../../local/history-pump.ts';
import { ChangeStore } from '../../shared/changes/index.ts';
import {
  CHANGE_HISTORY,
  FolderHistoryDestination,
  type HistoryReader,
  NAMED_HISTORY_QUERIES,
  openHistoryReader,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../../shared/history/index.ts';
import { type Item, snapshotOf, type SnapshotSource } from '../../shared/results/index.ts';
import { isoMinute, MINUTE_MS, thisHour } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

const HOUR_MS = 60 * MINUTE_MS;
const FIRST_MS = thisHour() - HOUR_MS;
const sourceAt = (slotMs: number): SnapshotSource => ({
  runId: `mugs@${isoMinute(slotMs)}`,
  definitionId: 'mugs',
  slot: isoMinute(slotMs),
  platform: 'amazon',
  marketplace: 'US',
  crawlType: 'product_details',
  pageNumber: 1,
  capturedBy: 'scraper',
});
const mug = (n: number, price: number): Item => ({
  id: `B0MUG${String(n).padStart(5, '0')}`,
  price,
  currency: 'USD',
  position: n + 1,
});

describe('changes history: changes stream on DynamoDB Local → Parquet', () => {
  const local = useLocalInfrastructure();
  let root: string;
  let changes: ChangeStore;
  const pumpOf = () =>
    new HistoryPump({
      dynamodb: local().clients.dynamodb,
      endpoint: local().endpoints.dynamodb,
      tableName: local().resources.tables.changes,
      destination: new FolderHistoryDestination(root),
      history: CHANGE_HISTORY,
    });
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-history-changes-'));
    changes = new ChangeStore({
      documents: local().clients.documents,
      statesTable: local().resources.tables.itemStates,
      changesTable: local().resources.tables.changes,
      retentionDays: 90,
    });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes each recorded change as a row under changes/v1, and a redelivered stream adds copies the view does not double', async () => {
    const first = [0, 1, 2].map((n) => snapshotOf(sourceAt(FIRST_MS), mug(n, 10), FIRST_MS + MINUTE_MS, 90));
    const firstOutcome = await changes.record(first, { nowMs: FIRST_MS + MINUTE_MS });
    const secondMs = FIRST_MS + HOUR_MS;
    const second = [0, 1, 2].map((n) =>
      snapshotOf(sourceAt(secondMs), mug(n, n === 0 ? 8 : 10), secondMs + MINUTE_MS, 90),
    );
    const secondOutcome = await changes.record(second, { nowMs: secondMs + MINUTE_MS });
    const recorded = [...firstOutcome.recorded, ...secondOutcome.recorded];
    assert.deepEqual(recorded.map((change) => change.kind).sort(), [
      'first_seen',
      'first_seen',
      'first_seen',
      'price_down',
    ]);

    const pump = pumpOf();
    const pass = await pump.drain();
    await pump.stop();
    assert.equal(pass.rows, recorded.length);

    // A restarted pump reads the retained stream again: every change is written a second time.
    const again = pumpOf();
    const redelivered = await again.drain();
    await again.stop();
    assert.equal(redelivered.rows, recorded.length);

    const reader = await openHistoryReader(root);
    try {
      const [raw] = await reader.rows('SELECT count(*)::INTEGER AS n FROM changes_raw');
      assert.equal(raw?.n, 2 * recorded.length);
      const rows = await reader.rows(
        `SELECT item_key, change_id, kind, from_number, to_number, percent, currency, dt, platform, marketplace
         FROM changes ORDER BY kind, item_key`,
      );
      assert.equal(rows.length, recorded.length);
      const drop = rows.find((row) => row.kind === 'price_down');
      const expected = secondOutcome.recorded.find((change) => change.kind === 'price_down');
      assert.deepEqual(drop, {
        item_key: 'amazon#US#B0MUG00000',
        change_id: expected?.changeId,
        kind: 'price_down',
        from_number: 10,
        to_number: 8,
        percent: -20,
        currency: 'USD',
        dt: isoMinute(secondMs).slice(0, 10),
        platform: 'amazon',
        marketplace: 'US',
      });
      // The named query (Athena's text, run by DuckDB): the 20% drop, once.
      const day = isoMinute(secondMs).slice(0, 10);
      const drops = (
        await reader.connection.runAndReadAll(NAMED_HISTORY_QUERIES.priceDrops.sql, [
          day,
          isoMinute(secondMs + 24 * HOUR_MS).slice(0, 10),
        ])
      ).getRowObjectsJson();
      assert.deepEqual(
        drops.map((row) => [row.item_key, row.percent]),
        [['amazon#US#B0MUG00000', -20]],
      );
    } finally {
      reader.close();
    }
  });

  it('reads a v1 snapshot file written before the richer item columns beside a new one: old rows read them as null', async () => {
    const folder = path.join(root, 'mixed');
    const destination = new FolderHistoryDestination(folder);
    const before = SNAPSHOT_HISTORY.columns.findIndex((column) => column.name === 'schema_version') + 1;
    const oldV1 = { ...SNAPSHOT_HISTORY, columns: SNAPSHOT_HISTORY.columns.slice(0, before) };
    await writeHistory(oldV1, [snapshotOf(sourceAt(FIRST_MS), mug(1, 10), FIRST_MS, 90)], destination);

    const reader = await openHistoryReader(folder);
    try {
      // Only old files: the new columns are in none of them, and still read (as null).
      const old = await reader.rows('SELECT item_id, brand, list_price, sponsored FROM snapshots');
      assert.deepEqual(old, [{ item_id: 'B0MUG00001', brand: null, list_price: null, sponsored: null }]);
      assert.equal(await unionsByName(reader), false, 'files of one schema are read without union_by_name');
    } finally {
      reader.close();
    }

    const rich: Item = {
      ...mug(2, 12),
      listPrice: 15,
      brand: 'Mugco',
      unitPrice: { amount: 3, currency: 'USD', unit: 'count' },
      sponsored: true,
      organicPosition: 4,
    };
    const snapshot = {
      ...snapshotOf({ ...sourceAt(FIRST_MS), resultCount: 3_000_000_000 }, rich, FIRST_MS, 90),
      listingRank: 27,
    };
    await writeHistory(SNAPSHOT_HISTORY, [snapshot], destination);
    const mixed = await openHistoryReader(folder);
    try {
      assert.equal(await unionsByName(mixed), true, 'files that differ in columns are unioned by name');
      const rows = await mixed.rows(
        `SELECT item_id, list_price, brand, unit_price_amount, unit_price_currency, unit_price_unit, sponsored,
                organic_position, result_count::VARCHAR AS result_count, listing_rank
         FROM snapshots ORDER BY item_id`,
      );
      assert.deepEqual(rows, [
        {
          item_id: 'B0MUG00001',
          list_price: null,
          brand: null,
          unit_price_amount: null,
          unit_price_currency: null,
          unit_price_unit: null,
          sponsored: null,
          organic_position: null,
          result_count: null,
          listing_rank: null,
        },
        {
          item_id: 'B0MUG00002',
          list_price: 15,
          brand: 'Mugco',
          unit_price_amount: 3,
          unit_price_currency: 'USD',
          unit_price_unit: 'count',
          sponsored: true,
          organic_position: 4,
          result_count: '3000000000',
          listing_rank: 27,
        },
      ]);
    } finally {
      mixed.close();
    }
  });
});

/** Whether the reader's raw snapshots view unions its files by column name. */
async function unionsByName(reader: HistoryReader): Promise<boolean> {
  const [view] = await reader.rows(`SELECT sql FROM duckdb_views() WHERE view_name = 'snapshots_raw'`);
  const sql = view?.sql;
  assert.ok(typeof sql === 'string', 'the reader has a view snapshots_raw');
  return sql.includes('union_by_name');
}
