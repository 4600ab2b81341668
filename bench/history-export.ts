/**
 * npm run bench:history [-- N]   (default N below; issue 16's size: npm run bench:history -- 1000000)
 *
 * The Parquet history on this machine against what a user would do by hand, N snapshots of one
 * definition, hourly, N / 8,760 items so that each item has a year of prices:
 *
 *   write     writeHistory in batches of 10,000 (the size of one stream batch): rows/s
 *   baseline  the same snapshots saved in the items table on DynamoDB Local, then a plain
 *             paginated Scan to JSON lines (bench/history-scan-baseline.ts) as a child process:
 *             rows/s and peak RSS
 *   export    `shelfwatch export --format jsonl` and `--format parquet` of the whole window, as a
 *             child process: rows/s and peak RSS, and the ratios to the baseline (issue 16's
 *             target: ≥ 5× the rows/s at ≤ 0.5× the memory), met or not
 *   query     one item's year of prices (target < 1 s), in this process and through the CLI
 *
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
import { ItemStore, type ItemSnapshot, snapshotOf } from '../shared/results/index.ts';
import { startLocalInfrastructure } from '../local/infrastructure.ts';

/** 200,000 keeps one run near 10 minutes on this machine; DynamoDB Local's writes take most of it. */
const DEFAULT_ROWS = 200_000;

const ROWS = Number(process.argv[2] ?? DEFAULT_ROWS);
const HOURS_PER_YEAR = 8_760;
const ITEMS = Math.max(1, Math.floor(ROWS / HOURS_PER_YEAR));
/** Snapshots kept this long in the items table, so DynamoDB Local's TTL sweep leaves the oldest (a year old) alone. */
const RETENTION_DAYS = 400;
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
    return snapshotOf(source, item, slotMs + 120_000, RETENTION_DAYS);
  });
}

interface Timed {
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly stdout: string;
}

const timedCli = (args: string[]): Promise<Timed> => timedScript(CLI, args);

async function timedScript(script: string, args: string[]): Promise<Timed> {
  const started = performance.now();
  const { stdout, stderr } = await run(
    '/usr/bin/time',
    ['-f', 'peak-rss-kib %M', process.execPath, script, ...args],
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
  // The baseline: the same snapshots in the items table, scanned to JSON lines by hand.
  const local = await startLocalInfrastructure({ stage: 'bench' });
  let baseline: Timed;
  try {
    const items = new ItemStore({
      documents: local.clients.documents,
      tableName: local.resources.tables.items,
    });
    const saveStarted = performance.now();
    for (let start = 0; start < ROWS; start += BATCH) await items.save(batchAt(start));
    console.log(
      `dynamodb ${ROWS} rows saved in the items table (DynamoDB Local): ${Math.round(ROWS / ((performance.now() - saveStarted) / 1000))} rows/s`,
    );
    baseline = await timedScript(path.resolve(import.meta.dirname, 'history-scan-baseline.ts'), [
      local.endpoints.dynamodb,
      local.resources.tables.items,
      path.join(root, 'scan.jsonl'),
    ]);
  } finally {
    await local.stop();
  }
  const baselineRowsPerSecond = ROWS / baseline.seconds;
  console.log(
    `baseline Scan → jsonl  ${Math.round(baselineRowsPerSecond)} rows/s, peak RSS ${baseline.peakRssMiB.toFixed(0)} MiB (${baseline.stdout.trim()})`,
  );

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
    const rowsPerSecond = ROWS / exported.seconds;
    console.log(
      `export  ${format.padEnd(7)} ${Math.round(rowsPerSecond)} rows/s, peak RSS ${exported.peakRssMiB.toFixed(0)} MiB (${exported.stdout.trim()})`,
    );
    const speed = rowsPerSecond / baselineRowsPerSecond;
    const memory = exported.peakRssMiB / baseline.peakRssMiB;
    console.log(
      `ratio   export ${format} / Scan: ${speed.toFixed(2)}× rows/s (target ≥ 5×: ${speed >= 5 ? 'met' : 'not met'}), ` +
        `${memory.toFixed(2)}× peak RSS (target ≤ 0.5×: ${memory <= 0.5 ? 'met' : 'not met'})`,
    );
  }

  console.log(
    `query   one item of ${ITEMS}, ${Math.ceil(ROWS / ITEMS)} hourly slots (${(ROWS / ITEMS / HOURS_PER_YEAR).toFixed(2)} years)`,
  );
  const query = await timedCli([
    'query',
    '--history',
    history,
    `SELECT captured_at, price FROM snapshots WHERE item_key = 'amazon#US#B000000000' ORDER BY captured_at`,
    '--max-rows',
    '100000',
  ]);
  console.log(
    `query   one item's ${query.stdout.trim().split('\n').length - 1} prices: ${query.seconds.toFixed(2)} s (process start included), peak RSS ${query.peakRssMiB.toFixed(0)} MiB`,
  );
  const inProcessStarted = performance.now();
  const prices = await queryHistory(
    history,
    `SELECT captured_at, price FROM snapshots WHERE item_key = 'amazon#US#B000000000' ORDER BY captured_at`,
    100_000,
  );
  const inProcessSeconds = (performance.now() - inProcessStarted) / 1000;
  console.log(
    `query   the same in this process (DuckDB opened, views, query): ${prices.rows.length} rows in ${inProcessSeconds.toFixed(2)} s ` +
      `(target < 1 s: ${inProcessSeconds < 1 ? 'met' : 'not met'})`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
