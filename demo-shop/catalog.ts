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
/** 1688's goods are named in Chinese, as on the site (its pages are GBK: see gbk.ts). */
const NOUNS_ZH = [
  '电热水壶',
  '毛毯',
  '无线耳机',
  '台灯',
  '双肩包',
  '茶壶',
  '充电器',
  '马克杯',
  '雨伞',
  '键盘',
];
const ADJECTIVES_ZH = ['不锈钢', '加厚', '蓝牙', '迷你', '防水', '经典款', '快充', '陶瓷', '折叠', '静音'];
const SELLERS_ZH = [
  '义乌市优品百货商行',
  '深圳市明亮电子有限公司',
  '广州汇好科技有限公司',
  '永康市精工厂',
  '浙江家居用品有限公司',
];
const NAMES: Record<
  string,
  { nouns: readonly string[]; adjectives: readonly string[]; sellers: readonly string[] }
> = {
  '1688': { nouns: NOUNS_ZH, adjectives: ADJECTIVES_ZH, sellers: SELLERS_ZH },
};
const NAMES_IN_ENGLISH = { nouns: NOUNS, adjectives: ADJECTIVES, sellers: SELLERS };

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

/**
 * The shop's version: 0 is the original catalogue; each later version is a deterministic variation
 * of it (a function of the version alone, not of the versions before), so a test or a demo that
 * moves the shop from one version to the next sees the same changes every time. In a version > 0,
 * about one product in VARIED_ONE_IN has another price, and about one in the same number has its
 * stock flipped; on listings, about one place in VARIED_ONE_IN holds another product, and about
 * one page in SWAPPED_ONE_IN has two neighbouring places swapped (the items' ranks move).
 */
export const VARIED_ONE_IN = 8;
export const SWAPPED_ONE_IN = 4;

/** MurmurHash3's finalizer: FNV-1a's low bits of similar strings are too alike for `% n`. */
function mixed(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Whether (and how) a version varies something: a seed when it does, undefined when not. */
function variationOf(subject: string, version: number, oneIn = VARIED_ONE_IN): number | undefined {
  if (version === 0) return undefined;
  const seed = mixed(hash(`${subject}:v${version}`));
  return seed % oneIn === 0 ? seed : undefined;
}

export function productOf(platform: string, id: string, version = 0): DemoProduct {
  const seed = hash(`${platform}:${id}`);
  const pick = <T>(list: readonly T[], shift: number): T => list[(seed >>> shift) % list.length] as T;
  const repriced = variationOf(`${platform}:${id}:price`, version);
  const restocked = variationOf(`${platform}:${id}:stock`, version);
  const names = NAMES[platform] ?? NAMES_IN_ENGLISH;
  const original = {
    id,
    title: `${pick(names.adjectives, 0)} ${pick(names.nouns, 4)} ${(seed % 90) + 10}`,
    priceMinor: 199 + (seed % 20_000),
    currency: CURRENCY[platform] ?? 'USD',
    rating: Math.round((3 + ((seed >>> 8) % 21) / 10) * 10) / 10,
    reviews: (seed >>> 12) % 5_000,
    available: seed % 11 !== 0,
    seller: pick(names.sellers, 16),
  };
  return {
    ...original,
    ...(repriced === undefined ? {} : { priceMinor: 199 + (repriced % 20_000) }),
    ...(restocked === undefined ? {} : { available: !original.available }),
  };
}

/** Product ids on one page of a listing (search, category, best sellers) in a version of the shop. */
export function listingIds(
  platform: string,
  listing: string,
  page: number,
  perPage: number,
  version = 0,
): string[] {
  const ids = Array.from({ length: perPage }, (_, index) => {
    const place = `${platform}:${listing}:${page}:${index}`;
    const seed = variationOf(place, version) ?? hash(place);
    if (platform === 'amazon') return `B0${seed.toString(36).toUpperCase().padStart(8, '0').slice(0, 8)}`;
    return String(100_000_000 + (seed % 900_000_000));
  });
  const swap = variationOf(`${platform}:${listing}:${page}:order`, version, SWAPPED_ONE_IN);
  if (swap !== undefined && perPage > 1) {
    const index = Math.floor(swap / SWAPPED_ONE_IN) % (perPage - 1);
    [ids[index], ids[index + 1]] = [ids[index + 1] as string, ids[index] as string];
  }
  return ids;
}

export const formatPrice = (product: DemoProduct): string => {
  const major = (product.priceMinor / 100).toFixed(2);
  if (product.currency === 'USD') return `$${major}`;
  if (product.currency === 'RUB') return `${Math.round(product.priceMinor / 100)} ₽`;
  return `¥${major}`;
};
