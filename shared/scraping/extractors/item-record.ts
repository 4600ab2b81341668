/**
 * The reading every platform shares: a record's raw strings under the conventional names
 * (`title`, `priceText`, `listPriceText`, `unitPriceText`, `brand`, `sponsoredMark`,
 * `ratingText`, `reviewsText`, `availabilityText`, `seller`, `imageUrl`, `url`) parsed into an Item. A platform passes what it reads its own way in `overrides`; fields
 * left undefined are dropped, so completeness counts them as missing.
 */
import { parseAvailability, parseCount, parsePrice, parseRating, parseUnitPrice } from './normalize.ts';
import type { Item } from '../../results/index.ts';

export function itemOfRecord(
  id: string,
  position: number,
  record: Readonly<Record<string, string>>,
  marketplace: string,
  overrides: Partial<Omit<Item, 'id' | 'position'>> = {},
): Item {
  const price = parsePrice(record.priceText, marketplace);
  const item: Item = {
    id,
    position,
    title: record.title,
    price: price?.amount,
    currency: price?.currency,
    listPrice: listPriceOf(record.listPriceText, price, marketplace),
    unitPrice: parseUnitPrice(record.unitPriceText, marketplace),
    brand: record.brand,
    sponsored: record.sponsoredMark ? true : undefined,
    rating: parseRating(record.ratingText),
    reviewCount: parseCount(record.reviewsText),
    availability: parseAvailability(record.availabilityText),
    seller: record.seller,
    imageUrl: record.imageUrl,
    url: record.url,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)) as Item;
}

/**
 * A struck-through price, kept only when it is in the price's currency and above it (a "was"
 * price below the price is another offer's, not this one's list price).
 */
export function listPriceOf(
  text: string | undefined,
  price: { amount: number; currency?: string } | undefined,
  marketplace: string,
): number | undefined {
  const list = parsePrice(text, marketplace);
  if (!list || !price || list.currency !== price.currency || list.amount <= price.amount) return undefined;
  return list.amount;
}

/**
 * Listings: each organic (not sponsored) item's 1-based place among the page's organic items.
 * Ads get none, so the organic order can be rebuilt whatever ads a page carried.
 */
export function withOrganicPositions(items: readonly Item[]): Item[] {
  let organic = 0;
  return items.map((item) => (item.sponsored ? item : { ...item, organicPosition: (organic += 1) }));
}
