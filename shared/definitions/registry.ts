/**
 * Platforms and crawl types are open for extension: an extractor package registers what it adds
 * (`registerPlatform`, `registerCrawlType`) and definitions naming them validate from then on.
 */

export interface PlatformRegistration {
  readonly id: string;
  readonly description: string;
  /** Marketplace codes a definition of this platform may name (upper case). */
  readonly marketplaces: readonly string[];
}

export interface CrawlTypeRegistration {
  readonly id: string;
  readonly description: string;
  /** What `target` holds for this crawl type, for error messages and docs. */
  readonly target: string;
}

const IDENTIFIER = /^[a-z0-9][a-z0-9_-]{0,31}$/;

const platforms = new Map<string, PlatformRegistration>();
const crawlTypes = new Map<string, CrawlTypeRegistration>();

export function registerPlatform(platform: PlatformRegistration): void {
  if (!IDENTIFIER.test(platform.id))
    throw new TypeError(`platform id "${platform.id}" must match ${IDENTIFIER}`);
  if (platform.marketplaces.length === 0)
    throw new TypeError(`platform "${platform.id}" needs a marketplace`);
  platforms.set(platform.id, {
    ...platform,
    marketplaces: platform.marketplaces.map((m) => m.toUpperCase()),
  });
}

export function registerCrawlType(crawlType: CrawlTypeRegistration): void {
  if (!IDENTIFIER.test(crawlType.id)) {
    throw new TypeError(`crawl type id "${crawlType.id}" must match ${IDENTIFIER}`);
  }
  crawlTypes.set(crawlType.id, crawlType);
}

export const findPlatform = (id: string): PlatformRegistration | undefined => platforms.get(id);
export const findCrawlType = (id: string): CrawlTypeRegistration | undefined => crawlTypes.get(id);
export const platformIds = (): string[] => [...platforms.keys()];
export const crawlTypeIds = (): string[] => [...crawlTypes.keys()];

registerPlatform({
  id: 'amazon',
  description: 'Amazon marketplaces',
  marketplaces: [
    'US',
    'CA',
    'MX',
    'BR',
    'UK',
    'IE',
    'DE',
    'FR',
    'IT',
    'ES',
    'NL',
    'BE',
    'SE',
    'PL',
    'TR',
    'AE',
    'SA',
    'EG',
    'IN',
    'JP',
    'AU',
    'SG',
  ],
});
registerPlatform({ id: '1688', description: '1688.com (Alibaba China wholesale)', marketplaces: ['CN'] });
registerPlatform({ id: 'ozon', description: 'Ozon', marketplaces: ['RU', 'KZ', 'BY', 'UZ'] });

registerCrawlType({
  id: 'product_details',
  description: 'One product page',
  target: 'a product id (ASIN, offer id, SKU) or the product URL',
});
registerCrawlType({ id: 'category', description: 'A category listing', target: 'a category id or URL' });
registerCrawlType({
  id: 'search_result',
  description: 'Search results for a keyword',
  target: 'the keyword',
});
registerCrawlType({ id: 'bestsellers', description: 'A best-seller list', target: 'a category id or URL' });
