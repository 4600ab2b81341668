/**
 * `npm run bench:compaction [-- --days 30] [--items 2]`: the history as the real writers leave it
 * (one Parquet file per hourly batch per partition: days × 24 files of `items` snapshots), one
 * item's prices over those days queried in this process before and after compaction, side by side.
 * Each query runs three times in a fresh DuckDB (open, views, query): the best wall and CPU time
 * are printed, and their ratio. Figures: docs/benchmarks.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  compactHistory,
  FolderHistoryDestination,
  queryHistory,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../shared/history/index.ts';
import { snapshotOf } from '../shared/results/index.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const { values } = parseArgs({
  options: { days: { type: 'string', default: '30' }, items: { type: 'string', default: '2' } },
});
const DAYS = Number(values.days);
const ITEMS = Number(values.items);
if (!Number.isInteger(DAYS) || DAYS < 1 || !Number.isInteger(ITEMS) || ITEMS < 1) {
  console.error('bench:compaction: --days and --items take positive whole numbers');
  process.exit(2);
}

const todayMs = Date.now() - (Date.now() % DAY_MS);
const firstSlotMs = todayMs - DAYS * DAY_MS;
const table = SNAPSHOT_HISTORY;
const root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-bench-compaction-'));
const store = new FolderHistoryDestination(root);

interface Timing {
  readonly rows: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

async function bestOfThree(sql: string): Promise<Timing> {
  let best: Timing | undefined;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const { rows } = await queryHistory(root, sql, 100_000);
    const { user, system } = process.cpuUsage(cpu);
    const timing = {
      rows: rows.length,
      wallSeconds: (performance.now() - started) / 1000,
      cpuSeconds: (user + system) / 1e6,
    };
    if (!best || timing.cpuSeconds < best.cpuSeconds) best = timing;
  }
  return best as Timing;
}

try {
  const writeStarted = performance.now();
  let files = 0;
  for (let hour = 0; hour < DAYS * 24; hour += 1) {
    const slotMs = firstSlotMs + hour * HOUR_MS;
    const slot = `${new Date(slotMs).toISOString().slice(0, 16)}Z`;
    const batch = Array.from({ length: ITEMS }, (_, n) =>
      snapshotOf(
        {
          runId: `bench@${slot}`,
          definitionId: 'bench',
          slot,
          platform: 'amazon',
          marketplace: 'US',
          crawlType: 'product_details',
          pageNumber: 1,
          capturedBy: 'bench',
        },
        { id: `B${String(n).padStart(9, '0')}`, price: 20 + ((hour + n) % 10), position: 1 },
        slotMs + 60_000,
        90,
      ),
    );
    files += (await writeHistory(table, batch, store)).files.length;
  }
  console.log(
    `write   ${DAYS} days × 24 hourly batches of ${ITEMS} items: ${files} files in ${((performance.now() - writeStarted) / 1000).toFixed(1)} s`,
  );

  const sql =
    `SELECT captured_at, price FROM snapshots WHERE item_key = 'amazon#US#B000000000' ` +
    `AND dt >= '${new Date(firstSlotMs).toISOString().slice(0, 10)}' ORDER BY captured_at`;
  console.log(`query   ${sql}`);
  const before = await bestOfThree(sql);
  console.log(
    `before  ${files} files: ${before.rows} rows, ${before.wallSeconds.toFixed(2)} s wall, ${before.cpuSeconds.toFixed(2)} s CPU (best of 3)`,
  );

  const compactStarted = performance.now();
  const compactCpu = process.cpuUsage();
  // Every seeded day ended before today: all are due.
  const compaction = await compactHistory(store, { nowMs: todayMs + 3 * HOUR_MS });
  const { user, system } = process.cpuUsage(compactCpu);
  const after = await bestOfThree(sql);
  console.log(
    `compact ${compaction.compacted.length} partitions (${compaction.compacted.reduce((sum, done) => sum + done.files.length, 0)} files → ${compaction.compacted.length}) ` +
      `in ${((performance.now() - compactStarted) / 1000).toFixed(1)} s, ${((user + system) / 1e6).toFixed(1)} s CPU`,
  );
  console.log(
    `after   ${compaction.compacted.length} files: ${after.rows} rows, ${after.wallSeconds.toFixed(2)} s wall, ${after.cpuSeconds.toFixed(2)} s CPU (best of 3)`,
  );
  console.log(
    `ratio   before / after: ${(before.wallSeconds / after.wallSeconds).toFixed(1)}× wall, ${(before.cpuSeconds / after.cpuSeconds).toFixed(1)}× CPU` +
      (before.rows === after.rows ? ', same rows' : `, ROWS DIFFER (${before.rows} vs ${after.rows})`),
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
