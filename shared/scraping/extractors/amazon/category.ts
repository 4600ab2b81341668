/**
 * amazon/category: the products of a browse node, read as a search filtered on the node,
 * `/s?rh=n:ID&page=N`. Not `/b?node=ID`: for top-level nodes that is a curated landing page
 * with carousels and no list, while `/s?rh=n:ID` always lists products, in the search tiles
 * this module already reads, with the same pagination. A pasted URL contributes its node id
 * (`node=ID`, or `rh=n:ID`).
 */
import type { Extractor } from '../extractor.ts';
import { InvalidTargetError } from '../registry.ts';
import { AMAZON_BLOCKS } from './block-rules.ts';
import { parseListing } from './items.ts';
import { amazonOriginOf, onOrigin, requirePageNumber, targetUrlOf, withPage } from './marketplaces.ts';
import { SEARCH_NEXT_PAGE, SEARCH_RESULT_COUNT, SEARCH_TILE_VARIANTS } from './search-tiles.ts';

export function nodeIdOf(url: URL): string | undefined {
  const node = url.searchParams.get('node');
  if (node && /^\d+$/.test(node)) return node;
  return /(?:^|,)n:(\d+)/.exec(url.searchParams.get('rh') ?? '')?.[1];
}

export const categoryExtractor: Extractor = {
  platform: 'amazon',
  crawlType: 'category',
  // The same tiles as a search: see search-result.ts.
  requiredFields: ['id', 'title', 'url'],
  originOf: amazonOriginOf,
  pageUrl(target, pageNumber) {
    requirePageNumber(pageNumber);
    const url = targetUrlOf(target);
    const node = url ? nodeIdOf(url) : /^\d+$/.exec(target.value.trim())?.[0];
    if (!node) {
      throw new InvalidTargetError(
        target.value,
        url ? 'is a URL without a browse node (node=ID or rh=n:ID)' : 'is not a browse node id (digits)',
      );
    }
    return onOrigin(
      target.origin,
      `/s?${withPage(new URLSearchParams({ rh: `n:${node}` }), 'page', pageNumber)}`,
    );
  },
  spec: {
    blocks: AMAZON_BLOCKS,
    variants: SEARCH_TILE_VARIANTS,
    captures: { resultCount: SEARCH_RESULT_COUNT },
    nextPage: SEARCH_NEXT_PAGE,
  },
  parse: parseListing,
};
