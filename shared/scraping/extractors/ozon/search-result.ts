/**
 * Ozon search results: `/search/?text=<keyword>&page=N`. Target: the keyword, or a search URL
 * (its `text` parameter is the keyword).
 */
import type { Extractor, ExtractorTarget } from '../extractor.ts';
import { InvalidTargetError } from '../registry.ts';
import { OZON_LISTING_SPEC, parseOzonListing } from './listing.ts';
import { baseOf, ozonOriginOf, pathOfTargetUrl } from './site.ts';

const MAX_KEYWORD_LENGTH = 200;

export function keywordOf(target: ExtractorTarget): string {
  const value = target.value.trim();
  const url = pathOfTargetUrl(value, target.origin);
  const keyword = (url ? (url.searchParams.get('text') ?? '') : value).trim();
  if (!keyword || keyword.length > MAX_KEYWORD_LENGTH) {
    throw new InvalidTargetError(
      target.value,
      `is not an Ozon search: give a keyword of 1 to ${MAX_KEYWORD_LENGTH} characters or a /search/?text= URL`,
    );
  }
  return keyword;
}

export const ozonSearchResult: Extractor = {
  platform: 'ozon',
  crawlType: 'search_result',
  requiredFields: ['id', 'title', 'price', 'currency', 'url'],
  originOf: ozonOriginOf,
  pageUrl(target, pageNumber) {
    const query = new URLSearchParams({ text: keywordOf(target) });
    if (pageNumber > 1) query.set('page', String(pageNumber));
    return `${baseOf(target.origin)}/search/?${query.toString()}`;
  },
  spec: OZON_LISTING_SPEC,
  parse: parseOzonListing,
};
