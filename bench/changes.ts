/**
 * npm run bench:changes [-- --listings 20 --pages 5 --concurrency 4 --rounds 3 --latency-ms 0]
 *
 * What change detection and watch rules cost, side by side in one run. Each round scrapes the
 * same demo-shop listings twice per mode (HTTP fetch mode, in this process, no browser: detection
 * does not depend on how a page was fetched), in a fresh stage of DynamoDB Local:
 *
 *   slot A, shop version 0   every item is first seen (not timed)
 *   slot B, shop version 1   ~1 product in 8 repriced or restocked, listings reordered (timed)
 *
 * once with change detection on (the scraper's ChangeRecorder) and once with it off, the order
 * alternating over rounds. For slot B it prints pages per minute of each mode, and for the mode
 * with detection the AWS requests detection made (those on itemStates and changes, and the
 * listing baseline's Queries) against the minimum the design allows for the changes it found:
 *
 *   per page of n items: ⌈n/100⌉ BatchGetItem (the items' states), and for its w writes (each
 *     changed item's state and item changes, its listing changes) ⌈w/100⌉ TransactWriteItems
 *   per run: 1 runs Query (the baseline run) + ⌈baseline items/1,000⌉ items Query;
 *            once complete, ⌈its items/1,000⌉ items Query (who left) + ⌈exits/100⌉ TransactWriteItems
 *
 * Then the watch rules a user might keep (scope all, a definition, an item) are evaluated over
 * slot B's changes in batches of 100 (a stream batch of the notifier), requests counted against
 * their minimum: per batch 1 (the rules) + ⌈p/100⌉ BatchGetItem (arm states of the p (rule, item)
 * pairs a change decides) + the reads a condition needs that the change does not carry (a state
 * GetItem, a history Query) + f firings + a re-arms. Targets (issue #14): detection and rules
 * ≤ 1.1× that minimum per saved item; pages/min with detection ≥ 0.95× without.
 *
 * Where the time goes, per mode: records written, each command's mean time in flight, the
 * recorder's steps (baseline, page, exits), and the CPU time DynamoDB Local (its Java process, from
 * /proc) and this process used in the timed phase. DynamoDB Local is CPU-bound here: the ratio of
 * its CPU time without and with detection is about the pages/min ratio it allows.
 * With `--latency-ms N`, every listing page of the timed slot is answered N ms late, as a real
 * marketplace's page is (hundreds of milliseconds, where the demo shop on localhost takes ~1 ms):
 * the scraper overlaps a page's writes with loading the next, so what detection costs in pages/min
 * depends on how long a page takes to load. Both figures belong in a report: 0 ms (the default)
 * puts DynamoDB Local's CPU on the critical path; a realistic latency shows the scraper's own.
 * Absolute figures depend on the machine; compare the ratios of one run.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LISTING_PAGES, startDemoShop } from '../demo-shop/index.ts';
import { processCpuMs } from './process-cpu.ts';
import { type LocalInfrastructure, startLocalInfrastructure } from '../local/infrastructure.ts';
import { resourceEnvironment, requireTable } from '../shared/aws/index.ts';
import { type Change, isListingChangeKind } from '../shared/changes/index.ts';
import { type NewRule, evaluateRules, isDecidedBy, isInScope } from '../shared/rules/index.ts';
import {
  readScraperConfig,
  RunScraper,
  type RunScraperOptions,
  runScraperOptionsOf,
} from '../shared/scraping/index.ts';
import { createStores, type Stores } from '../shared/stores/index.ts';

const { values } = parseArgs({
  options: {
    listings: { type: 'string', default: '20' },
    pages: { type: 'string', default: String(LISTING_PAGES) },
    concurrency: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    'latency-ms': { type: 'string', default: '0' },
  },
});
const positive = (name: keyof typeof values, max = Number.MAX_SAFE_INTEGER): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`--${name} must be a whole number from 1 to ${max}, not ${values[name]}`);
  }
  return value;
};
const listings = positive('listings');
const pagesPerListing = positive('pages', LISTING_PAGES);
const concurrency = positive('concurrency');
const rounds = positive('rounds');
const latencyMs = Number(values['latency-ms']);
if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 10_000) {
  throw new Error(`--latency-ms must be a whole number from 0 to 10000, not ${values['latency-ms']}`);
}

const SLOT_A = '2026-11-23T19:00Z';
const SLOT_B = '2026-11-23T20:00Z';
const STREAM_BATCH = 100;
const MODES = ['detection on', 'detection off'] as const;
type Mode = (typeof MODES)[number];

/** A request, by what it touched: `Command table[/index]`. */
type Tally = Map<string, number>;

