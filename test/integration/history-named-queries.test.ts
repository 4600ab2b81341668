/**
 * The Athena named queries run in DuckDB over the local history, with the same text and the same
 * `?` parameters: three days of a listing (two runs a day, one page re-read with a later price),
 * each query's answer compared with what the snapshots say, computed here from the fixture.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  FolderHistoryDestination,
  type HistoryReader,
  NAMED_HISTORY_QUERIES,
  openHistoryReader,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../../shared/history/index.ts';
import { type Item, type ItemSnapshot, snapshotOf, type SnapshotSource } from '../../shared/results/index.ts';
import { DAY_MS, HOUR_MS, isoMinute, MINUTE_MS, startOfUtcDay } from '../helpers/clock.ts';

const DAY0_MS = startOfUtcDay(Date.now()) - 2 * DAY_MS;
const dayOf = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
const DAYS = [0, 1, 2].map((n) => dayOf(DAY0_MS + n * DAY_MS));

const source = (definitionId: string, slotMs: number): SnapshotSource => ({
  runId: `${definitionId}@${isoMinute(slotMs)}`,
  definitionId,
  slot: isoMinute(slotMs),
  platform: 'amazon',
  marketplace: 'UK',
  crawlType: 'bestsellers',
  pageNumber: 1,
  capturedBy: 'scraper',
});

/** Item n in a run: price and rank move with the run; odd items have no rating, item 3 no title. */
const item = (n: number, run: number): Item => ({
  id: `B0NQ${String(n).padStart(6, '0')}`,
  ...(n === 3 ? {} : { title: `Kettle ${n}` }),
  price: 20 + n + run,
  currency: 'GBP',
  ...(n % 2 === 0 ? { rating: 4.2 } : {}),
  rank: ((n + run) % 5) + 1,
  position: ((n + run) % 5) + 1,
  availability: 'in_stock',
});

/** The rows the de-duplicated view should hold, and every copy written. */
function fixture(): { kept: ItemSnapshot[]; written: ItemSnapshot[] } {
  const kept: ItemSnapshot[] = [];
  const written: ItemSnapshot[] = [];
  let run = 0;
  for (let day = 0; day < 3; day += 1) {
    for (const hour of [6, 18]) {
      const slotMs = DAY0_MS + day * DAY_MS + hour * HOUR_MS;
      for (const definitionId of ['kettles-uk', 'toasters-uk']) {
        const offset = definitionId === 'kettles-uk' ? 0 : 100;
        for (let n = 0; n < 5; n += 1) {
          const first = snapshotOf(
            source(definitionId, slotMs),
            item(n + offset, run),
            slotMs + MINUTE_MS,
            90,
          );
          written.push(first);
          if (n === 1) {
            // The page read again later, at another price: the view keeps this copy.
            const again = snapshotOf(
              source(definitionId, slotMs),
              { ...item(n + offset, run), price: 99 },
              slotMs + 20 * MINUTE_MS,
              90,
            );
            written.push(again);
            kept.push(again);
          } else kept.push(first);
        }
      }
      run += 1;
    }
  }
  return { kept, written };
}

describe('named history queries, run in DuckDB with their Athena text', () => {
  const { kept, written } = fixture();
  let root: string;
  let reader: HistoryReader;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-named-queries-'));
    await writeHistory(SNAPSHOT_HISTORY, written, new FolderHistoryDestination(root));
    reader = await openHistoryReader(root);
  });
  after(async () => {
    reader.close();
    await rm(root, { recursive: true, force: true });
  });

  const run = async (sql: string, values: string[]) =>
    (await reader.connection.runAndReadAll(sql, values)).getRowObjectsJson();
  // The window of the last two days: the first day's rows must not be counted.
  const from = DAYS[1] as string;
  const until = dayOf(DAY0_MS + 3 * DAY_MS);
  const inWindow = kept.filter((s) => s.slot.slice(0, 10) >= from && s.slot.slice(0, 10) < until);

  it('have a ? for each declared parameter', () => {
    for (const query of Object.values(NAMED_HISTORY_QUERIES)) {
      assert.equal(query.sql.split('?').length - 1, query.parameters.length, query.name);
    }
  });

  it('price history of an item: its de-duplicated snapshots of the window, in capture order', async () => {
    const target = kept.find((s) => s.item.id === 'B0NQ000001') as ItemSnapshot;
    const rows = await run(NAMED_HISTORY_QUERIES.priceHistory.sql, [target.itemKey, from, until]);
    const expected = inWindow
      .filter((s) => s.itemKey === target.itemKey)
      .sort((a, b) => a.capturedAt.localeCompare(b.capturedAt));
    assert.equal(rows.length, 4);
    assert.deepEqual(
      rows.map((row) => [row.slot, row.price, row.run_id]),
      expected.map((s) => [s.slot, s.item.price, s.runId]),
    );
  });

  it('daily min/max per item: one row per item and day of the window', async () => {
    const rows = await run(NAMED_HISTORY_QUERIES.dailyPriceRange.sql, [from, until]);
    const groups = new Map<string, number[]>();
    for (const s of inWindow) {
      const key = `${s.itemKey}|${s.slot.slice(0, 10)}`;
      groups.set(key, [...(groups.get(key) ?? []), s.item.price as number]);
    }
    const expected = [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, prices]) => {
        const [itemKey, dt] = key.split('|');
        return {
          item_key: itemKey,
          dt,
          min_price: Math.min(...prices),
          max_price: Math.max(...prices),
          priced_snapshots: String(prices.length),
        };
      });
    assert.equal(rows.length, 20, '10 items × 2 days');
    assert.deepEqual(rows, expected);
  });

  it('rank history on a listing: each run of the definition, items in page order', async () => {
    const rows = await run(NAMED_HISTORY_QUERIES.rankHistory.sql, ['kettles-uk', from, until]);
    const expected = inWindow
      .filter((s) => s.definitionId === 'kettles-uk')
      .sort((a, b) => a.slot.localeCompare(b.slot) || (a.item.position ?? 0) - (b.item.position ?? 0))
      .map((s) => [s.slot, s.itemKey, s.item.rank]);
    assert.equal(rows.length, 4 * 5);
    assert.deepEqual(
      rows.map((row) => [row.slot, row.item_key, row.rank]),
      expected,
    );
  });

  it('completeness per definition per day: the share of snapshots carrying each field', async () => {
    const rows = await run(NAMED_HISTORY_QUERIES.completeness.sql, [from, until]);
    const share = (list: ItemSnapshot[], has: (s: ItemSnapshot) => boolean) =>
      list.filter(has).length / list.length;
    const expected = ['kettles-uk', 'toasters-uk'].flatMap((definitionId) =>
      DAYS.slice(1).map((dt) => {
        const list = inWindow.filter((s) => s.definitionId === definitionId && s.slot.startsWith(dt));
        return {
          definition_id: definitionId,
          dt,
          snapshots: String(list.length),
          title_share: share(list, (s) => s.item.title !== undefined),
          price_share: share(list, (s) => s.item.price !== undefined),
          rating_share: share(list, (s) => s.item.rating !== undefined),
          availability_share: share(list, (s) => s.item.availability !== undefined),
        };
      }),
    );
    assert.deepEqual(rows, expected);
    assert.ok(
      rows.some((row) => row.title_share !== 1),
      'the kettles miss a title: a share below 1 is seen',
    );
  });
});
