/**
 * An Ozon product page: `/product/<slug>-<sku>/` (`/product/<sku>/` redirects there). Target: the
 * SKU (digits) or a product URL. Read from the data-widget blocks (webProductHeading, webPrice,
 * webSingleProductScore, webCurrentSeller, webGallery, webDetailSKU), else from the page's
 * schema.org Product JSON-LD.
 *
 * Price: the price anyone pays. webPrice shows up to three ("4 016 ₽ c Ozon Картой", "4 292 ₽",
 * crossed "7 690 ₽"); its state JSON names them, and `price` (without the card) is also the
 * schema.org offer price. The DOM text is used only when it holds a single amount.
 */
import type {
  Extractor,
  ExtractorTarget,
  PageExtraction,
  PageSpec,
  ParseContext,
  RawPage,
} from '../extractor.ts';
import { listPriceOf } from '../item-record.ts';
import { parseAvailability, parseCount, parsePrice, parseRating } from '../normalize.ts';
import { InvalidTargetError } from '../registry.ts';
import { OZON_BLOCKS } from './block-rules.ts';
import { baseOf, ozonOriginOf, pathOfTargetUrl, skuOfUrl, withoutQuery } from './site.ts';
import type { Item } from '../../../results/index.ts';

const LD_PRODUCT = '^(\\{.*"@type"\\s*:\\s*"Product".*\\})$';
const LD_SCRIPT = 'script[type="application/ld+json"]';

export const OZON_PRODUCT_SPEC: PageSpec = {
  blocks: OZON_BLOCKS,
  variants: [
    {
      name: 'pdp-dom',
      when: '[data-widget="webProductHeading"]',
      fields: {
        title: [{ selector: '[data-widget="webProductHeading"] h1' }],
        priceText: [{ selector: '[data-widget="webPrice"]' }],
        scoreText: [{ selector: '[data-widget="webSingleProductScore"]' }],
        seller: [
          { selector: '[data-widget="webCurrentSeller"] a[href*="/seller/"][title]', attribute: 'title' },
          { selector: '[data-widget="webCurrentSeller"] a[href*="/seller/"]' },
          // 2024: a page without webCurrentSeller names its seller only in the sticky bar, a link
          // to /seller/<id>/ (the first such link wraps the seller's logo, the next its name).
          { selector: '[data-widget="webStickyProducts"] a[href*="/seller/"]' },
        ],
        brand: [{ selector: '[data-widget="webBrand"] a[href*="/brand/"]' }],
        availabilityText: [
          { selector: '[data-widget="webOutOfStock"]' },
          { selector: '[data-widget="webAddToCart"] button' },
        ],
        // The large image, not the strip of 50 px thumbnails (`/wc50/`, `/c50/`) beside it: the
        // gallery marks its main image as the page's largest paint and fetches it first.
        imageUrl: [
          { selector: '[data-widget="webGallery"] img[fetchpriority="high"]', attribute: 'src' },
          { selector: '[data-widget="webGallery"] img[elementtiming]', attribute: 'src' },
          {
            selector: '[data-widget="webGallery"] img',
            attribute: 'src',
            pattern: '^((?:(?!/w?c50/)[^\\s])+)$',
          },
        ],
        sku: [{ selector: '[data-widget="webDetailSKU"]', pattern: '(\\d{3,})' }],
      },
    },
    {
      name: 'pdp-ld-json',
      when: LD_SCRIPT,
      fields: { ldJson: [{ selector: LD_SCRIPT, pattern: LD_PRODUCT }] },
    },
  ],
  captures: {
    priceState: [{ selector: 'div[id^="state-webPrice-"]', attribute: 'data-state' }],
    ldJson: [{ selector: LD_SCRIPT, pattern: LD_PRODUCT }],
    canonical: [
      { selector: 'link[rel="canonical"]', attribute: 'href' },
      { selector: 'meta[property="og:url"]', attribute: 'content' },
    ],
  },
};

interface PriceState {
  readonly isAvailable?: boolean;
  readonly price?: string;
  readonly cardPrice?: string;
  /** The crossed-out price ("7 690 ₽"), shown when `showOriginalPrice`. */
  readonly originalPrice?: string;
  readonly showOriginalPrice?: boolean;
}

interface LdProduct {
  readonly name?: string;
  readonly brand?: string | { readonly name?: string };
  readonly sku?: string | number;
  readonly image?: string | readonly string[];
  readonly aggregateRating?: {
    readonly ratingValue?: string | number;
    readonly reviewCount?: string | number;
  };
  readonly offers?: {
    readonly price?: string | number;
    readonly priceCurrency?: string;
    readonly availability?: string;
    readonly url?: string;
  };
}

const parseJson = <T>(text: string | undefined): T | undefined => {
  try {
    const value: unknown = JSON.parse(text ?? 'null');
    return value !== null && typeof value === 'object' ? (value as T) : undefined;
  } catch {
    return undefined;
  }
};