/** Time in flight per command (`Command`, all tables): requests and milliseconds summed. */
type Latency = Map<string, { requests: number; ms: number }>;

interface Counter {
  readonly tally: Tally;
  readonly latency: Latency;
  /** Records written (puts, updates, deletes, each action of a transaction or a batch). */
  written: number;
  reset(): void;
}

/** Records one request writes (first attempts and retries alike). */
function recordsWrittenBy(
  input: {
    RequestItems?: Record<string, unknown>;
    TransactItems?: Record<string, unknown>[];
    Key?: unknown;
    Item?: unknown;
  },
  command: string,
): number {
  if (command === 'BatchWriteItem')
    return Object.values(input.RequestItems ?? {}).reduce<number>(
      (sum, requests) => sum + (Array.isArray(requests) ? requests.length : 0),
      0,
    );
  if (command === 'TransactWriteItems')
    return (input.TransactItems ?? []).filter((entry) => !('ConditionCheck' in entry)).length;
  return ['PutItem', 'UpdateItem', 'DeleteItem'].includes(command) ? 1 : 0;
}

function tallyRequests(documents: DynamoDBDocumentClient): Counter {
  const tally: Tally = new Map();
  const latency: Latency = new Map();
  documents.middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const before = latency.get(name) ?? { requests: 0, ms: 0 };
        latency.set(name, { requests: before.requests + 1, ms: before.ms + performance.now() - started });
      }
    },
    { step: 'finalizeRequest', name: 'benchChangesLatency', priority: 'low' },
  );
  documents.middlewareStack.add(
    (next, context) => (args) => {
      const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      const input = args.input as {
        TableName?: string;
        IndexName?: string;
        RequestItems?: Record<string, unknown>;
        TransactItems?: Record<string, { TableName?: string }>[];
      };
      const tables = input.TableName ?? Object.keys(input.RequestItems ?? {}).join('+') ?? '';
      const transact = [
        ...new Set((input.TransactItems ?? []).map((entry) => Object.values(entry)[0]?.TableName)),
      ]
        .filter(Boolean)
        .sort()
        .join('+');
      const key = `${command} ${transact || tables}${input.IndexName ? `/${input.IndexName}` : ''}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      counter.written += recordsWrittenBy(input, command);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'benchChangesTally', priority: 'low' },
  );
  const counter: Counter = {
    tally,
    latency,
    written: 0,
    reset: () => {
      tally.clear();
      latency.clear();
      counter.written = 0;
    },
  };
  return counter;
}

const shop = await startDemoShop();
const origin = `${shop.url}/amazon/com`;

interface Phase {
  readonly pages: number;
  readonly saved: number;
  readonly ms: number;
  readonly requests: Tally;
  readonly written: number;
  readonly latency: Latency;
  /** CPU time of DynamoDB Local (the Java process) and of this process during the phase. */
  readonly dynamoCpuMs: number;
  readonly nodeCpuMs: number;
  /** Time in the recorder's steps (detection on), summed over the lanes. */
  readonly steps: Latency;
  readonly runIds: readonly string[];
}

interface Stage {
  /** The stage's own emulators (see stageFor), and the requests made to its DynamoDB Local. */
  readonly local: LocalInfrastructure;
  readonly counter: Counter;
  readonly stores: Stores;
  readonly tables: {
    readonly itemStates: string;
    readonly changes: string;
    readonly runs: string;
    readonly items: string;
    readonly rules: string;
    readonly ruleFirings: string;
  };
  readonly scraper: RunScraper;
  readonly steps: Latency;
}

/** The recorder, its steps timed into `steps`. */
function timedRecorder(
  recorder: NonNullable<RunScraperOptions['changes']>,
  steps: Latency,
): NonNullable<RunScraperOptions['changes']> {
  const timed =
    <A extends unknown[], R>(name: string, work: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await work(...args);
      } finally {
        const before = steps.get(name) ?? { requests: 0, ms: 0 };
        steps.set(name, { requests: before.requests + 1, ms: before.ms + performance.now() - started });
      }
    };
  return {
    baselineOf: timed('baselineOf', (run) => recorder.baselineOf(run)),
    recordPage: timed('recordPage', (snapshots, nowMs, listing) =>
      recorder.recordPage(snapshots, nowMs, listing),
    ),
    recordExits: timed('recordExits', (run, listing, finishedAtMs) =>
      recorder.recordExits(run, listing, finishedAtMs),
    ),
  };
}

/**
 * A stage for one measurement, in emulators of its own. DynamoDB Local gets slower for every stage
 * left behind with thousands of stream records, even once its tables are deleted. Measured on
 * 2026-12-07, 25-item BatchWriteItem into one table, its JIT warm: ~10 ms of its CPU each (45,000
 * records in its own stream cost nothing), 90, 138, 207 and 290 ms once 1 to 4 tables no longer
 * written held 7,500 stream records each (docs/benchmarks.md). Stages sharing one emulator would
 * make each measurement slower than the one before it, whatever its mode.
 */
async function stageFor(mode: Mode): Promise<Stage> {
  const local = await startLocalInfrastructure({ stage: `c${randomUUID().slice(0, 8)}` });
  const counter = tallyRequests(local.clients.documents);
  const resources = resourceEnvironment(local.environment);
  const stores = createStores(resources, local.clients);
  const config = readScraperConfig({
    // A generous budget: the benchmark measures scraping, not politeness.
    SHELFWATCH_SCRAPER_DOMAIN_RATE_PER_SECOND: '1000',
    SHELFWATCH_SCRAPER_DOMAIN_BURST: '1000',
    SHELFWATCH_SITE_ORIGINS: JSON.stringify({ 'https://www.amazon.com': origin }),
    SHELFWATCH_SCRAPE_ALLOW_HOSTS: `127.0.0.1:${shop.port}`,
  });
  const { changes, ...withoutChanges } = runScraperOptionsOf(stores, resources, local.clients, config);
  const steps: Latency = new Map();
  const scraper = new RunScraper(
    mode === 'detection on' && changes
      ? { ...withoutChanges, changes: timedRecorder(changes, steps) }
      : withoutChanges,
  );
  const table = (name: Parameters<typeof requireTable>[1]) => requireTable(resources, name);
  return {
    local,
    counter,
    stores,
    scraper,
    steps,
    tables: {
      itemStates: table('itemStates'),
      changes: table('changes'),
      runs: table('runs'),
      items: table('items'),
      rules: table('rules'),
      ruleFirings: table('ruleFirings'),
    },
  };
}

async function scrapeSlot(
  { local, counter, stores, scraper, steps }: Stage,
  slot: string,
  version: number,
): Promise<Phase> {
  shop.setVersion(version);
  // The timed slot's pages take --latency-ms to answer, as a marketplace's do; slot A needs none.
  shop.setRules(version > 0 && latencyMs > 0 ? [{ path: '/amazon/com/s', latencyMs }] : []);
  const messages = await Promise.all(
    Array.from({ length: listings }, async (_, index) => {
      const run = stores.runs.newRun(
        {
          definition: {
            id: `listing-${index + 1}`,
            platform: 'amazon',
            marketplace: 'US',
            crawlType: 'search_result',
            target: `bench listing ${index + 1}`,
            params: { maxPages: pagesPerListing, maxItems: 1_000 },
            priority: 'normal',
            maxAttempts: 3,
            fetchMode: 'http',
          },
          slot,
        },
        Date.now(),
      );
      await stores.runs.create(run);
      return { v: 1 as const, runId: run.runId, definitionId: run.definitionId, slot, attempt: 0 };
    }),
  );
  counter.reset();
  steps.clear();
  const dynamoCpuBefore = processCpuMs(local.dynamoDbPid);
  const nodeCpuBefore = process.cpuUsage();
  const waiting = [...messages];
  let pages = 0;
  let saved = 0;
  const failures: string[] = [];
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let message = waiting.shift(); message; message = waiting.shift()) {
        const outcome = await scraper.scrape(message, { owner: `bench-${lane}`, remainingMs: () => 900_000 });
        if (outcome.kind === 'succeeded') {
          pages += outcome.run.checkpoint?.page ?? 0;
          saved += outcome.run.counts.saved;
        } else failures.push(`${message.runId}: ${outcome.kind}`);
      }
    }),
  );
  const ms = performance.now() - startedAt;
  const dynamoCpuMs = processCpuMs(local.dynamoDbPid) - dynamoCpuBefore;
  const nodeCpu = process.cpuUsage(nodeCpuBefore);
  const nodeCpuMs = (nodeCpu.user + nodeCpu.system) / 1000;
  if (failures.length > 0) throw new Error(`runs did not succeed: ${failures.slice(0, 3).join(' | ')}`);
  if (pages !== listings * pagesPerListing)
    throw new Error(`read ${pages} pages, not ${listings * pagesPerListing}`);
  return {
    pages,
    saved,
    ms,
    requests: new Map(counter.tally),
    written: counter.written,
    latency: new Map(counter.latency),
    dynamoCpuMs,
    nodeCpuMs,
    steps: new Map(steps),
    runIds: messages.map((message) => message.runId),
  };
}

async function changesOf(stage: Stage, runIds: readonly string[]): Promise<Change[]> {
  const wanted = new Set(runIds);
  const found: Change[] = [];
  for (let index = 1; index <= listings; index += 1) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await stage.local.clients.documents.send(
        new QueryCommand({
          TableName: stage.tables.changes,
          IndexName: 'byDefinition',
          KeyConditionExpression: 'definitionId = :definitionId',
          ExpressionAttributeValues: { ':definitionId': `listing-${index}` },
          ExclusiveStartKey: start,
        }),
      );
      found.push(...((page.Items ?? []) as Change[]).filter((change) => wanted.has(change.runId)));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return found;
}

const sumOf = (tally: Tally, test: (key: string) => boolean): number =>
  [...tally].reduce((sum, [key, count]) => (test(key) ? sum + count : sum), 0);

/** Requests change detection made: on its two tables, and the baseline's and exits' Queries. */
function detectionRequests(tally: Tally, tables: Stage['tables']): number {
  return sumOf(
    tally,
    (key) =>
      key.includes(tables.itemStates) ||
      key.includes(tables.changes) ||
      key === `Query ${tables.runs}/byDefinition` ||
      key === `Query ${tables.items}/byRun`,
  );
}

/** The page each item of a run was saved from (`<runId> <itemKey>` → page), read after the timed phase. */
async function pagesOf(stage: Stage, runIds: readonly string[]): Promise<Map<string, number>> {
  const pages = new Map<string, number>();
  for (const runId of runIds) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await stage.local.clients.documents.send(
        new QueryCommand({
          TableName: stage.tables.items,
          IndexName: 'byRun',
          KeyConditionExpression: 'runId = :runId',
          ExpressionAttributeValues: { ':runId': runId },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? [])
        pages.set(`${runId} ${String(item.itemKey)}`, Number(item.pageNumber));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return pages;
}

/**
 * The design's minimum for what was found: per page ⌈n/100⌉ state reads and ⌈w/100⌉ transactions
 * for its w writes (a state and its item changes, its listing changes); per run the baseline
 * (1 runs Query + ⌈items/1,000⌉ items Query), and once complete ⌈items/1,000⌉ items Query and
 * ⌈exits/100⌉ transactions.
 */
function detectionMinimum(changes: readonly Change[], phase: Phase, pageOfItem: Map<string, number>): number {
  const itemsPerPage = phase.saved / phase.pages;
  const stateReads = phase.pages * Math.ceil(itemsPerPage / 100);
  const writesPerPage = new Map<string, number>();
  const exitsPerRun = new Map<string, number>();
  const statesWritten = new Set<string>();
  for (const change of changes) {
    if (change.kind === 'left_listing') {
      exitsPerRun.set(change.runId, (exitsPerRun.get(change.runId) ?? 0) + 1);
      continue;
    }
    const page = `${change.runId}#${pageOfItem.get(`${change.runId} ${change.itemKey}`)}`;
    let writes = 1;
    if (!isListingChangeKind(change.kind) && !statesWritten.has(`${change.itemKey} ${change.snapshotId}`)) {
      statesWritten.add(`${change.itemKey} ${change.snapshotId}`);
      writes += 1; // the item's state, in the same transaction
    }
    writesPerPage.set(page, (writesPerPage.get(page) ?? 0) + writes);
  }
  const transactions =
    [...writesPerPage.values()].reduce((sum, writes) => sum + Math.ceil(writes / 100), 0) +
    [...exitsPerRun.values()].reduce((sum, exits) => sum + Math.ceil(exits / 100), 0);
  const itemsPerRun = phase.saved / listings;
  const perRun = 1 + Math.ceil(itemsPerRun / 1000) + Math.ceil(itemsPerRun / 1000);
  return stateReads + transactions + listings * perRun;
}

