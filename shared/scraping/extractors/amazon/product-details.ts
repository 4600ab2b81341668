/**
 * amazon/product_details: one product page (`/dp/ASIN`). The buy-box price moved over the years:
 * `#priceblock_ourprice` / `#priceblock_dealprice` (2017–2021), `#corePrice_feature_div` and
 * `#corePriceDisplay_desktop_feature_div .priceToPay` (2022–2025), and pages whose only offer is
 * a used or a Kindle one show it in the buy box itself. A page with a title but none of these
 * (no featured offer: "See all buying options") is still read, without a price. The first
 * `.a-offscreen` of a page is often a carousel's price for another product: never read it bare.
 */
import type { Extractor, FieldRule, LayoutVariant, PageExtraction, RawPage } from '../extractor.ts';
import { InvalidTargetError } from '../registry.ts';
import { AMAZON_BLOCKS } from './block-rules.ts';
import { asinOf, itemOf, PRODUCT_PATH, productUrlOf } from './items.ts';
import { amazonOriginOf, onOrigin, requirePageNumber, targetUrlOf } from './marketplaces.ts';
import type { Item } from '../../../results/index.ts';

/** What every product-page variant reads besides the price. */
const PRODUCT_FIELDS: Readonly<Record<string, readonly FieldRule[]>> = {
  asin: [
    { selector: 'input#ASIN', attribute: 'value' },
    { selector: 'link[rel="canonical"]', attribute: 'href', pattern: '/dp/([A-Z0-9]{10})' },
  ],
  title: [{ selector: '#productTitle' }, { selector: '#ebooksProductTitle' }],
  rating: [
    { selector: '#acrPopover', attribute: 'title' },
    { selector: '#acrPopover .a-icon-alt' },
    { selector: '#averageCustomerReviews .a-icon-alt' },
  ],
  reviewCount: [{ selector: '#acrCustomerReviewText' }],
  availability: [{ selector: '#availability' }, { selector: '#outOfStock' }],
  seller: [
    { selector: '#sellerProfileTriggerId' },
    { selector: '.tabular-buybox-text[tabular-attribute-name="Sold by"]' },
    { selector: '#merchantInfoFeature_feature_div .offer-display-feature-text-message' },
    {
      selector: '#merchant-info',
      pattern:
        '(?:sold by|verkauf durch|vendido por|vendu par|venduto da)\\s+(.+?)(?:\\s+and\\s|\\.\\s|\\.?$)',
    },
  ],
  image: [
    { selector: '#landingImage', attribute: 'data-old-hires' },
    { selector: '#landingImage', attribute: 'data-a-dynamic-image' },
    { selector: '#landingImage', attribute: 'src' },
    { selector: '#imgBlkFront', attribute: 'src' },
    { selector: '#ebooksImgBlkFront', attribute: 'src' },
  ],
  canonicalUrl: [{ selector: 'link[rel="canonical"]', attribute: 'href' }],
  // The product overview's Brand row; else the byline: "Brand: Intel", "Visit the Rock Stock
  // Store", or (2017) a bare link to the brand's browse node. A book's byline names its author.
  brand: [
    { selector: '#productOverview_feature_div .po-brand .po-break-word' },
    {
      selector: '#bylineInfo',
      pattern: '^(?:Brand|Marke|Marca|Marque|Marchio|Merk|Marka|ブランド)\\s*[:：]\\s*(.+)$',
    },
    {
      selector: '#bylineInfo',
      pattern:
        '^(?:Visit the|Besuche den|Besuchen Sie den|Visita la tienda de|Visitez la boutique|Visita lo Store di)\\s+(.+?)(?:[-\\s]Store|[-\\s]Shop)?$',
    },
    { selector: 'a#bylineInfo[href*="lbr_brands_browse-bin"]' },
  ],
  // The buy box's own struck-through price ("List Price:", "Typical price:", "M.R.P.:"), never a
  // carousel's: every rule is scoped to a buy-box price block.
  listPrice: [
    {
      selector:
        '#corePriceDisplay_desktop_feature_div .basisPrice .a-price[data-a-strike="true"] .a-offscreen',
    },
    { selector: '#corePrice_desktop .a-text-price[data-a-strike="true"] .a-offscreen' },
    { selector: '#corePrice_feature_div .a-text-price[data-a-strike="true"] .a-offscreen' },
    { selector: '#priceblock_listprice' },
    { selector: '#listPrice' },
  ],
};

