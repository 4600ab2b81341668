/**
 * amazon/search_result: the result pages for a keyword, `/s?k=KEYWORD&page=N` (page 1 without
 * `page`). A pasted search URL contributes its keyword (`k`, or the older `field-keywords`).
 */
import type { Extractor } from '../extractor.ts';
import { InvalidTargetError } from '../registry.ts';
import { AMAZON_BLOCKS } from './block-rules.ts';
import { parseListing } from './items.ts';
import { amazonOriginOf, onOrigin, requirePageNumber, targetUrlOf, withPage } from './marketplaces.ts';
import { SEARCH_NEXT_PAGE, SEARCH_RESULT_COUNT, SEARCH_TILE_VARIANTS } from './search-tiles.ts';

export const searchResultExtractor: Extractor = {
  platform: 'amazon',
  crawlType: 'search_result',
  // A result tile always shows its title and links to the product; some show no price (no
  // featured offer, "See options"), so price is measured but not required.
  requiredFields: ['id', 'title', 'url'],
  originOf: amazonOriginOf,
  pageUrl(target, pageNumber) {
    requirePageNumber(pageNumber);
    const url = targetUrlOf(target);
    const keyword = (
      url ? (url.searchParams.get('k') ?? url.searchParams.get('field-keywords')) : target.value
    )
      ?.replace(/\s+/g, ' ')
      .trim();
    if (!keyword) {
      throw new InvalidTargetError(target.value, url ? 'is a URL without a search keyword (k=)' : 'is empty');
    }
    return onOrigin(target.origin, `/s?${withPage(new URLSearchParams({ k: keyword }), 'page', pageNumber)}`);
  },
  spec: {
    blocks: AMAZON_BLOCKS,
    variants: SEARCH_TILE_VARIANTS,
    captures: { resultCount: SEARCH_RESULT_COUNT },
    nextPage: SEARCH_NEXT_PAGE,
  },
  parse: parseListing,
};