const RULES: NewRule[] = [
  { name: 'Any price drop of 5 %', scope: { kind: 'all' }, condition: { kind: 'price_drop', percent: 5 } },
  { name: 'Back in stock', scope: { kind: 'all' }, condition: { kind: 'back_in_stock' } },
  { name: 'Out of stock', scope: { kind: 'all' }, condition: { kind: 'out_of_stock' } },
  {
    name: 'Top 3 of listing 1',
    scope: { kind: 'definition', definitionId: 'listing-1' },
    condition: { kind: 'entered_top', top: 3 },
  },
  {
    name: '10 % under its 30-day low',
    scope: { kind: 'all' },
    condition: { kind: 'price_drop_from_lowest', percent: 10, days: 30 },
  },
];

interface RulesCost {
  readonly requests: number;
  readonly minimum: number;
  readonly firings: number;
  readonly tally: Tally;
}

async function evaluateAll(stage: Stage, changes: readonly Change[]): Promise<RulesCost> {
  const rules = await Promise.all(RULES.map((rule) => stage.stores.rules.create(rule, Date.now())));
  const stores = { rules: stage.stores.rules, states: stage.stores.changes, items: stage.stores.items };
  const { counter } = stage;
  counter.reset();
  let minimum = 0;
  let firings = 0;
  const ordered = [...changes].sort((a, b) => a.detectedAt.localeCompare(b.detectedAt));
  for (let start = 0; start < ordered.length; start += STREAM_BATCH) {
    const batch = ordered.slice(start, start + STREAM_BATCH);
    const before = new Map(counter.tally);
    const fired = await evaluateRules(batch, stores, { nowMs: Date.now() });
    firings += fired.length;
    const made = (key: string) => (counter.tally.get(key) ?? 0) - (before.get(key) ?? 0);
    const pairs = new Set(
      batch.flatMap((change) =>
        rules
          .filter((rule) => isDecidedBy(rule.condition, change) && isInScope(rule.scope, change))
          .map((rule) => `${rule.ruleId} ${change.itemKey}`),
      ),
    ).size;
    // Reads a condition needs that the change does not carry (state, history): counted as made.
    const neededReads =
      made(`GetItem ${stage.tables.itemStates}`) +
      made(`BatchGetItem ${stage.tables.itemStates}`) +
      made(`Query ${stage.tables.items}`);
    const rearms = made(`PutItem ${stage.tables.ruleFirings}`);
    minimum += pairs === 0 ? 0 : 1 + Math.ceil(pairs / 100) + neededReads + fired.length + rearms;
  }
  const requests = sumOf(counter.tally, () => true);
  return { requests, minimum, firings, tally: new Map(counter.tally) };
}

