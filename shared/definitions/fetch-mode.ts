/**
 * How a run reads its pages: `http` (a plain GET, the page spec evaluated in Node), `browser`
 * (loaded in Chromium), or `auto` (over HTTP, escalating the run to the browser when HTTP does not
 * give the page: a block page, required fields missing, a layout it does not know). An extractor
 * declares its own; a definition may override it. Plain data, like priority.ts.
 */
export const FETCH_MODES = ['http', 'browser', 'auto'] as const;
export type FetchModeSetting = (typeof FETCH_MODES)[number];
