/**
 * The history schema is declared once: the Glue columns, the partition keys and the rows the
 * Parquet writer gets are all read from SNAPSHOT_HISTORY.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  glueColumnsOf,
  gluePartitionKeysOf,
  HistoryPartitionValueError,
  partitionPathOf,
  partitionValuesOf,
  SNAPSHOT_HISTORY,
  tablePrefixOf,
} from '../../shared/history/index.ts';
import { type Item, snapshotOf, type SnapshotSource } from '../../shared/results/index.ts';

const SOURCE: SnapshotSource = {
  runId: 'watch-1@2026-11-23T23:00Z',
  definitionId: 'watch-1',
  slot: '2026-11-23T23:00Z',
  platform: 'amazon',
  marketplace: 'US',
  crawlType: 'bestsellers',
  pageNumber: 2,
  capturedBy: 'scraper',
};
const ITEM: Item = { id: 'B0TEST0001', title: 'Kettle', price: 19.99, currency: 'USD', rank: 7, position: 3 };
/** Read 70 minutes after its slot started: past midnight UTC, on the next day. */
const CAPTURED_MS = Date.parse('2026-11-24T00:10:00Z');
const SNAPSHOT = snapshotOf(SOURCE, ITEM, CAPTURED_MS, 90);

const valueOf = (name: string): unknown => {
  const column = SNAPSHOT_HISTORY.columns.find((candidate) => candidate.name === name);
  assert.ok(column, `no column ${name}`);
  return column.valueOf(SNAPSHOT);
};

describe('snapshot history schema', () => {
  it('gives Glue its data columns in file order, with Hive types, and the partition keys apart', () => {
    const columns = glueColumnsOf(SNAPSHOT_HISTORY);
    assert.deepEqual(
      columns.map((column) => column.name),
      SNAPSHOT_HISTORY.columns.map((column) => column.name),
    );
    assert.deepEqual(columns.find((column) => column.name === 'captured_at')?.type, 'timestamp');
    assert.deepEqual(columns.find((column) => column.name === 'price')?.type, 'double');
    assert.deepEqual(columns.find((column) => column.name === 'rank')?.type, 'int');
    assert.deepEqual(gluePartitionKeysOf(SNAPSHOT_HISTORY), [
      { name: 'dt', type: 'string', comment: SNAPSHOT_HISTORY.partitionKeys[0]?.comment },
      { name: 'platform', type: 'string', comment: SNAPSHOT_HISTORY.partitionKeys[1]?.comment },
      { name: 'marketplace', type: 'string', comment: SNAPSHOT_HISTORY.partitionKeys[2]?.comment },
    ]);
  });

  it('has unique lower-case snake_case names, no partition key among the data columns', () => {
    const names = [...SNAPSHOT_HISTORY.columns, ...SNAPSHOT_HISTORY.partitionKeys].map(
      (column) => column.name,
    );
    assert.equal(new Set(names).size, names.length);
    for (const name of names) assert.match(name, /^[a-z][a-z0-9_]*$/, name);
    for (const name of [...SNAPSHOT_HISTORY.identity, SNAPSHOT_HISTORY.latestBy]) {
      assert.ok(
        SNAPSHOT_HISTORY.columns.some((column) => column.name === name),
        `${name} is a data column`,
      );
    }
  });

  it('is versioned in its prefix and in every row', () => {
    assert.equal(tablePrefixOf(SNAPSHOT_HISTORY), `snapshots/v${SNAPSHOT_HISTORY.version}`);
    assert.equal(valueOf('schema_version'), SNAPSHOT_HISTORY.version);
  });

  it('reads a row from a snapshot: missing item fields are null, the capture time in epoch ms', () => {
    assert.equal(valueOf('item_key'), 'amazon#US#B0TEST0001');
    assert.equal(valueOf('snapshot_id'), '2026-11-23T23:00Z#watch-1@2026-11-23T23:00Z');
    assert.equal(valueOf('captured_at'), CAPTURED_MS);
    assert.equal(valueOf('price'), 19.99);
    assert.equal(valueOf('page_number'), 2);
    assert.equal(valueOf('position'), 3);
    assert.equal(valueOf('rating'), null);
    assert.equal(valueOf('seller'), null);
  });

  it("partitions by the slot's date, not the capture's, so every copy of a snapshot shares a partition", () => {
    const values = partitionValuesOf(SNAPSHOT_HISTORY, SNAPSHOT);
    assert.deepEqual(values, ['2026-11-23', 'amazon', 'US']);
    assert.equal(
      partitionPathOf(SNAPSHOT_HISTORY, values),
      'snapshots/v1/dt=2026-11-23/platform=amazon/marketplace=US',
    );
    const reread = snapshotOf(SOURCE, { ...ITEM, price: 18.5 }, CAPTURED_MS + 3_600_000, 90);
    assert.deepEqual(partitionValuesOf(SNAPSHOT_HISTORY, reread), values);
  });

  it('refuses a partition value that cannot be a folder name, naming the key', () => {
    for (const marketplace of ['', '..', 'U/S', 'US ', 'a=b']) {
      const snapshot = snapshotOf({ ...SOURCE, marketplace }, ITEM, CAPTURED_MS, 90);
      assert.throws(
        () => partitionValuesOf(SNAPSHOT_HISTORY, snapshot),
        (error: unknown) =>
          error instanceof HistoryPartitionValueError &&
          error.field === 'marketplace' &&
          error.kind === 'invalid' &&
          error.message.includes('partition key marketplace'),
      );
    }
  });

  it('is the schema docs/history.md lists, column by column, with the Glue types', () => {
    const doc = readFileSync(new URL('../../docs/history.md', import.meta.url), 'utf8');
    const start = doc.indexOf('<!-- history-schema:');
    assert.notEqual(start, -1, 'docs/history.md has no marked schema table');
    const lines = doc.slice(start).split('\n').slice(2);
    const rows = lines.slice(
      2,
      lines.findIndex((line) => !line.startsWith('|')),
    );
    const documented = rows.map((row) => {
      const [name = '', type = ''] = row
        .split('|')
        .slice(1, 3)
        .map((cell) => /`([^`]+)`/.exec(cell)?.[1] ?? '');
      return [name, type];
    });
    const declared = [...glueColumnsOf(SNAPSHOT_HISTORY), ...gluePartitionKeysOf(SNAPSHOT_HISTORY)].map(
      (column) => [column.name, column.type],
    );
    assert.deepEqual(documented, declared);
  });
});