const median = (numbers: readonly number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const fixed = (value: number, digits = 2) => value.toFixed(digits);
const inFlight = (latency: Latency): string =>
  [...latency]
    .map(([name, { requests, ms }]) => `${name} ${requests} × ${fixed(ms / requests, 1)} ms`)
    .join(', ');
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

try {
  console.log(
    `Change detection benchmark: ${listings} listings × ${pagesPerListing} pages, concurrency ${concurrency}, ` +
      `${rounds} round(s); slot B timed after slot A at shop version 0 → 1; ` +
      `the shop answers each page of slot B in ${latencyMs} ms or more (--latency-ms)`,
  );
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const perItem: { detection: number; minimum: number; rules: number; rulesMinimum: number }[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const order = round % 2 === 1 ? MODES : [...MODES].reverse();
    const pagesPerMinute: Partial<Record<Mode, number>> = {};
    const dynamoCpuMs: Partial<Record<Mode, number>> = {};
    for (const mode of order) {
      const stage = await stageFor(mode);
      try {
        await scrapeSlot(stage, SLOT_A, 0);
        const phase = await scrapeSlot(stage, SLOT_B, 1);
        const rate = (phase.pages / phase.ms) * 60_000;
        pagesPerMinute[mode] = rate;
        dynamoCpuMs[mode] = phase.dynamoCpuMs;
        const total = sumOf(phase.requests, () => true);
        let line =
          `round ${round}  ${mode.padEnd(13)}  ${fixed(rate, 1).padStart(7)} pages/min  ${phase.saved} items saved  ${total} DynamoDB requests (${phase.written} records written)` +
          `\n    time: ${fixed(phase.ms / 1000)} s; CPU: DynamoDB Local ${fixed(phase.dynamoCpuMs / 1000)} s, node ${fixed(phase.nodeCpuMs / 1000)} s` +
          `\n      in flight: ${inFlight(phase.latency)}` +
          (phase.steps.size > 0 ? `\n      recorder: ${inFlight(phase.steps)}` : '');
        if (mode === 'detection on') {
          const changes = await changesOf(stage, phase.runIds);
          const detection = detectionRequests(phase.requests, stage.tables);
          const minimum = detectionMinimum(changes, phase, await pagesOf(stage, phase.runIds));
          const rules = await evaluateAll(stage, changes);
          perItem.push({
            detection: detection / phase.saved,
            minimum: minimum / phase.saved,
            rules: rules.requests / phase.saved,
            rulesMinimum: rules.minimum / phase.saved,
          });
          const kinds = new Map<string, number>();
          for (const change of changes) kinds.set(change.kind, (kinds.get(change.kind) ?? 0) + 1);
          line +=
            `\n    ${changes.length} changes (${[...kinds].map(([kind, n]) => `${kind} ${n}`).join(', ')})` +
            `\n    detection: ${detection} requests, minimum ${minimum} (${fixed(detection / minimum)}×)` +
            `\n      by request: ${[...phase.requests]
              .filter(([key]) => detectionRequests(new Map([[key, 1]]), stage.tables) > 0)
              .map(([key, n]) => `${key.replace(/shelfwatch-\w+-/g, '')} ${n}`)
              .join(', ')}` +
            `\n    rules: ${rules.requests} requests for ${rules.firings} firings, minimum ${rules.minimum} (${fixed(rules.requests / Math.max(rules.minimum, 1))}×)` +
            `\n      by request: ${[...rules.tally].map(([key, n]) => `${key.replace(/shelfwatch-\w+-/g, '')} ${n}`).join(', ')}`;
        }
        console.log(line);
      } finally {
        await stage.local.stop();
      }
    }
    const on = pagesPerMinute['detection on'] ?? 0;
    const off = pagesPerMinute['detection off'] ?? 1;
    ratios.push(on / off);
    cpuRatios.push((dynamoCpuMs['detection off'] ?? 0) / (dynamoCpuMs['detection on'] ?? 1));
  }
  const detection = median(perItem.map((entry) => entry.detection));
  const minimum = median(perItem.map((entry) => entry.minimum));
  const rules = median(perItem.map((entry) => entry.rules));
  const rulesMinimum = median(perItem.map((entry) => entry.rulesMinimum));
  const combined = (detection + rules) / (minimum + rulesMinimum);
  const speed = median(ratios);
  console.log('Per saved item (median of rounds):');
  console.log(
    `  detection  ${fixed(detection, 3)} requests, minimum ${fixed(minimum, 3)}  (${fixed(detection / minimum)}×)`,
  );
  console.log(
    `  rules      ${fixed(rules, 3)} requests, minimum ${fixed(rulesMinimum, 3)}  (${fixed(rules / Math.max(rulesMinimum, Number.EPSILON))}×)`,
  );
  console.log(`  together   ${fixed(combined)}× the minimum  target ≤ 1.1×  ${met(combined <= 1.1)}`);
  console.log(
    `DynamoDB Local CPU without detection ÷ with (median of ${rounds}): ${fixed(median(cpuRatios))}×  ` +
      '(the pages/min ratio a CPU-bound DynamoDB Local allows)',
  );
  console.log(
    `Pages/min with detection ÷ without (median of ${rounds}, pages answered in ${latencyMs} ms or more): ` +
      `${fixed(speed)}×  target ≥ 0.95×  ${met(speed >= 0.95)}`,
  );
} finally {
  await shop.stop();
}
