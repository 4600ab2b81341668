/**
 * npm run bench:history [-- --rows N] [--data-dir FOLDER] [--seed-concurrency K] [--scan-seconds S]
 *
 * The Parquet history on this machine against what a user would do by hand, N snapshots of one
 * definition, hourly, N / 8,760 items so that each item has a year of prices:
 *
 *   write     writeHistory in batches of 10,000 (the size of one stream batch): rows/s
 *   baseline  the same snapshots saved in the items table on DynamoDB Local (BatchWriteItem, at
 *             most K × 4 requests in flight, unprocessed items retried), then a plain paginated
 *             Scan to JSON lines (bench/history-scan-baseline.ts) as a child process: rows/s and
 *             peak RSS. `--scan-seconds S` stops the Scan after S seconds and counts its rate on
 *             the rows it read: DynamoDB Local's Scan slows as the table grows (~88 rows/s at
 *             1,000,000 rows, ~3 hours for the table), and the baseline prints the rate of each
 *             half of its time, so a reader sees that the time box's rate is not below the
 *             whole Scan's (the export's ratio to it is then not above the true one)
 *   export    `shelfwatch export --format jsonl` and `--format parquet` of the whole window, as a
 *             child process: rows/s and peak RSS, and the ratios to the baseline (issue 16's
 *             target: ≥ 5× the rows/s at ≤ 0.5× the memory), met or not
 *   query     one item's year of prices (target < 1 s), in this process and through the CLI
 *
 * `--data-dir` keeps the history and DynamoDB Local's data in FOLDER: a second run of the same
 * size reuses them (no write, no seeding) and measures the Scan, the exports and the query
 * again. Without it everything lives in a temporary folder removed at the end.
 *
 * Figures depend on the machine and its load: compare them within one run. Each line also gives
 * the CPU seconds spent (user + system), which a loaded machine stretches less than the wall time.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { chunk, mapWithConcurrency } from '../shared/concurrency/index.ts';
import {
  FolderHistoryDestination,
  queryHistory,
  SNAPSHOT_HISTORY,
  writeHistory,
} from '../shared/history/index.ts';
import { ItemStore, type ItemSnapshot, snapshotOf } from '../shared/results/index.ts';
import { startLocalInfrastructure } from '../local/infrastructure.ts';

/** Issue 16's size; seeding DynamoDB Local takes most of a run (see docs/benchmarks.md). */
const DEFAULT_ROWS = 1_000_000;

const { values: flags, positionals } = parseArgs({
  options: {
    rows: { type: 'string' },
    'data-dir': { type: 'string' },
    'seed-concurrency': { type: 'string', default: '4' },
    'scan-seconds': { type: 'string' },
  },
  allowPositionals: true,
});
const ROWS = Number(flags.rows ?? positionals[0] ?? DEFAULT_ROWS);
const SEED_CONCURRENCY = Number(flags['seed-concurrency']);
if (!Number.isInteger(ROWS) || ROWS < 1) {
  console.error(`--rows must be a whole number of snapshots ≥ 1 (got ${flags.rows ?? positionals[0]})`);
  process.exit(2);
}
if (!Number.isInteger(SEED_CONCURRENCY) || SEED_CONCURRENCY < 1 || SEED_CONCURRENCY > 64) {
  console.error(`--seed-concurrency must be a whole number in 1..64 (got ${flags['seed-concurrency']})`);
  process.exit(2);
}
const SCAN_SECONDS = flags['scan-seconds'] === undefined ? undefined : Number(flags['scan-seconds']);
if (SCAN_SECONDS !== undefined && (!Number.isInteger(SCAN_SECONDS) || SCAN_SECONDS < 1)) {
  console.error(`--scan-seconds must be a whole number of seconds ≥ 1 (got ${flags['scan-seconds']})`);
  process.exit(2);
}
/** Snapshots per ItemStore.save call: 4 BatchWriteItem requests of 25 (save sends them at once). */
const SEED_CHUNK = 100;
const HOURS_PER_YEAR = 8_760;
const ITEMS = Math.max(1, Math.floor(ROWS / HOURS_PER_YEAR));
const HOUR_MS = 3_600_000;
/**
 * Snapshots kept this long in the items table: the span of the slots and a month more, so
 * DynamoDB Local's TTL sweep leaves the oldest alone (400 days, the former fixed value, lost the
 * 409 oldest of 20,000 rows spanning 417 days).
 */
