/**
 * The result tiles of Amazon's search pages, which also list a category (`/s?rh=n:ID`). Two
 * markups: `[data-component-type="s-search-result"]` cards (2020–2025; the 2024 redesign moved
 * the link out of the h2 and put the exact review count in an aria-label, the visible one being
 * rounded: "(10.4K)") and the older `li.s-result-item` list (2019 and before). Sponsored tiles
 * link through a redirect; items.ts follows it.
 */
import type { FieldRule, LayoutVariant } from '../extractor.ts';

/** "1-16 of 306 results for", "1-16 von 86 Ergebnissen oder Vorschlägen für". */
export const SEARCH_RESULT_COUNT: readonly FieldRule[] = [
  { selector: '[data-component-type="s-result-info-bar"] .s-breadcrumb-header-text h2' },
  { selector: '.s-breadcrumb-header-text h2' },
  { selector: '#s-result-count' },
];

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
      // The struck-through "M.R.P" / "Typical price" / "List:" (not the unit price, also a text price).
      listPrice: [{ selector: '.a-price.a-text-price[data-a-strike="true"] .a-offscreen' }],
      // "(₹2,29,900/100 g)": a secondary span holding a text price that is not struck through.
      unitPrice: [
        { selector: 'span.a-color-secondary:has(> .a-price.a-text-price:not([data-a-strike="true"]))' },
      ],
      sponsored: [
        { selector: '.puis-sponsored-label-text' },
        { selector: '.s-sponsored-label-text' },
        { selector: ':scope', attribute: 'data-component-type', pattern: '^(sp-sponsored-result)$' },
      ],
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
      // "von Imline": the byline under the title (brand, or author for books).
      brand: [
        {
          selector: '.a-row.a-spacing-small > .a-row.a-spacing-none:not(:has(h2))',
          pattern: '^(?:von|by|de|di|par|door|av)\\s+(.+)$',
        },
      ],
      // "EUR 25,99" beside the price (not the empty strike of "Andere Angebote", inside a link).
      listPrice: [{ selector: '.a-row.a-spacing-none > .a-text-strike' }],
      sponsored: [
        { selector: 'h5.s-sponsored-header' },
        { selector: '.s-sponsored-info-icon', attribute: 'class' },
      ],
    },
  },
];
