/**
 * Ozon listings (search results and categories) share one markup: tiles in a `tileGridDesktop`
 * grid (2024-25, `.tile-root`) or directly in `searchResultsV2` (2022), and the same tiles as
 * state JSON. Tried in order: the two DOM layouts, then the state JSON. Class names on Ozon are
 * generated (`i5u_25`) and change with every release, so rules lean on data-widget names, links,
 * typography tokens (`tsHeadline500Medium`) and the text itself.
 */
import type { LayoutVariant, PageExtraction, PageSpec, ParseContext, RawPage } from '../extractor.ts';
import { itemOfRecord, withOrganicPositions } from '../item-record.ts';
import { parseRating, parseResultCount } from '../normalize.ts';
import { OZON_BLOCKS } from './block-rules.ts';
import { SKU_IN_PATH, skuOfUrl, withoutQuery } from './site.ts';
import { tileRecordsOfState } from './state-tiles.ts';
import type { Item } from '../../../results/index.ts';

const PRODUCT_LINK = 'a[href*="/product/"]';
/** A span that holds a price and nothing else: "1 139 ₽", "79 ₽" (not "83 ₽ / шт"). */
const PRICE_ONLY = '^(\\d[\\d\\s]*(?:[.,]\\d+)?\\s*[₽₸])$';
const REVIEWS_ONLY = '^(\\d[\\d\\s]*\\s*отзыв\\S*)$';
const STOCK_WORDS = '^(\\d+\\s*шт\\.?\\s*осталось|Закончился|Нет в наличии)$';
/** "83 ₽ / шт", "12,5 ₽ / 100 г": a price per unit, alone in its span. */
const UNIT_PRICE_ONLY = '^(\\d[\\d\\s]*(?:[.,]\\d+)?\\s*[₽₸]\\s*/\\s*\\S.{0,30})$';
/** A promoted tile links through Ozon's ad token (`?advert=…`). */
const PROMOTED_LINK = 'a[href*="/product/"][href*="advert="]';

const COMMON_TILE_FIELDS: LayoutVariant['fields'] = {
  sku: [
    { selector: ':scope', attribute: 'data-sku' },
    { selector: PRODUCT_LINK, attribute: 'href', pattern: SKU_IN_PATH },
  ],
  url: [{ selector: PRODUCT_LINK, attribute: 'href' }],
  priceText: [{ selector: '.tsHeadline500Medium' }, { selector: 'span', pattern: PRICE_ONLY }],
  availabilityText: [{ selector: 'span', pattern: STOCK_WORDS }],
  unitPriceText: [{ selector: 'span', pattern: UNIT_PRICE_ONLY }],
  sponsoredMark: [{ selector: PROMOTED_LINK, attribute: 'href' }],
  imageUrl: [{ selector: 'img', attribute: 'src' }],
};

const STATE_SELECTORS = {
  'searchResultsV2-state': 'div[id^="state-searchResultsV2-"][data-state]',
  'tileGridDesktop-state': 'div[id^="state-tileGridDesktop-"][data-state]',
} as const;

const TILE_ROOTS = '[data-widget="tileGridDesktop"] .tile-root, [data-widget="searchResultsV2"] .tile-root';

