/**
 * The result tiles of Amazon's search pages, which also list a category (`/s?rh=n:ID`). Two
 * markups: `[data-component-type="s-search-result"]` cards (2020–2025; the 2024 redesign moved
 * the link out of the h2 and put the exact review count in an aria-label, the visible one being
 * rounded: "(10.4K)") and the older `li.s-result-item` list (2019 and before). Sponsored tiles
 * link through a redirect; items.ts follows it.
 */
import type { FieldRule, LayoutVariant } from '../extractor.ts';

export const SEARCH_NEXT_PAGE: readonly FieldRule[] = [
  { selector: 'a.s-pagination-next', attribute: 'href' },
  { selector: '#pagnNextLink', attribute: 'href' },
  { selector: '.a-pagination .a-last a', attribute: 'href' },
];

export const SEARCH_TILE_VARIANTS: readonly LayoutVariant[] = [
  {
    name: 'search-s-search-result',
    itemSelector: '[data-component-type="s-search-result"]',
    fields: {
      asin: [{ selector: ':scope', attribute: 'data-asin' }],
      title: [{ selector: 'h2 span' }, { selector: 'h2', attribute: 'aria-label' }, { selector: 'h2' }],
      url: [
        // Not the first link of the title block: sponsored tiles start it with the label's popover.
        { selector: 'a:has(> h2)', attribute: 'href' },
        { selector: 'h2 a', attribute: 'href' },
        { selector: 'a.s-no-outline', attribute: 'href' },
      ],
      // Not `.a-text-price`: that is the struck-through list price ("M.R.P", "Typical price").
      price: [
        { selector: '[data-cy="price-recipe"] .a-price:not(.a-text-price) .a-offscreen' },
        { selector: '.a-price:not(.a-text-price) .a-offscreen' },
      ],
      rating: [
        { selector: 'i[class*="a-icon-star"] .a-icon-alt' },
        { selector: 'i[class*="a-star"] .a-icon-alt' },
      ],
      reviewCount: [
        { selector: 'a[href*="customerReviews"]', attribute: 'aria-label' },
        { selector: 'span[aria-label] > a[href*="customerReviews"]' },
        { selector: 'a[href*="customerReviews"] .s-underline-text' },
      ],
      image: [{ selector: 'img.s-image', attribute: 'src' }],
    },
  },
  {
    name: 'search-s-result-item-2019',
    itemSelector: 'li.s-result-item[data-asin]',
    fields: {
      asin: [{ selector: ':scope', attribute: 'data-asin' }],
      // The h2's attribute holds the title without the "[Sponsored]" prefix its text carries.
      title: [{ selector: 'h2', attribute: 'data-attribute' }, { selector: 'h2' }],
      url: [{ selector: 'a.s-access-detail-page', attribute: 'href' }],
      price: [{ selector: '.s-price' }, { selector: '.a-price:not(.a-text-price) .a-offscreen' }],
      rating: [{ selector: 'i.a-icon-star .a-icon-alt' }],
      reviewCount: [{ selector: 'a[href*="customerReviews"]' }],
      image: [{ selector: 'img.s-access-image', attribute: 'src' }],
    },
  },
];