const variant = (name: string, when: string, price: readonly FieldRule[]): LayoutVariant => ({
  name,
  when,
  fields: { ...PRODUCT_FIELDS, price },
});

export const PRODUCT_VARIANTS: readonly LayoutVariant[] = [
  variant(
    'dp-corePrice-2024',
    '#corePrice_feature_div .a-price, #corePriceDisplay_desktop_feature_div .a-price, #corePrice_desktop .a-price',
    [
      { selector: '#corePriceDisplay_desktop_feature_div .priceToPay .a-offscreen' },
      { selector: '#corePriceDisplay_desktop_feature_div .aok-offscreen' },
      { selector: '#corePrice_feature_div .a-price .a-offscreen' },
      { selector: '#corePrice_desktop .apexPriceToPay .a-offscreen' },
      { selector: '#corePrice_desktop .a-price .a-offscreen' },
    ],
  ),
  variant('dp-priceblock-2017', '#priceblock_dealprice, #priceblock_saleprice, #priceblock_ourprice', [
    { selector: '#priceblock_dealprice' },
    { selector: '#priceblock_saleprice' },
    { selector: '#priceblock_ourprice' },
  ]),
  variant('dp-buybox-offer', '#buybox .offer-price, #newBuyBoxPrice, #price_inside_buybox, #kindle-price', [
    { selector: '#newBuyBoxPrice' },
    { selector: '#price_inside_buybox' },
    { selector: '#kindle-price' },
    { selector: '#buybox .offer-price' },
  ]),
  variant('dp-no-featured-offer', '#productTitle, #ebooksProductTitle', []),
];

/** The product's own URL: the canonical link if it names this ASIN, else the page read. */
function productPageUrl(raw: RawPage, record: Readonly<Record<string, string>>, asin: string): string {
  const canonical = record.canonicalUrl;
  const fromCanonical = productUrlOf(canonical, asin);
  if (fromCanonical) return fromCanonical;
  const fromPage = productUrlOf(raw.url, asin);
  if (fromPage) return fromPage;
  // A variation's page whose canonical link names its parent: same site, this ASIN.
  return canonical && PRODUCT_PATH.test(canonical) ? `${new URL(canonical).origin}/dp/${asin}` : raw.url;
}

export function parseProductPage(raw: RawPage, marketplace: string): PageExtraction {
  if (raw.blocked) return { blocked: raw.blocked, items: [], invalid: 0 };
  const record = raw.records[0];
  if (!raw.variant || !record) return { items: [], invalid: 0 };
  const item = itemOf(record, 1, marketplace);
  if (!item) return { variant: raw.variant, items: [], invalid: 1 };
  const withUrl: Item = { ...item, url: productPageUrl(raw, record, item.id) };
  return { variant: raw.variant, items: [withUrl], invalid: 0 };
}

export const productDetailsExtractor: Extractor = {
  platform: 'amazon',
  crawlType: 'product_details',
  // What a person watching a product needs: which product, what it is called, what it costs.
  requiredFields: ['id', 'title', 'price', 'currency'],
  originOf: amazonOriginOf,
  pageUrl(target, pageNumber) {
    requirePageNumber(pageNumber);
    if (pageNumber > 1) throw new RangeError('a product has one page; there is no page 2');
    const url = targetUrlOf(target);
    const asin = url ? asinOf(PRODUCT_PATH.exec(url.pathname)?.[1]) : asinOf(target.value);
    if (!asin) {
      throw new InvalidTargetError(
        target.value,
        url ? 'is not a product URL (no /dp/ASIN in its path)' : 'is not an ASIN (ten letters and digits)',
      );
    }
    return onOrigin(target.origin, `/dp/${asin}`);
  },
  spec: { blocks: AMAZON_BLOCKS, variants: PRODUCT_VARIANTS },
  parse: (raw, context) => parseProductPage(raw, context.marketplace),
};