const RETENTION_DAYS = Math.ceil(Math.ceil(ROWS / ITEMS) / 24) + 30;
const BATCH = 10_000;
const CLI = path.resolve(import.meta.dirname, '../cli/shelfwatch.ts');
const run = promisify(execFile);

interface Seeded {
  readonly rows: number;
  readonly firstSlotMs: number;
}

const dataDir = flags['data-dir'] ? path.resolve(flags['data-dir']) : undefined;
const root = dataDir ?? (await mkdtemp(path.join(tmpdir(), 'shelfwatch-bench-history-')));
await mkdir(root, { recursive: true });
const marker = path.join(root, 'seeded.json');
/** A kept folder seeded with the same number of rows: reused as it is. */
const reused = dataDir ? await readSeeded(marker) : undefined;

async function readSeeded(file: string): Promise<Seeded | undefined> {
  try {
    const seeded = JSON.parse(await readFile(file, 'utf8')) as Seeded;
    return seeded.rows === ROWS ? seeded : undefined;
  } catch {
    return undefined;
  }
}

const firstSlotMs =
  reused?.firstSlotMs ?? Date.now() - (Date.now() % HOUR_MS) - Math.ceil(ROWS / ITEMS) * HOUR_MS;

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
      brand: 'Kettlecorp',
      position: 1 + (n % 50),
    };
    return snapshotOf(source, item, slotMs + 120_000, RETENTION_DAYS);
  });
}

interface Timed {
  readonly seconds: number;
  /** User + system CPU seconds: on a shared machine, what the wall time would be without waiting. */
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  readonly stdout: string;
}

const timedCli = (args: string[]): Promise<Timed> => timedScript(CLI, args);

