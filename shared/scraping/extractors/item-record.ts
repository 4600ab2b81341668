/**
 * The reading every platform shares: a record's raw strings under the conventional names
 * (`title`, `priceText`, `ratingText`, `reviewsText`, `availabilityText`, `seller`, `imageUrl`,
 * `url`) parsed into an Item. A platform passes what it reads its own way in `overrides`; fields
 * left undefined are dropped, so completeness counts them as missing.
 */
import { parseAvailability, parseCount, parsePrice, parseRating } from './normalize.ts';
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
