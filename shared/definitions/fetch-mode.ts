/**
 * How a run reads its pages: `http` (a plain GET, the page spec evaluated in Node), `browser`
 * (loaded in Chromium), or `auto` (over HTTP, escalating the run to the browser when HTTP does not
 * give the page: a block page, required fields missing, a layout it does not know). An extractor
 * declares its own; a definition may override it. Plain data, like priority.ts: the expander and
 * every sender of run messages route a run to the HTTP or the browser function with it, without
 * loading the extractors.
 */
export const FETCH_MODES = ['http', 'browser', 'auto'] as const;
export type FetchModeSetting = (typeof FETCH_MODES)[number];

/**
 * The fetch mode of an extractor that declares none. `auto`: every saved real page, extractor
 * fixture and demo-shop page gives the same items over HTTP as in Chromium
 * (test/integration/evaluator-identity.test.ts), and a page that does not read well over HTTP
 * escalates its run to the browser anyway.
 */
export const DEFAULT_FETCH_MODE: FetchModeSetting = 'auto';

/**
 * Extractors that declare a mode other than DEFAULT_FETCH_MODE, by `platform/crawlType`: the
 * extractor's `fetchMode` (or `needsJavaScript`: `browser`) written again as plain data, so that
 * routing needs no extractor. test/unit/fetch-modes.test.ts checks the two agree. None today.
 */
export const DECLARED_FETCH_MODES: Readonly<Record<string, FetchModeSetting>> = {};

/** The mode a run of (platform, crawl type) reads in: the definition's override, else the declared one. */
export function declaredFetchModeOf(
  platform: string,
  crawlType: string,
  override?: FetchModeSetting,
): FetchModeSetting {
  return override ?? DECLARED_FETCH_MODES[`${platform}/${crawlType}`] ?? DEFAULT_FETCH_MODE;
}

/**
 * Which scraper function runs a run, and so which of its priority's two queues carries its
 * message: `http` (the small function without Chromium) or `browser` (the Chromium function).
 */
export const RUN_QUEUE_MODES = ['browser', 'http'] as const;
export type RunQueueMode = (typeof RUN_QUEUE_MODES)[number];
