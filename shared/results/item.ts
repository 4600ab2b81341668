/**
 * The item: what an extractor reads from a page (a product, or one entry of a listing) and a
 * browser worker sends, before it becomes a time-stamped snapshot. Results own it; scraping and
 * workers produce it.
 */

export const ITEM_FIELDS = [
  'id',
  'title',
  'price',
  'currency',
  'listPrice',
  'rating',
  'reviewCount',
  'rank',
  'availability',
  'seller',
  'imageUrl',
  'url',
] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];

/** One item as read from one page: a product (detail page) or one entry of a listing. */
export interface Item {
  /** ASIN, 1688 offer id, Ozon SKU. */
  readonly id: string;
  readonly title?: string;
  /** In the currency's major unit (e.g. 149.99), parsed from the page's locale format. */
  readonly price?: number;
  /** ISO 4217 code (USD, EUR, JPY, INR, RUB, CNY...). */
  readonly currency?: string;
  /** List (original, struck-through) price in the same currency, where the page shows one. */
  readonly listPrice?: number;
  /** Stars, 0..5. */
  readonly rating?: number;
  readonly reviewCount?: number;
  /** Position in a ranked list (best sellers), 1-based. */
  readonly rank?: number;
  /** Normalized: 'in_stock' | 'out_of_stock' | 'limited', or the page's own words. */
  readonly availability?: string;
  readonly seller?: string;
  readonly imageUrl?: string;
  readonly url?: string;
  /** 1-based position of the item on its page (listings) — 1 for a detail page. */
  readonly position: number;
}
