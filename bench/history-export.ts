/**
 * npm run bench:history [-- 1000000]
 *
 * The Parquet history on this machine, N snapshots (default 1,000,000: 1,000 items of one
 * definition, hourly for 1,000 slots, ~42 days):
 *
 *   write   writeHistory in batches of 10,000 (the size of one stream batch): rows/s
 *   export  `shelfwatch export --format jsonl` and `--format parquet` of the whole window, as a
 *           child process: rows/s and its peak RSS (memory should not grow with N)
 *   query   one item's prices over the whole history through `shelfwatch query`: wall time
 *
 * The Scan-to-JSON-lines baseline of issue 16's benchmark (DynamoDB Local) is not here yet.
 * Figures depend on the machine and its load: compare them within one run.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  FolderHistoryDestination,
  queryHistory,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../shared/history/index.ts';
import { type ItemSnapshot, snapshotOf } from '../shared/results/index.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const ITEMS = 1_000;
const HOUR_MS = 3_600_000;
const BATCH = 10_000;
const CLI = path.resolve(import.meta.dirname, '../cli/shelfwatch.ts');
const run = promisify(execFile);

const firstSlotMs = Date.now() - (Date.now() % HOUR_MS) - Math.ceil(ROWS / ITEMS) * HOUR_MS;

function batchAt(start: number): ItemSnapshot[] {
  return Array.from({ length: Math.min(BATCH, ROWS - start) }, (_, offset) => {
    const n = start + offset;
    const slotMs = firstSlotMs + Math.floor(n / ITEMS) * HOUR_MS;
    const slot = `${new Date(slotMs).toISOString().slice(0, 16)}Z`;
    const source = {
      runId: `kettles@${slot}`,
      definitionId: 'kettles',
      slot,
      platform: 'amazon',
      marketplace: 'US',
      crawlType: 'search_result',
      pageNumber: 1 + Math.floor((n % ITEMS) / 50),
      capturedBy: 'bench',
    };
    const item = {
      id: `B0${String(n % ITEMS).padStart(8, '0')}`,
      title: `Electric kettle model ${n % ITEMS}`,
      price: 20 + ((n * 7919) % 1000) / 100,
      currency: 'USD',
      rating: 4.2,
      reviewCount: 1_000 + (n % ITEMS),
      position: 1 + (n % 50),
    };
    return snapshotOf(source, item, slotMs + 120_000, 90);
  });
}

async function timedCli(args: string[]): Promise<{ seconds: number; peakRssMiB: number; stdout: string }> {
  const started = performance.now();
  const { stdout, stderr } = await run(
    '/usr/bin/time',
    ['-f', 'peak-rss-kib %M', process.execPath, CLI, ...args],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const peak = Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  return { seconds, peakRssMiB: peak / 1024, stdout };
}

const root = await mkdtemp(path.join(tmpdir(), 'shelfwatch-bench-history-'));
try {
  const history = path.join(root, 'history');
  const destination = new FolderHistoryDestination(history);
  let files = 0;
  const writeStarted = performance.now();
  for (let start = 0; start < ROWS; start += BATCH) {
    files += (await writeHistory(SNAPSHOT_HISTORY, batchAt(start), destination)).files.length;
  }
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  console.log(`write   ${ROWS} rows in ${files} files: ${Math.round(ROWS / writeSeconds)} rows/s`);

  const window = [
    '--since',
    new Date(firstSlotMs).toISOString().slice(0, 10),
    '--until',
    new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
  ];
  for (const format of ['jsonl', 'parquet']) {
    const out = path.join(root, `export.${format}`);
    const exported = await timedCli([
      'export',
      '--history',
      history,
      ...window,
      '--format',
      format,
      '--out',
      out,
    ]);
    console.log(
      `export  ${format.padEnd(7)} ${Math.round(ROWS / exported.seconds)} rows/s, peak RSS ${exported.peakRssMiB.toFixed(0)} MiB (${exported.stdout.trim()})`,
    );
  }

  const query = await timedCli([
    'query',
    '--history',
    history,
    `SELECT captured_at, price FROM snapshots WHERE item_key = 'amazon#US#B000000042' ORDER BY captured_at`,
    '--max-rows',
    '100000',
  ]);
  console.log(
    `query   one item's ${query.stdout.trim().split('\n').length - 1} prices: ${query.seconds.toFixed(2)} s (process start included), peak RSS ${query.peakRssMiB.toFixed(0)} MiB`,
  );
  const inProcessStarted = performance.now();
  const prices = await queryHistory(
    history,
    `SELECT captured_at, price FROM snapshots WHERE item_key = 'amazon#US#B000000042' ORDER BY captured_at`,
    100_000,
  );
  console.log(
    `query   the same in this process (DuckDB opened, views, query): ${prices.rows.length} rows in ${((performance.now() - inProcessStarted) / 1000).toFixed(2)} s`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
