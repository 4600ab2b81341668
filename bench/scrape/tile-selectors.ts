/**
 * The selectors both Crawlee peers read a demo-shop search tile with, written as a Crawlee user
 * would write them for these pages (the first rule of each field of Shelfwatch's Amazon search
 * extractor, which is what these tiles match). Each peer applies them with its own API:
 * `page.$$eval` in Chromium, `$(…)` in Cheerio.
 */
export const TILE_SELECTOR = '[data-component-type="s-search-result"]';
export const NEXT_PAGE_SELECTOR = 'a.s-pagination-next';

export const TILE_FIELDS = {
  title: 'h2 span',
  url: 'a:has(> h2)',
  price: '[data-cy="price-recipe"] .a-price:not(.a-text-price) .a-offscreen',
  rating: 'i[class*="a-icon-star"] .a-icon-alt',
  /** Its `aria-label` ("1,234 ratings"). */
  reviewCount: 'a[href*="customerReviews"]',
  image: 'img.s-image',
} as const;
