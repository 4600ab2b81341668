/**
 * An Ozon category listing: `/category/<slug>/?page=N`. Target: the slug (`kartiny-7000`), a
 * path (`/category/kartiny-7000/`) or a URL of one.
 */
import type { Extractor, ExtractorTarget } from '../extractor.ts';
import { InvalidTargetError } from '../registry.ts';
import { OZON_LISTING_SPEC, parseOzonListing } from './listing.ts';
import { baseOf, ozonOriginOf, pathOfTargetUrl } from './site.ts';

const SLUG_PATH = /^\/?(?:category\/)?([a-z0-9_-]+(?:\/[a-z0-9_-]+)*)\/?$/i;

export function categoryPathOf(target: ExtractorTarget): string {
  const value = target.value.trim();
  const url = pathOfTargetUrl(value, target.origin);
  const path = url ? /\/category\/(.+)$/.exec(url.pathname)?.[1] : value;
  const slug = path === undefined ? undefined : SLUG_PATH.exec(path)?.[1];
  if (!slug) {
    throw new InvalidTargetError(
      target.value,
      'is not an Ozon category: give its slug (kartiny-7000), /category/<slug>/ or its URL',
    );
  }
  return slug;
}

export const ozonCategory: Extractor = {
  platform: 'ozon',
  crawlType: 'category',
  requiredFields: ['id', 'title', 'price', 'currency', 'url'],
  originOf: ozonOriginOf,
  pageUrl(target, pageNumber) {
    const url = `${baseOf(target.origin)}/category/${categoryPathOf(target)}/`;
    return pageNumber > 1 ? `${url}?page=${pageNumber}` : url;
  },
  spec: OZON_LISTING_SPEC,
  parse: parseOzonListing,
};
