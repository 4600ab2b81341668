/**
 * From the raw strings one record holds (a product page, or one card of a listing) to an Item.
 * Raw field names shared by every Amazon variant: asin, title, price, listPrice, unitPrice,
 * brand, sponsored, rating, reviewCount, rank, availability, seller, image, url. Pure code;
 * whatever does not parse is left out, never guessed.
 */
import type { PageExtraction, ParseContext, RawPage } from '../extractor.ts';
import { listPriceOf, withOrganicPositions } from '../item-record.ts';
import {
  parseAvailability,
  parseCount,
  parsePrice,
  parseRating,
  parseResultCount,
  parseUnitPrice,
} from '../normalize.ts';
import type { Item } from '../../../results/index.ts';

type RawRecord = Readonly<Record<string, string>>;

/** ASINs are ten letters and digits (books: the ISBN-10). */
export function asinOf(text: string | undefined): string | undefined {
  const value = text?.trim().toUpperCase();
  return value && /^[A-Z0-9]{10}$/.test(value) ? value : undefined;
}

/** A product page's path: /dp/ASIN, /gp/product/ASIN, /gp/aw/d/ASIN (mobile), any slug before. */
export const PRODUCT_PATH = /\/(?:dp|gp\/product|gp\/aw\/d)\/([A-Z0-9]{10})(?=[/?#]|$)/i;

/**
 * The product's link without tracking: a sponsored redirect (`/sspa/click?url=…`,
 * `/gp/slredirect/…?url=…`) followed, `/ref=…`, query and fragment dropped. A link to another
 * product than `asin` gives nothing.
 */
export function productUrlOf(href: string | undefined, asin: string): string | undefined {
  if (!href || !URL.canParse(href)) return undefined;
  let url = new URL(href);
  const redirect = url.searchParams.get('url');
  if (!PRODUCT_PATH.test(url.pathname) && redirect && URL.canParse(redirect, url)) {
    url = new URL(redirect, url);
  }
  const match = PRODUCT_PATH.exec(url.pathname);
  if (!match) return undefined;
  if (asinOf(match[1]) !== asin) return undefined;
  return `${url.origin}${url.pathname.slice(0, match.index + match[0].length)}`;
}

/**
 * An image URL, or the largest image of Amazon's `data-a-dynamic-image` map
 * (`{"https://…_SX342_.jpg":[342,342], …}`).
 */
export function imageUrlOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (text.startsWith('{')) {
    let sizes: unknown;
    try {
      sizes = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!sizes || typeof sizes !== 'object') return undefined;
    const widthOf = (size: unknown): number => (Array.isArray(size) ? Number(size[0]) || 0 : 0);
    const largest = Object.entries(sizes).sort(([, a], [, b]) => widthOf(b) - widthOf(a))[0]?.[0];
    return largest && /^https?:\/\//.test(largest) ? largest : undefined;
  }
  return /^https?:\/\//.test(text) ? text : undefined;
}

/** A best-seller badge: "#1", "Nr. 12", "1.", "#1,204". */
export function rankOf(text: string | undefined): number | undefined {
  const match = text ? /\d[\d,.\s]*/.exec(text) : null;
  const rank = match ? parseCount(match[0].replace(/[.,\s]+$/, '')) : undefined;
  return rank !== undefined && rank >= 1 ? rank : undefined;
}

/** The record as an Item, or undefined when it has no valid ASIN (counted invalid). */
export function itemOf(record: RawRecord, position: number, marketplace: string): Item | undefined {
  const id = asinOf(record.asin);
  if (!id) return undefined;
  const money = parsePrice(record.price, marketplace);
  const item: Record<string, unknown> = {
    id,
    title: record.title,
    price: money?.amount,
    currency: money?.currency,
    listPrice: listPriceOf(record.listPrice, money, marketplace),
    unitPrice: parseUnitPrice(record.unitPrice, marketplace),
    brand: record.brand,
    rating: parseRating(record.rating),
    reviewCount: parseCount(record.reviewCount),
    rank: rankOf(record.rank),
    availability: parseAvailability(record.availability),
    seller: record.seller,
    imageUrl: imageUrlOf(record.image),
    url: productUrlOf(record.url, id),
    position,
    sponsored: record.sponsored ? true : undefined,
  };
  for (const key of Object.keys(item)) if (item[key] === undefined || item[key] === '') delete item[key];
  return item as unknown as Item;
}

/** A listing page: one item per card with an ASIN, in page order, ads flagged. */
export function parseListing(raw: RawPage, context: ParseContext): PageExtraction {
  if (raw.blocked) return { blocked: raw.blocked, items: [], invalid: 0 };
  const items: Item[] = [];
  let invalid = 0;
  for (const record of raw.records) {
    const item = itemOf(record, items.length + 1, context.marketplace);
    if (item) items.push(item);
    else invalid += 1;
  }
  const resultCount = parseResultCount(raw.captures.resultCount);
  return {
    ...(raw.variant ? { variant: raw.variant } : {}),
    items: withOrganicPositions(items),
    invalid,
    ...(raw.nextUrl ? { nextUrl: raw.nextUrl } : {}),
    ...(resultCount === undefined ? {} : { resultCount }),
  };
}
