/**
 * amazon/bestsellers: a Best Sellers list, `/gp/bestsellers/<category>?pg=N` (category as the
 * site spells it: `kitchen`, `electronics/172541`; none: the landing page). The rank is the
 * badge each card wears ("#1"). Markups: the `#gridItemRoot` grid of a category list (2022–2025),
 * the landing page's per-category carousels (2024: ranks restart at #1 in each carousel), and
 * the `li.zg-item-immersion` list (2019–2021).
 */
import type { Extractor, FieldRule, LayoutVariant } from '../extractor.ts';
import { InvalidTargetError } from '../registry.ts';
import { AMAZON_BLOCKS } from './block-rules.ts';
import { parseListing } from './items.ts';
import { amazonOriginOf, onOrigin, requirePageNumber, targetUrlOf, withPage } from './marketplaces.ts';

/** Card fields common to every best-seller markup (they share Amazon's p13n faceout). */
const CARD_FIELDS: Readonly<Record<string, readonly FieldRule[]>> = {
  // The landing page's carousel cards carry an empty data-asin: the link names the product.
  asin: [
    { selector: '[data-asin]:not([data-asin=""])', attribute: 'data-asin' },
    { selector: 'a[href*="/dp/"]', attribute: 'href', pattern: '/dp/([A-Z0-9]{10})' },
  ],
  title: [
    { selector: '[class*="p13n-sc-css-line-clamp"]' },
    { selector: '[class*="p13n-sc-truncate"]' },
    { selector: 'img', attribute: 'alt' },
  ],
  url: [{ selector: 'a[href*="/dp/"]', attribute: 'href' }],
  price: [
    { selector: '[class*="p13n-sc-price"]' },
    { selector: '.a-price:not(.a-text-price) .a-offscreen' },
    { selector: '.a-color-price' },
  ],
  rating: [{ selector: '.a-icon-row .a-icon-alt' }, { selector: 'i[class*="a-icon-star"] .a-icon-alt' }],
  reviewCount: [{ selector: '.a-icon-row .a-size-small' }],
  image: [{ selector: 'img', attribute: 'src' }],
};

export const BESTSELLER_VARIANTS: readonly LayoutVariant[] = [
  {
    name: 'zgbs-grid-2022',
    itemSelector: '[id="gridItemRoot"]',
    fields: { ...CARD_FIELDS, rank: [{ selector: '.zg-bdg-text' }] },
  },
  {
    name: 'zgbs-carousel-2024',
    itemSelector: '.a-carousel-card:has(.zg-bdg-text)',
    fields: { ...CARD_FIELDS, rank: [{ selector: '.zg-bdg-text' }] },
  },
  {
    name: 'zgbs-item-immersion-2019',
    itemSelector: 'li.zg-item-immersion',
    fields: { ...CARD_FIELDS, rank: [{ selector: '.zg-badge-text' }, { selector: '.zg-bdg-text' }] },
  },
];

/** `kitchen`, `electronics/172541`, or '' for the landing page, from a slug or a pasted URL. */
export function bestsellerCategoryOf(value: string, url: URL | undefined): string | undefined {
  let category = value.trim().replace(/^\/+|\/+$/g, '');
  if (url) {
    const path = url.pathname.replace(/\/ref=[^/]*$/, '').replace(/\/+$/, '');
    const match = /\/(?:gp\/bestsellers|zgbs)(?:\/(.*))?$/.exec(path);
    if (!match) return undefined;
    category = match[1] ?? '';
  }
  return /^(?:[\w-]+(?:\/\d+)*)?$/.test(category) ? category : undefined;
}

export const bestsellersExtractor: Extractor = {
  platform: 'amazon',
  crawlType: 'bestsellers',
  // A best-seller card always shows its rank, title and link; cards of an item without a
  // featured offer show no price (and the landing page's carousels show none at all).
  requiredFields: ['id', 'title', 'rank', 'url'],
  originOf: amazonOriginOf,
  pageUrl(target, pageNumber) {
    requirePageNumber(pageNumber);
    const url = targetUrlOf(target);
    const category = bestsellerCategoryOf(target.value, url);
    if (category === undefined || (!url && category === '')) {
      throw new InvalidTargetError(
        target.value,
        url
          ? 'is not a Best Sellers URL (/gp/bestsellers/…)'
          : 'is not a category (e.g. kitchen or electronics/172541)',
      );
    }
    const path = category ? `/gp/bestsellers/${category}` : '/gp/bestsellers';
    const query = withPage(new URLSearchParams(), 'pg', pageNumber);
    return onOrigin(target.origin, query ? `${path}?${query}` : path);
  },
  spec: {
    blocks: AMAZON_BLOCKS,
    variants: BESTSELLER_VARIANTS,
    nextPage: [
      { selector: '.a-pagination .a-last a', attribute: 'href' },
      { selector: 'a.s-pagination-next', attribute: 'href' },
    ],
  },
  parse: parseListing,
};