const AMOUNT = /\d[\d\s]*(?:[.,]\d+)?\s*[₽₸]/g;

/** The DOM price only when it is unambiguous (one amount); card and crossed prices are not. */
const singlePrice = (text: string | undefined): string | undefined =>
  text && text.match(AMOUNT)?.length === 1 ? text : undefined;

const availabilityOf = (text: string | undefined): string | undefined =>
  text && /в корзину/i.test(text) ? 'in_stock' : parseAvailability(text);

const schemaAvailability = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  if (/InStock|LimitedAvailability/i.test(value)) return /Limited/i.test(value) ? 'limited' : 'in_stock';
  if (/OutOfStock|SoldOut|Discontinued/i.test(value)) return 'out_of_stock';
  return undefined;
};

/** "4.9 • 19 отзывов": the rating before the bullet, the review count after it. */
function scoreOf(text: string | undefined): { rating?: number; reviewCount?: number } {
  if (!text) return {};
  const [head, tail] = text.includes('•') ? text.split('•', 2) : [text, text];
  return {
    rating: /отзыв/i.test(head ?? '') ? undefined : parseRating(head),
    reviewCount: /отзыв/i.test(tail ?? '') ? parseCount(tail) : undefined,
  };
}

function productOf(raw: RawPage, context: ParseContext): Item | undefined {
  const record = raw.records[0] ?? {};
  const ld = parseJson<LdProduct>(record.ldJson ?? raw.captures.ldJson);
  const priceState = parseJson<PriceState>(raw.captures.priceState);
  const id =
    record.sku ??
    (ld?.sku === undefined ? undefined : String(ld.sku)) ??
    skuOfUrl(raw.captures.canonical) ??
    skuOfUrl(raw.url);
  if (!id || !/^\d+$/.test(id)) return undefined;
  const ldPrice =
    ld?.offers?.price === undefined
      ? undefined
      : `${String(ld.offers.price)} ${ld.offers.priceCurrency ?? ''}`;
  const price = parsePrice(
    priceState?.price ?? ldPrice ?? singlePrice(record.priceText),
    context.marketplace,
  );
  const score = scoreOf(record.scoreText);
  const stateAvailability =
    priceState?.isAvailable === undefined ? undefined : priceState.isAvailable ? 'in_stock' : 'out_of_stock';
  const listPrice =
    priceState?.showOriginalPrice === false
      ? undefined
      : listPriceOf(priceState?.originalPrice, price, context.marketplace);
  const ldBrand = typeof ld?.brand === 'string' ? ld.brand : ld?.brand?.name;
  const image = Array.isArray(ld?.image)
    ? (ld.image as readonly string[])[0]
    : (ld?.image as string | undefined);
  const item: Item = {
    id,
    position: 1,
    title: record.title ?? ld?.name,
    price: price?.amount,
    currency: price?.currency,
    listPrice,
    brand: record.brand ?? (typeof ldBrand === 'string' && ldBrand.trim() ? ldBrand.trim() : undefined),
    rating: score.rating ?? parseRating(String(ld?.aggregateRating?.ratingValue ?? '')),
    reviewCount: score.reviewCount ?? parseCount(String(ld?.aggregateRating?.reviewCount ?? '')),
    availability:
      availabilityOf(record.availabilityText) ??
      stateAvailability ??
      schemaAvailability(ld?.offers?.availability),
    seller: record.seller,
    imageUrl: record.imageUrl ?? image,
    url: withoutQuery(raw.captures.canonical ?? ld?.offers?.url ?? raw.url, raw.url),
  };
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)) as Item;
}

export function parseOzonProduct(raw: RawPage, context: ParseContext): PageExtraction {
  if (raw.blocked) return { blocked: raw.blocked, items: [], invalid: 0 };
  if (!raw.variant) return { items: [], invalid: 0 };
  const item = productOf(raw, context);
  return item
    ? { variant: raw.variant, items: [item], invalid: 0 }
    : { variant: raw.variant, items: [], invalid: 1 };
}

export function skuOf(target: ExtractorTarget): string {
  const value = target.value.trim();
  const url = pathOfTargetUrl(value, target.origin);
  const sku = url ? skuOfUrl(url.pathname) : /^\d{3,20}$/.test(value) ? value : undefined;
  if (!sku) {
    throw new InvalidTargetError(
      target.value,
      'is not an Ozon product: give its SKU (digits) or a /product/ URL',
    );
  }
  return sku;
}

export const ozonProductDetails: Extractor = {
  platform: 'ozon',
  crawlType: 'product_details',
  requiredFields: ['id', 'title', 'price', 'currency', 'availability'],
  originOf: ozonOriginOf,
  pageUrl(target, pageNumber) {
    if (pageNumber !== 1) throw new RangeError(`a product has one page; asked for page ${pageNumber}`);
    return `${baseOf(target.origin)}/product/${skuOf(target)}/`;
  },
  spec: OZON_PRODUCT_SPEC,
  parse: parseOzonProduct,
};
