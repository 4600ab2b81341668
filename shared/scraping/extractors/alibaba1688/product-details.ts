/**
 * A 1688 offer page: `https://detail.1688.com/offer/<id>.html`. Target: the offer id (digits) or
 * an offer URL. No real offer page was available to verify against (see the saved pages'
 * SOURCES.md): the selectors follow 1688's two published detail layouts (the classic `h1.d-title`
 * / `#mod-detail-price` page and the 2021+ `title-content` / `price-content` page) and the demo
 * shop; a layout they miss yields no variant rather than guessed values. The first tier of a
 * tiered price ("≥2件 ¥1.50, ≥100件 ¥1.20") is the price.
 */
import type {
  Extractor,
  ExtractorTarget,
  PageExtraction,
  PageSpec,
  ParseContext,
  RawPage,
} from '../extractor.ts';
import { InvalidTargetError } from '../registry.ts';
import { ALIBABA_BLOCKS, blockOfUrl } from './block-rules.ts';
import { alibabaItemOf } from './offer-item.ts';
import { alibabaOriginOf, offerIdOfUrl, targetUrlOf, urlOn } from './site.ts';

export const ALIBABA_OFFER_SPEC: PageSpec = {
  blocks: ALIBABA_BLOCKS,
  variants: [
    {
      name: 'offer-detail-dom',
      when: 'h1.d-title, .title-content h1, .od-pc-offer-title-contain .title-text',
      fields: {
        title: [
          { selector: '.title-content h1' },
          { selector: 'h1.d-title' },
          { selector: '.od-pc-offer-title-contain .title-text' },
        ],
        priceText: [
          { selector: '.price-content' },
          { selector: '#mod-detail-price .value' },
          { selector: '.price-original-sku .value' },
        ],
        seller: [{ selector: '.company-name' }, { selector: '.shop-company-name' }],
        imageUrl: [{ selector: '#dt-tab img, .detail-gallery-img, .img-list-wrapper img', attribute: 'src' }],
      },
    },
  ],
  captures: {
    offerId: [{ selector: 'meta[name="b2c_auction"]', attribute: 'content', pattern: '^(\\d+)$' }],
    canonical: [
      { selector: 'link[rel="canonical"]', attribute: 'href' },
      { selector: 'meta[property="og:url"]', attribute: 'content' },
    ],
  },
};

export function parseAlibabaOffer(raw: RawPage, context: ParseContext): PageExtraction {
  const blocked = raw.blocked ?? (raw.variant ? undefined : blockOfUrl(raw.url));
  if (blocked) return { blocked, items: [], invalid: 0 };
  if (!raw.variant) return { items: [], invalid: 0 };
  const offerId = raw.captures.offerId ?? offerIdOfUrl(raw.captures.canonical) ?? offerIdOfUrl(raw.url);
  const record = {
    ...raw.records[0],
    url: raw.captures.canonical ?? raw.url,
    ...(offerId ? { offerId } : {}),
  };
  const item = alibabaItemOf(record, 1, context, raw.captures.canonical ?? raw.url);
  return { variant: raw.variant, items: item ? [item] : [], invalid: item ? 0 : 1 };
}

export function offerIdOf(target: ExtractorTarget): string {
  const value = target.value.trim();
  const url = targetUrlOf(value, target.origin);
  const id = url ? offerIdOfUrl(url.pathname) : /^\d{6,20}$/.test(value) ? value : undefined;
  if (!id) {
    throw new InvalidTargetError(
      target.value,
      'is not a 1688 offer: give its id (digits) or a detail.1688.com/offer/<id>.html URL',
    );
  }
  return id;
}

export const alibabaProductDetails: Extractor = {
  platform: '1688',
  crawlType: 'product_details',
  requiredFields: ['id', 'title', 'price', 'currency', 'seller'],
  originOf: alibabaOriginOf,
  pageUrl(target, pageNumber) {
    if (pageNumber !== 1) throw new RangeError(`an offer has one page; asked for page ${pageNumber}`);
    return urlOn(target.origin, 'detail', `/offer/${offerIdOf(target)}.html`);
  },
  spec: ALIBABA_OFFER_SPEC,
  parse: parseAlibabaOffer,
};
