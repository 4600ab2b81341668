/**
 * What the benchmark's parent hands a worker process (one engine, one round), and the events a
 * worker reports back: one JSON line each on stdout, prefixed so that a library's own output on
 * stdout can never be mistaken for one.
 */
import type { RunMessage } from '../../shared/queues/index.ts';

/**
 * The four contenders: Shelfwatch in each fetch mode (a definition `fetchMode: 'http'` or
 * `'browser'`), and the Crawlee crawler each mode is measured against; and the DynamoDB floor
 * (bench/scrape/floor-engine.ts): the page saves alone, the ceiling of any HTTP mode that keeps
 * its items in this DynamoDB Local.
 */
export const ENGINES = [
  'shelfwatch-http',
  'cheerio',
  'shelfwatch-browser',
  'puppeteer',
  'dynamodb-floor',
] as const;
export type Engine = (typeof ENGINES)[number];

export const isShelfwatch = (engine: Engine): engine is 'shelfwatch-http' | 'shelfwatch-browser' =>
  engine === 'shelfwatch-http' || engine === 'shelfwatch-browser';

/** Engines that write to a Shelfwatch stage (DynamoDB Local of their own, runs created for them). */
export const needsStage = (engine: Engine): boolean => isShelfwatch(engine) || engine === 'dynamodb-floor';

export interface ScrapeJob {
  /** Page 1 of every listing (Crawlee's start requests; Shelfwatch's runs read the same URLs). */
  readonly startUrls: readonly string[];
  /** Pages to read per listing, following each page's next link. */
  readonly pagesPerListing: number;
  /** Runs (Shelfwatch) or requests (Crawlee) in flight at once. */
  readonly concurrency: number;
  /** Shelfwatch only: the run messages, one per listing, of runs already created. */
  readonly runs: readonly RunMessage[];
}

/**
 * What an engine read, in a form all four can give: how many items, how many carry each field,
 * and a digest of every item's id, title, price, rating and review count (bench/scrape/readings.ts).
 * Equal readings mean the engines read the same fields of the same items.
 */
export interface Readings {
  readonly items: number;
  readonly fieldsPresent: Readonly<Record<string, number>>;
  readonly digest: string;
}

export type WorkerEvent =
  /** The engine is set up; its first request follows. The scraping phase starts here. */
  | { readonly kind: 'scrape-start'; readonly atMs: number }
  /** The first item is stored (Shelfwatch: saved in DynamoDB; Crawlee: pushed to its Dataset). */
  | { readonly kind: 'first-item'; readonly atMs: number }
  | {
      readonly kind: 'done';
      readonly atMs: number;
      readonly pages: number;
      readonly items: number;
      readonly failures: readonly string[];
      readonly readings: Readings;
      /** Shelfwatch: the sum of its runs' durations, what Lambda bills (one run per invocation). */
      readonly runMs?: number;
      /** CPU time (user + system) the worker's Node process used in the scraping phase. */
      readonly cpuMs: number;
      /** Where the engine spent its time, when it can tell (Shelfwatch: DynamoDB requests). */
      readonly profile?: Readonly<Record<string, OperationProfile>>;
    };

export interface OperationProfile {
  readonly requests: number;
  /** Sum over requests of the time each was in flight (requests overlap across lanes). */
  readonly ms: number;
}

export const EVENT_PREFIX = '@bench ';

export function eventLine(event: WorkerEvent): string {
  return `${EVENT_PREFIX}${JSON.stringify(event)}\n`;
}

/** The event a stdout line carries, or undefined for any other output. */
export function eventOf(line: string): WorkerEvent | undefined {
  if (!line.startsWith(EVENT_PREFIX)) return undefined;
  return JSON.parse(line.slice(EVENT_PREFIX.length)) as WorkerEvent;
}

/** Where a worker reports its progress (stdout lines, read by the parent). */
export interface Reporter {
  scrapeStart(): void;
  /** The scraping phase is over (before any read-back): returns the time, notes the CPU used. */
  scrapeDone(): number;
  /** Reports the first call only. */
  firstItem(): void;
}

export interface EngineResult {
  readonly doneAtMs: number;
  readonly pages: number;
  readonly items: number;
  readonly failures: readonly string[];
  readonly readings: Readings;
  readonly runMs?: number;
  readonly profile?: Readonly<Record<string, OperationProfile>>;
}