async function timedScript(script: string, args: string[]): Promise<Timed> {
  const started = performance.now();
  const { stdout, stderr } = await run(
    '/usr/bin/time',
    ['-f', 'peak-rss-kib %M cpu-seconds %U %S', process.execPath, script, ...args],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const peak = Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  const [user, system] = (/cpu-seconds ([\d.]+) ([\d.]+)/.exec(stderr) ?? []).slice(1).map(Number);
  return {
    seconds,
    cpuSeconds: (user ?? Number.NaN) + (system ?? Number.NaN),
    peakRssMiB: peak / 1024,
    stdout,
  };
}

try {
  const history = path.join(root, 'history');
  if (reused) {
    console.log(
      `reused  ${ROWS} rows seeded in ${root} (history and DynamoDB Local data): no write, no seeding`,
    );
  } else {
    await rm(history, { recursive: true, force: true });
    await rm(path.join(root, 'emulators'), { recursive: true, force: true });
    const destination = new FolderHistoryDestination(history);
    let files = 0;
    const writeStarted = performance.now();
    for (let start = 0; start < ROWS; start += BATCH) {
      files += (await writeHistory(SNAPSHOT_HISTORY, batchAt(start), destination)).files.length;
    }
    const writeSeconds = (performance.now() - writeStarted) / 1000;
    console.log(`write   ${ROWS} rows in ${files} files: ${Math.round(ROWS / writeSeconds)} rows/s`);
  }

  const window = [
    '--since',
    new Date(firstSlotMs).toISOString().slice(0, 10),
    '--until',
    new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
  ];
  // The baseline: the same snapshots in the items table, scanned to JSON lines by hand.
  const local = await startLocalInfrastructure({
    stage: 'bench',
    ...(dataDir ? { dataDir: path.join(root, 'emulators') } : {}),
  });
  let baseline: Timed;
  try {
    if (!reused) {
      const items = new ItemStore({
        documents: local.clients.documents,
        tableName: local.resources.tables.items,
      });
      // Bounded: SEED_CONCURRENCY saves at once, each with at most 4 BatchWriteItem in flight (400
      // requests in flight starved DynamoDB Local on a loaded machine: the run never finished).
      const saveStarted = performance.now();
      for (let start = 0; start < ROWS; start += BATCH) {
        await mapWithConcurrency(chunk(batchAt(start), SEED_CHUNK), SEED_CONCURRENCY, (part) =>
          items.save(part),
        );
      }
      console.log(
        `dynamodb ${ROWS} rows saved in the items table (DynamoDB Local, ${SEED_CONCURRENCY * 4} BatchWriteItem in flight at most): ${Math.round(ROWS / ((performance.now() - saveStarted) / 1000))} rows/s`,
      );
      if (dataDir) await writeFile(marker, JSON.stringify({ rows: ROWS, firstSlotMs } satisfies Seeded));
    }
    baseline = await timedScript(path.resolve(import.meta.dirname, 'history-scan-baseline.ts'), [
      local.endpoints.dynamodb,
      local.resources.tables.items,
      path.join(root, 'scan.jsonl'),
      ...(SCAN_SECONDS === undefined ? [] : [String(SCAN_SECONDS)]),
    ]);
  } finally {
    await local.stop();
  }
  // Rows the Scan found: a folder seeded by an older run with a shorter retention has lost its
  // oldest rows to the TTL sweep; its rate is counted on what it read.
  const scanned = Number(/^(\d+) rows written/.exec(baseline.stdout.trim())?.[1] ?? Number.NaN);
  const timeBoxed = baseline.stdout.includes('time box');
  if (timeBoxed) {
    console.log(
      `note    the Scan stopped at its ${SCAN_SECONDS} s time box after ${scanned} of ${ROWS} rows: its rate is counted on those`,
    );
  } else if (scanned !== ROWS) {
    console.log(
      `note    the Scan read ${scanned} of ${ROWS} rows (expired under the items table's TTL): seed a new --data-dir for a full table`,
    );
  }
  const baselineRowsPerSecond = scanned / baseline.seconds;
  console.log(
    `baseline Scan → jsonl  ${Math.round(baselineRowsPerSecond)} rows/s, peak RSS ${baseline.peakRssMiB.toFixed(0)} MiB, ${baseline.cpuSeconds.toFixed(1)} s CPU (${baseline.stdout.trim()})`,
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
      `export  ${format.padEnd(7)} ${Math.round(rowsPerSecond)} rows/s, peak RSS ${exported.peakRssMiB.toFixed(0)} MiB, ${exported.cpuSeconds.toFixed(1)} s CPU (${exported.stdout.trim()})`,
    );
    const speed = rowsPerSecond / baselineRowsPerSecond;
    const memory = exported.peakRssMiB / baseline.peakRssMiB;
    console.log(
      `ratio   export ${format} / Scan: ${speed.toFixed(2)}× rows/s (target ≥ 5×: ${speed >= 5 ? 'met' : 'not met'}), ` +
        `${memory.toFixed(2)}× peak RSS (target ≤ 0.5×: ${memory <= 0.5 ? 'met' : 'not met'})`,
    );
  }

  // One item's last year of prices (the target's question), whatever span the seed covers: the
  // 365 days up to the newest slot, so the partition filter on dt is part of what is measured.
  const newestSlotMs = firstSlotMs + (Math.ceil(ROWS / ITEMS) - 1) * HOUR_MS;
  const yearFrom = new Date(newestSlotMs - 364 * 86_400_000).toISOString().slice(0, 10);
  const YEAR_QUERY =
    `SELECT captured_at, price FROM snapshots WHERE item_key = 'amazon#US#B000000000' ` +
    `AND dt >= '${yearFrom}' ORDER BY captured_at`;
  console.log(`query   ${YEAR_QUERY}`);
  console.log(
    `query   one item of ${ITEMS}, ${Math.ceil(ROWS / ITEMS)} hourly slots (${(ROWS / ITEMS / HOURS_PER_YEAR).toFixed(2)} years)`,
  );
  const query = await timedCli(['query', '--history', history, YEAR_QUERY, '--max-rows', '100000']);
  console.log(
    `query   one item's ${query.stdout.trim().split('\n').length - 1} prices: ${query.seconds.toFixed(2)} s (process start included; ${query.cpuSeconds.toFixed(2)} s CPU), peak RSS ${query.peakRssMiB.toFixed(0)} MiB`,
  );
  const inProcessStarted = performance.now();
  const inProcessCpu = process.cpuUsage();
  const prices = await queryHistory(history, YEAR_QUERY, 100_000);
  const inProcessSeconds = (performance.now() - inProcessStarted) / 1000;
  const { user, system } = process.cpuUsage(inProcessCpu);
  console.log(
    `query   the same in this process (DuckDB opened, views, query): ${prices.rows.length} rows in ${inProcessSeconds.toFixed(2)} s, ` +
      `${((user + system) / 1e6).toFixed(2)} s CPU (both DuckDB threads) ` +
      `(target < 1 s: ${inProcessSeconds < 1 ? 'met' : 'not met'})`,
  );
} finally {
  await rm(path.join(root, 'scan.jsonl'), { force: true });
  for (const format of ['jsonl', 'parquet']) await rm(path.join(root, `export.${format}`), { force: true });
  if (!dataDir) await rm(root, { recursive: true, force: true });
}
