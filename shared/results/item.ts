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
  'unitPrice',
  'brand',
  'rating',
  'reviewCount',
  'rank',
  'availability',
  'seller',
  'imageUrl',
  'url',
  'sponsored',
  'organicPosition',
] as const;
export type ItemField = (typeof ITEM_FIELDS)[number];

/** A price per unit of measure, as the page shows it: "€12.50/kg" is { 12.5, EUR, "kg" }. */
export interface UnitPrice {
  /** In the currency's major unit. */
  readonly amount: number;
  /** ISO 4217 code, as for the item's price. */
  readonly currency?: string;
  /** The unit as written after the slash ("kg", "100 g", "l", "count", "шт"). */
  readonly unit: string;
}

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
  /** Price per unit of measure, where the page shows one. */
  readonly unitPrice?: UnitPrice;
  /** The brand the page names (not guessed from the title). */
  readonly brand?: string;
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
  /**
   * An ad: a sponsored / promoted / P4P tile. Only ever `true` when the page marks the tile;
   * absent otherwise. An ad and the same item's organic tile are two items (two snapshots).
   */
  readonly sponsored?: boolean;
  /**
   * Listings: 1-based position among the page's organic (not sponsored) items; absent on ads and
   * on detail pages. Organic rank over a run = organic items on earlier pages + this.
   */
  readonly organicPosition?: number;
}