export const OZON_LISTING_SPEC: PageSpec = {
  blocks: OZON_BLOCKS,
  variants: [
    {
      name: 'tiles-dom',
      when: TILE_ROOTS,
      itemSelector: TILE_ROOTS,
      fields: {
        ...COMMON_TILE_FIELDS,
        title: [{ selector: `${PRODUCT_LINK} .tsBody500Medium` }, { selector: '.tsBody500Medium' }],
        // The crossed-out price right after the price ("1 139 ₽ 5 000 ₽ −77%").
        listPriceText: [{ selector: '.tsHeadline500Medium ~ span', pattern: PRICE_ONLY }],
        // The bold name over the title; the "Оригинал" badge beside it wears a check icon.
        brand: [{ selector: 'div.tsBodyM > span:not(:has(svg)) b' }],
        // The rating is the gold number; grey numbers nearby are review counts or variant chips.
        ratingText: [{ selector: 'span[style*="textPremium"]', pattern: '^([0-5](?:[.,]\\d+)?)$' }],
        reviewsText: [{ selector: 'span', pattern: REVIEWS_ONLY }],
      },
    },
    {
      name: 'tiles-dom-2022',
      when: '[data-widget="searchResultsV2"] a.tile-hover-target',
      itemSelector: `[data-widget="searchResultsV2"] > div > div:has(${PRODUCT_LINK})`,
      fields: {
        ...COMMON_TILE_FIELDS,
        title: [{ selector: `${PRODUCT_LINK} .tsBodyL` }, { selector: 'a.tile-hover-target span span' }],
        // The price line holds the price and, struck through after it, the original price.
        listPriceText: [{ selector: 'div[style*="price-strikethrough"] > span + span', pattern: PRICE_ONLY }],
        // Stars drawn as a bar: its width is the rating as a share of 5.
        ratingPercent: [
          { selector: 'div:empty[style*="width"]', attribute: 'style', pattern: 'width:\\s*([\\d.]+)%' },
        ],
        reviewsText: [{ selector: 'a[href*="#comments"]', pattern: REVIEWS_ONLY }],
        seller: [{ selector: 'span', pattern: 'доставит .*продавец\\s+(.+)$' }],
      },
    },
    ...Object.entries(STATE_SELECTORS).map(([name, selector]) => ({
      name,
      when: selector,
      fields: { state: [{ selector, attribute: 'data-state' }] },
    })),
  ],
  captures: {
    // "По запросу мыльная бабочка найден 16 491 товар": the header's state, else its text.
    resultCount: [
      {
        selector: 'div[id^="state-fulltextResultsHeader-"]',
        attribute: 'data-state',
        pattern: 'найден\\S*\\s+(\\d[\\d\\s]*)\\s+товар',
      },
      { selector: '[data-widget="fulltextResultsHeader"]', pattern: 'найден\\S*\\s+(\\d[\\d\\s]*)\\s+товар' },
    ],
    paginatorState: [
      { selector: 'div[id^="state-megaPaginator-"]', attribute: 'data-state' },
      { selector: 'div[id^="state-infiniteVirtualPaginator-"]', attribute: 'data-state' },
    ],
  },
  // "Дальше": the one page link that wraps a label block rather than a bare page number.
  nextPage: [{ selector: 'a[href*="page="]:has(div)', attribute: 'href' }],
};

/** A star bar's width (96.61%) as stars, rounded to one decimal as Ozon prints ratings. */
const ratingOfPercent = (text: string | undefined): number | undefined => {
  const percent = text === undefined ? Number.NaN : Number(text);
  return Number.isFinite(percent) && percent >= 0 && percent <= 100
    ? Math.round(percent / 2) / 10
    : undefined;
};

export function ozonItemOf(
  record: Readonly<Record<string, string>>,
  position: number,
  context: ParseContext,
  pageUrl: string,
): Item | undefined {
  const id = record.sku ?? skuOfUrl(record.url);
  if (!id || !/^\d+$/.test(id)) return undefined;
  return itemOfRecord(id, position, record, context.marketplace, {
    rating: parseRating(record.ratingText) ?? ratingOfPercent(record.ratingPercent),
    url: withoutQuery(record.url, pageUrl),
  });
}

const nextPageOfState = (json: string | undefined, pageUrl: string): string | undefined => {
  try {
    const next = (JSON.parse(json ?? 'null') as { nextPage?: unknown } | null)?.nextPage;
    return typeof next === 'string' && next ? new URL(next, pageUrl).href : undefined;
  } catch {
    return undefined;
  }
};

export function parseOzonListing(raw: RawPage, context: ParseContext): PageExtraction {
  if (raw.blocked) return { blocked: raw.blocked, items: [], invalid: 0 };
  const isState = raw.variant !== undefined && raw.variant in STATE_SELECTORS;
  const records = isState ? tileRecordsOfState(raw.records[0]?.state) : raw.records;
  if (!raw.variant || !records || records.length === 0) {
    return { items: [], invalid: isState ? 1 : 0 };
  }
  const items: Item[] = [];
  let invalid = 0;
  records.forEach((record, index) => {
    const item = ozonItemOf(record, index + 1, context, raw.url);
    if (item) items.push(item);
    else invalid += 1;
  });
  const nextUrl = raw.nextUrl ?? nextPageOfState(raw.captures.paginatorState, raw.url);
  const resultCount = parseResultCount(raw.captures.resultCount);
  return {
    variant: raw.variant,
    items: withOrganicPositions(items),
    invalid,
    ...(nextUrl ? { nextUrl } : {}),
    ...(resultCount === undefined ? {} : { resultCount }),
  };
}
