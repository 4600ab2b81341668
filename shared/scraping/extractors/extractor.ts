/**
 * What an extractor is. One extractor per (platform, crawl type) knows:
 *   - the URL of each page for a definition's target (pagination),
 *   - how to read a page: a declarative `PageSpec` (block-page rules, then layout variants tried
 *     in order) that either evaluator applies: `readPage` inside Chromium, `readHtml` in Node on
 *     the page's HTML (the same raw strings from both; page-reading.ts says what text means),
 *   - how to turn the raw strings it read into items (`parse`, pure Node code, unit-testable),
 *   - which fields an item must have (completeness).
 *
 * Keeping the in-page part declarative means one small function crosses into the browser for
 * every extractor, the same spec can be read without a browser, and all parsing (prices, counts,
 * embedded JSON) is plain, testable TypeScript.
 */
import type { FetchModeSetting } from '../../definitions/index.ts';
import type { Item, ItemField } from '../../results/index.ts';

export type BlockReason = 'captcha' | 'robot-check' | 'login-wall';

/**
 * One way to read a value: the elements matching `selector` (inside the item card for listing
 * fields, in the document otherwise), and their `attribute` or, by default, their text.
 * `pattern` (a regular expression source) keeps the first capture group (or the whole match).
 * The first matching element that gives a non-empty value wins (so a pattern can pick one
 * element among many); a field's rules are tried in order, the first non-empty value wins.
 */
export interface FieldRule {
  readonly selector: string;
  readonly attribute?: string;
  readonly pattern?: string;
}

/** A block page (captcha, robot check, login wall), recognized by an element or by text. */
export interface BlockRule {
  readonly reason: BlockReason;
  /** Present if this selector matches. */
  readonly selector?: string;
  /** ...and/or if the document's title or body text matches this regular expression (case-insensitive). */
  readonly textPattern?: string;
}

/**
 * One known markup of the page (sites change their markup over the years). The first variant
 * that yields at least one record with a non-empty field is used, and named in the result.
 */
export interface LayoutVariant {
  readonly name: string;
  /** The variant applies only if this selector matches the document. */
  readonly when?: string;
  /** Listings: selector of each item card. Detail pages: omitted (the document is one record). */
  readonly itemSelector?: string;
  /** Raw fields to read, by the extractor's own names (e.g. `priceText`, `ratingText`). */
  readonly fields: Readonly<Record<string, readonly FieldRule[]>>;
}

export interface PageSpec {
  readonly blocks: readonly BlockRule[];
  readonly variants: readonly LayoutVariant[];
  /** Raw values read once per page, whatever the variant (e.g. embedded state JSON, a canonical link). */
  readonly captures?: Readonly<Record<string, readonly FieldRule[]>>;
  /** The next page's link; `href` attributes are resolved to absolute URLs. */
  readonly nextPage?: readonly FieldRule[];
}

/** What the in-page reader returns: raw strings, nothing parsed yet. */
export interface RawPage {
  readonly url: string;
  readonly title: string;
  readonly blocked?: BlockReason;
  /** Name of the layout variant that matched (none: the page has no known layout). */
  readonly variant?: string;
  readonly records: readonly Readonly<Record<string, string>>[];
  readonly captures: Readonly<Record<string, string>>;
  readonly nextUrl?: string;
}

export interface ParseContext {
  readonly marketplace: string;
  /** 1-based page number within the run. */
  readonly pageNumber: number;
}

/**
 * How a page was read: fetched over plain HTTP and its spec evaluated in Node (`extractHtml`), or
 * loaded in Chromium and evaluated there (`extractPage`). Both give the same items.
 */
export type FetchMode = 'http' | 'browser';

/** A page after parsing. */
export interface PageExtraction {
  /** Which way the page was read; set by `extractPage` / `extractHtml`, not by `parse`. */
  readonly mode?: FetchMode;
  readonly blocked?: BlockReason;
  /** The layout variant (or embedded-data path) that yielded the items; none: unknown layout. */
  readonly variant?: string;
  readonly items: readonly Item[];
  /** Records that could not become an item (no id, unparsable required value). */
  readonly invalid: number;
  readonly nextUrl?: string;
  /** Listings: how many results the page says the search or category has, where it says so. */
  readonly resultCount?: number;
}

/** What a definition asks for, as an extractor sees it. */
export interface ExtractorTarget {
  /** ASIN / keyword / category id / offer id / SKU, or a full URL. */
  readonly value: string;
  /** Marketplace code (US, DE, JP, RU, CN...). */
  readonly marketplace: string;
  /**
   * Where the site lives, e.g. `https://www.amazon.de`. Normally the marketplace's own; the local
   * runtime and tests point it at the demo shop (`http://127.0.0.1:PORT/amazon/de`).
   */
  readonly origin: string;
}

export interface Extractor {
  readonly platform: string;
  readonly crawlType: string;
  /** Fields every item must carry; completeness is the share of them present. */
  readonly requiredFields: readonly ItemField[];
  /** Most pages are read from server HTML; an extractor whose site renders client-side says so. */
  readonly needsJavaScript?: boolean;
  /**
   * How its pages are read unless a definition says otherwise (`fetchModeOf` in
   * shared/scraping/fetch-mode.ts): `http`, `browser` or `auto`. Default: DEFAULT_FETCH_MODE.
   * `auto` with `needsJavaScript` reads in the browser from the first page.
   */
  readonly fetchMode?: FetchModeSetting;
  /** The site's origin for a marketplace (e.g. DE → https://www.amazon.de). */
  originOf(marketplace: string): string;
  /**
   * URL of page `pageNumber` (1-based) of the target. Throws InvalidTargetError if the target
   * cannot be scraped by this extractor (a permanent failure).
   */
  pageUrl(target: ExtractorTarget, pageNumber: number): string;
  readonly spec: PageSpec;
  parse(raw: RawPage, context: ParseContext): PageExtraction;
}
