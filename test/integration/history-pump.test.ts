/**
 * `npm start`'s history: snapshots saved in DynamoDB Local reach Parquet files through the items
 * table's stream, read by the pump as the deployed history function would be fed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HistoryPump } from '../../local/history-pump.ts';
import { FolderHistoryDestination, openHistoryReader } from '../../shared/history/index.ts';
import { type Item, ItemStore, snapshotOf, type SnapshotSource } from '../../shared/results/index.ts';
import { isoMinute, MINUTE_MS, thisHour } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

const SLOT_MS = thisHour();
const SOURCE: SnapshotSource = {
  runId: `pans@${isoMinute(SLOT_MS)}`,
  definitionId: 'pans',
  slot: isoMinute(SLOT_MS),
  platform: 'amazon',
  marketplace: 'DE',
  crawlType: 'category',
  pageNumber: 1,
  capturedBy: 'scraper',
};
const item = (n: number, price: number): Item => ({
  id: `B0PAN${String(n).padStart(5, '0')}`,
  price,
  position: n + 1,
});

describe('history pump: items stream on DynamoDB Local → Parquet', () => {
  const local = useLocalInfrastructure();
  let root: string;
  let pump: HistoryPump;
  let store: ItemStore;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-history-pump-'));
    store = new ItemStore({
      documents: local().clients.documents,
      tableName: local().resources.tables.items,
    });
    pump = new HistoryPump({
      dynamodb: local().clients.dynamodb,
      endpoint: local().endpoints.dynamodb,
      tableName: local().resources.tables.items,
      destination: new FolderHistoryDestination(root),
      batchSize: 40,
    });
  });
  after(async () => {
    await pump.stop();
    await rm(root, { recursive: true, force: true });
  });

  const count = async (view: string, where = 'true') => {
    const reader = await openHistoryReader(root);
    try {
      const [row] = await reader.rows(`SELECT count(*)::INTEGER AS n FROM ${view} WHERE ${where}`);
      return row?.n;
    } finally {
      reader.close();
    }
  };

  it('writes every saved snapshot once per stream record, in batches, and nothing twice on the next pass', async () => {
    await store.save(
      Array.from({ length: 100 }, (_, n) => snapshotOf(SOURCE, item(n, 20), SLOT_MS + 5 * MINUTE_MS, 90)),
    );
    const first = await pump.drain();
    assert.deepEqual({ records: first.records, rows: first.rows }, { records: 100, rows: 100 });
    assert.ok(first.files >= 3, `batches of 40 make at least 3 files (got ${first.files})`);
    assert.equal(await count('snapshots'), 100);

    const idle = await pump.drain();
    assert.deepEqual(idle, { records: 0, rows: 0, files: 0 });
    assert.equal(await count('snapshots_raw'), 100);
  });

  it('a page saved again (a redelivered message) adds copies that the view does not double', async () => {
    await store.save(
      Array.from({ length: 100 }, (_, n) => snapshotOf(SOURCE, item(n, 25), SLOT_MS + 9 * MINUTE_MS, 90)),
    );
    const again = await pump.drain();
    assert.equal(again.rows, 100);
    assert.equal(await count('snapshots_raw'), 200);
    assert.equal(await count('snapshots'), 100);
    assert.equal(await count('snapshots', 'price = 25'), 100);
  });

  it('a pump started again with the same position file writes only what came after the last one stopped', async () => {
    const positionFile = path.join(root, 'streams', 'history-snapshots.json');
    const newPump = () =>
      new HistoryPump({
        dynamodb: local().clients.dynamodb,
        endpoint: local().endpoints.dynamodb,
        tableName: local().resources.tables.items,
        destination: new FolderHistoryDestination(root),
        batchSize: 40,
        positionFile,
      });
    const rawBefore = Number(await count('snapshots_raw'));
    const first = newPump();
    const read = await first.drain(); // no file yet: the stream from its oldest record
    await first.stop();
    assert.equal(read.records, 200, 'every record of this file read once');
    assert.equal(await count('snapshots_raw'), rawBefore + 200);

    await store.save(
      Array.from({ length: 30 }, (_, n) => snapshotOf(SOURCE, item(n, 27), SLOT_MS + 13 * MINUTE_MS, 90)),
    );
    const second = newPump();
    try {
      const resumed = await second.drain();
      assert.deepEqual({ records: resumed.records, rows: resumed.rows }, { records: 30, rows: 30 });
    } finally {
      await second.stop();
    }
    assert.equal(await count('snapshots_raw'), rawBefore + 230, 'nothing written twice');
    assert.equal(await count('snapshots', 'price = 27'), 30);
  });
});
