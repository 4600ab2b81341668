/**
 * What `npm start` scrapes: the demo shop stands in for the real sites (every Amazon, Ozon and
 * 1688 origin is pointed at it), and on a first start a demo watch list of hourly definitions
 * over the three platforms and every crawl type is created, so items arrive at once, with a few
 * watch rules over it, so changes fire alerts as the shop varies from slot to slot.
 */
import { type DefinitionStore, findPlatform } from '../shared/definitions/index.ts';
import { ConflictError } from '../shared/errors/index.ts';
import type { NewRule, RuleStore } from '../shared/rules/index.ts';
import { findExtractor } from '../shared/scraping/extractors/index.ts';

/**
 * Real site origin → the demo shop's path for it, for SHELFWATCH_SITE_ORIGINS: Amazon
 * marketplaces by domain (`https://www.amazon.co.uk` → `/amazon/co.uk`), Ozon and 1688 whole.
 */
export function demoShopOrigins(shopUrl: string): Record<string, string> {
  const origins: Record<string, string> = {};
  for (const platform of ['amazon', 'ozon', '1688']) {
    for (const marketplace of findPlatform(platform)?.marketplaces ?? []) {
      let origin: string;
      try {
        origin = findExtractor(platform, 'product_details')?.originOf(marketplace) ?? '';
      } catch {
        continue; // a marketplace the extractors do not serve (yet)
      }
      if (!origin) continue;
      const domain = new URL(origin).hostname.replace(/^www\./, '');
      origins[origin] =
        platform === 'amazon'
          ? `${shopUrl}/amazon/${domain.replace(/^amazon\./, '')}`
          : `${shopUrl}/${platform}`;
    }
  }
  return origins;
}

const hourly = { kind: 'every', everyHours: 1 } as const;

/** The demo watch list: small runs (1–3 pages), every platform and crawl type, all priorities. */
export const DEMO_WATCH_LIST = [
  {
    id: 'demo-amazon-kettles',
    platform: 'amazon',
    marketplace: 'US',
    crawlType: 'search_result',
    target: 'electric kettle',
    priority: 'high',
    params: { maxPages: 3, maxItems: 60 },
  },
  {
    id: 'demo-amazon-kitchen-bestsellers',
    platform: 'amazon',
    marketplace: 'US',
    crawlType: 'bestsellers',
    target: 'kitchen',
    params: { maxPages: 2, maxItems: 100 },
  },
  {
    id: 'demo-amazon-headphones-category',
    platform: 'amazon',
    marketplace: 'US',
    crawlType: 'category',
    target: '172541',
    params: { maxPages: 2, maxItems: 100 },
  },
  {
    id: 'demo-amazon-teapot',
    platform: 'amazon',
    marketplace: 'US',
    crawlType: 'product_details',
    // Goes out of stock in the shop's version 1, back in (87 % cheaper) in 2, up again in 3.
    target: 'B0DEMO0264',
    priority: 'high',
  },
  {
    id: 'demo-amazon-de-wasserkocher',
    platform: 'amazon',
    marketplace: 'DE',
    crawlType: 'search_result',
    target: 'wasserkocher',
    priority: 'low',
    params: { maxPages: 2, maxItems: 100 },
  },
  {
    id: 'demo-ozon-chainik',
    platform: 'ozon',
    marketplace: 'RU',
    crawlType: 'search_result',
    target: 'чайник',
    params: { maxPages: 2, maxItems: 100 },
  },
  {
    id: 'demo-ozon-electronics',
    platform: 'ozon',
    marketplace: 'RU',
    crawlType: 'category',
    target: 'elektronika-15500',
    priority: 'low',
    params: { maxPages: 2, maxItems: 100 },
  },
  {
    id: 'demo-ozon-blender',
    platform: 'ozon',
    marketplace: 'RU',
    crawlType: 'product_details',
    // 18 % cheaper in the shop's version 1, out of stock in 2, back in 3.
    target: '123456831',
  },
  {
    id: 'demo-1688-thermos',
    platform: '1688',
    marketplace: 'CN',
    crawlType: 'search_result',
    target: '保温杯',
    params: { maxPages: 2, maxItems: 100 },
  },
  {
    id: 'demo-1688-offer',
    platform: '1688',
    marketplace: 'CN',
    crawlType: 'product_details',
    target: '612345678',
  },
].map((definition) => ({ ...definition, schedule: hourly }));

/**
 * Creates `watchList` if the store holds no definition yet (a first start, or after --reset);
 * returns how many were created.
 */
export async function seedWatchList(
  definitions: DefinitionStore,
  watchList: readonly unknown[],
  nowMs: number,
): Promise<number> {
  const { definitions: existing } = await definitions.list({ limit: 1 });
  if (existing.length > 0) return 0;
  for (const definition of watchList) await definitions.create(definition, nowMs);
  return watchList.length;
}

/**
 * The demo rules: a price drop and a restock anywhere, and a best-seller climbing into the top 3
 * of the kitchen list. Delivered to the rules' SNS topic (the notifier's); the shop's versions
 * (catalog.ts) make each of them fire within the first few slots.
 */
export const DEMO_RULES: readonly NewRule[] = [
  {
    id: 'demo-price-drop-5',
    name: 'Any demo product 5 % cheaper or more',
    scope: { kind: 'all' },
    condition: { kind: 'price_drop', percent: 5 },
    delivery: { sns: true, webhooks: [] },
  },
  {
    id: 'demo-back-in-stock',
    name: 'A demo product back in stock',
    scope: { kind: 'all' },
    condition: { kind: 'back_in_stock' },
    delivery: { sns: true, webhooks: [] },
  },
  {
    id: 'demo-kitchen-top-3',
    name: 'Into the top 3 of the kitchen best sellers',
    scope: { kind: 'definition', definitionId: 'demo-amazon-kitchen-bestsellers' },
    condition: { kind: 'entered_top', top: 3 },
    delivery: { sns: true, webhooks: [] },
  },
];

/**
 * Creates `rules` if the store holds no rule yet (a first start, --reset, or a data folder from
 * before rules): a restart never duplicates them, and a demo rule deleted stays deleted while
 * any rule is left. A rule whose id exists (two starts at once) is left as it is. Returns how
 * many were created.
 */
export async function seedRules(
  store: Pick<RuleStore, 'list' | 'create'>,
  rules: readonly NewRule[],
  nowMs: number,
): Promise<number> {
  const { rules: existing } = await store.list({ limit: 1 });
  if (existing.length > 0) return 0;
  let created = 0;
  for (const rule of rules) {
    try {
      await store.create(rule, nowMs);
      created += 1;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return created;
}
