/**
 * What an engine read, comparable across engines: Shelfwatch saves parsed items (numbers) in
 * DynamoDB, Crawlee's handlers push the tiles' raw strings. Both are brought to one row per item —
 * id, title, price, rating, review count, and whether it has a product link and an image — and
 * summed up as counts per field plus a digest of the sorted rows. Equal readings: the same items
 * with the same values. The raw strings are the demo shop's (en-US: "$12.34", "4.5 out of 5
 * stars", "1,234 ratings"); nothing here is meant for real pages.
 */
import { createHash } from 'node:crypto';
import type { Readings } from './job.ts';

export interface ComparableItem {
  readonly id: string;
  readonly title?: string | undefined;
  readonly price?: number | undefined;
  readonly rating?: number | undefined;
  readonly reviewCount?: number | undefined;
  readonly hasProductUrl: boolean;
  readonly hasImage: boolean;
}

/** One search tile as the Crawlee handlers read it: the strings of the extractor's selectors. */
export interface RawTile {
  readonly asin?: string | undefined;
  readonly title?: string | undefined;
  /** Resolved against the page. */
  readonly url?: string | undefined;
  readonly price?: string | undefined;
  readonly rating?: string | undefined;
  readonly reviewCount?: string | undefined;
  /** Resolved against the page. */
  readonly image?: string | undefined;
}

const numberIn = (text: string | undefined, pattern: RegExp): number | undefined => {
  const match = text === undefined ? null : pattern.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1].replaceAll(',', ''));
};

export function comparableOfTile(tile: RawTile): ComparableItem {
  const id = tile.asin ?? '';
  return {
    id,
    title: tile.title || undefined,
    price: numberIn(tile.price, /([\d,]+(?:\.\d+)?)/),
    rating: numberIn(tile.rating, /^(\d+(?:\.\d+)?) out of/),
    reviewCount: numberIn(tile.reviewCount, /^([\d,]+)/),
    hasProductUrl: id !== '' && tile.url !== undefined && new RegExp(`/dp/${id}(?:[/?#]|$)`).test(tile.url),
    hasImage: tile.image !== undefined && /^https?:\/\//.test(tile.image),
  };
}

const FIELDS = ['title', 'price', 'rating', 'reviewCount'] as const;

export function readingsOf(items: readonly ComparableItem[]): Readings {
  const fieldsPresent: Record<string, number> = {};
  const count = (name: string, present: boolean) => {
    fieldsPresent[name] = (fieldsPresent[name] ?? 0) + (present ? 1 : 0);
  };
  const rows = items.map((item) => {
    count('id', item.id !== '');
    for (const field of FIELDS) count(field, item[field] !== undefined);
    count('url', item.hasProductUrl);
    count('image', item.hasImage);
    return [item.id, ...FIELDS.map((field) => String(item[field] ?? '')), item.hasProductUrl, item.hasImage]
      .map(String)
      .join('\t');
  });
  const digest = createHash('sha256').update(rows.sort().join('\n')).digest('hex').slice(0, 16);
  return { items: items.length, fieldsPresent, digest };
}

/** Whether every engine read the same thing; the engines that differ from the first, if not. */
export function sameReadings(byEngine: readonly { engine: string; readings: Readings }[]): string[] {
  const first = byEngine[0];
  if (!first) return [];
  const key = (readings: Readings) => JSON.stringify([readings.items, readings.digest]);
  return byEngine.filter(({ readings }) => key(readings) !== key(first.readings)).map(({ engine }) => engine);
}
