/**
 * The demo shop's goods: deterministic (the same id always gives the same product), so tests,
 * the local pipeline and the benchmark see stable pages without any stored data.
 */

export interface DemoProduct {
  readonly id: string;
  readonly title: string;
  /** In minor units of the currency. */
  readonly priceMinor: number;
  readonly currency: string;
  readonly rating: number;
  readonly reviews: number;
  readonly available: boolean;
  readonly seller: string;
}

const NOUNS = [
  'Kettle',
  'Blanket',
  'Headphones',
  'Desk Lamp',
  'Backpack',
  'Teapot',
  'Charger',
  'Mug',
  'Umbrella',
  'Keyboard',
];
const ADJECTIVES = [
  'Stainless',
  'Cozy',
  'Wireless',
  'Compact',
  'Waterproof',
  'Classic',
  'Fast',
  'Ceramic',
  'Foldable',
  'Quiet',
];
const SELLERS = ['Northwind Goods', 'Blue Harbor', 'Maple & Co', 'Shenzhen Bright', 'Volga Trade'];

/** A 32-bit hash of a string (FNV-1a): the seed of everything about a product. */
export function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

export const CURRENCY: Record<string, string> = { amazon: 'USD', ozon: 'RUB', '1688': 'CNY' };

export function productOf(platform: string, id: string): DemoProduct {
  const seed = hash(`${platform}:${id}`);
  const pick = <T>(list: readonly T[], shift: number): T => list[(seed >>> shift) % list.length] as T;
  return {
    id,
    title: `${pick(ADJECTIVES, 0)} ${pick(NOUNS, 4)} ${(seed % 90) + 10}`,
    priceMinor: 199 + (seed % 20_000),
    currency: CURRENCY[platform] ?? 'USD',
    rating: Math.round((3 + ((seed >>> 8) % 21) / 10) * 10) / 10,
    reviews: (seed >>> 12) % 5_000,
    available: seed % 11 !== 0,
    seller: pick(SELLERS, 16),
  };
}

/** Product ids on one page of a listing (search, category, best sellers). */
export function listingIds(platform: string, listing: string, page: number, perPage: number): string[] {
  return Array.from({ length: perPage }, (_, index) => {
    const seed = hash(`${platform}:${listing}:${page}:${index}`);
    if (platform === 'amazon') return `B0${seed.toString(36).toUpperCase().padStart(8, '0').slice(0, 8)}`;
    return String(100_000_000 + (seed % 900_000_000));
  });
}

export const formatPrice = (product: DemoProduct): string => {
  const major = (product.priceMinor / 100).toFixed(2);
  if (product.currency === 'USD') return `$${major}`;
  if (product.currency === 'RUB') return `${Math.round(product.priceMinor / 100)} ₽`;
  return `¥${major}`;
};
