/**
 * Extractors by (platform, crawl type). Each platform's module registers its extractors when
 * imported; `shared/scraping/extractors/index.ts` imports them all.
 */
import { ShelfwatchError } from '../../errors/index.ts';
import type { Extractor } from './extractor.ts';

const extractors = new Map<string, Extractor>();
const keyOf = (platform: string, crawlType: string): string => `${platform}/${crawlType}`;

export function registerExtractor(extractor: Extractor): void {
  extractors.set(keyOf(extractor.platform, extractor.crawlType), extractor);
}

export const findExtractor = (platform: string, crawlType: string): Extractor | undefined =>
  extractors.get(keyOf(platform, crawlType));

export const registeredExtractors = (): Extractor[] => [...extractors.values()];

/** No extractor for the run's (platform, crawl type): a permanent failure. */
export class UnknownExtractorError extends ShelfwatchError {
  readonly platform: string;
  readonly crawlType: string;
  constructor(platform: string, crawlType: string) {
    super(
      'invalid',
      'UNKNOWN_EXTRACTOR',
      `no extractor for platform "${platform}" and crawl type "${crawlType}"; registered: ${
        [...extractors.keys()].join(', ') || 'none'
      }`,
    );
    this.platform = platform;
    this.crawlType = crawlType;
  }
}

/** The target cannot be scraped by this extractor (e.g. not an ASIN, a URL of another site). */
export class InvalidTargetError extends ShelfwatchError {
  readonly target: string;
  constructor(target: string, why: string) {
    super('invalid', 'INVALID_TARGET', `target "${target}" ${why}`);
    this.target = target;
  }
}

export function requireExtractor(platform: string, crawlType: string): Extractor {
  const extractor = findExtractor(platform, crawlType);
  if (!extractor) throw new UnknownExtractorError(platform, crawlType);
  return extractor;
}
