/**
 * 1688 search results: `https://s.1688.com/selloffer/offer_search.htm?keywords=<GBK>&beginPage=N`.
 * Target: the keyword, or a search URL (its `keywords` parameter). The keyword is GBK-encoded for
 * 1688 itself and UTF-8-encoded for any other origin (the demo shop reads UTF-8).
 *
 * Offer ids: the cards' links mostly go through dj.1688.com click redirects that hide the id; the
 * card's wrapper carries it in its analytics record (`data-aplus-report="object_type@offer^
 * object_id@718152613503^…"`), and organic cards also link detail.1688.com/offer/<id>.html.
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
import { encodeGbk } from './gbk.ts';
import { withOrganicPositions } from '../item-record.ts';
import { alibabaItemOf } from './offer-item.ts';
import { alibabaOriginOf, isReal1688, OFFER_IN_PATH, targetUrlOf, urlOn } from './site.ts';
import type { Item } from '../../../results/index.ts';

const MAX_KEYWORD_LENGTH = 100;
/** Each card once: the analytics wrapper when there is one, else the bare card. */
const CARDS =
  'div[data-aplus-report*="object_id@"]:has(> .offer_item), .offer_item:not([data-aplus-report*="object_id@"] > .offer_item)';

export const ALIBABA_SEARCH_SPEC: PageSpec = {
  blocks: ALIBABA_BLOCKS,
  variants: [
    {
      name: 'offer-cards-dom',
      when: '.offer_item',
      itemSelector: CARDS,
      fields: {
        offerId: [
          { selector: ':scope', attribute: 'data-aplus-report', pattern: 'object_id@(\\d+)' },
          { selector: 'a[href*="/offer/"]', attribute: 'href', pattern: OFFER_IN_PATH },
        ],
        title: [{ selector: '.subject', attribute: 'title' }, { selector: '.subject' }],
        priceText: [{ selector: '.price' }],
        seller: [
          { selector: '.J_WangWang[data-nick]', attribute: 'data-nick' },
          { selector: '.company-name' },
        ],
        url: [{ selector: 'a[href]', attribute: 'href' }],
        imageUrl: [{ selector: '.mainPic img', attribute: 'src' }],
        // P4P (paid placement) cards say so in their analytics record: `_p_isad@1^…^itemType@p4p`;
        // organic ones carry `_p_isad@0^…^itemType@nature`.
        sponsoredMark: [
          { selector: ':scope', attribute: 'data-aplus-report', pattern: '(?:^|\\^)_p_isad@(1)(?:\\^|$)' },
          { selector: ':scope', attribute: 'data-aplus-report', pattern: '(?:^|\\^)itemType@(p4p)(?:\\^|$)' },
        ],
      },
    },
  ],
  nextPage: [{ selector: 'a.fui-next[href], a.next-pagination-item.next[href]', attribute: 'href' }],
};

export function parseAlibabaListing(raw: RawPage, context: ParseContext): PageExtraction {
  const blocked = raw.blocked ?? (raw.variant ? undefined : blockOfUrl(raw.url));
  if (blocked) return { blocked, items: [], invalid: 0 };
  if (!raw.variant) return { items: [], invalid: 0 };
  const items: Item[] = [];
  let invalid = 0;
  raw.records.forEach((record, index) => {
    const item = alibabaItemOf(record, index + 1, context, raw.url);
    if (item) items.push(item);
    else invalid += 1;
  });
  return {
    variant: raw.variant,
    items: withOrganicPositions(items),
    invalid,
    ...(raw.nextUrl ? { nextUrl: raw.nextUrl } : {}),
  };
}

export function keywordsOf(target: ExtractorTarget): string {
  const value = target.value.trim();
  const url = targetUrlOf(value, target.origin);
  const keyword = (url ? (url.searchParams.get('keywords') ?? '') : value).trim();
  if (!keyword || keyword.length > MAX_KEYWORD_LENGTH) {
    throw new InvalidTargetError(
      target.value,
      `is not a 1688 search: give a keyword of 1 to ${MAX_KEYWORD_LENGTH} characters or an offer_search.htm URL`,
    );
  }
  return keyword;
}

export const alibabaSearchResult: Extractor = {
  platform: '1688',
  crawlType: 'search_result',
  requiredFields: ['id', 'title', 'price', 'currency', 'url'],
  originOf: alibabaOriginOf,
  pageUrl(target, pageNumber) {
    const keyword = keywordsOf(target);
    const encoded = isReal1688(target.origin) ? encodeGbk(keyword) : encodeURIComponent(keyword);
    const page = pageNumber > 1 ? `&beginPage=${pageNumber}` : '';
    return urlOn(target.origin, 's', `/selloffer/offer_search.htm?keywords=${encoded}${page}`);
  },
  spec: ALIBABA_SEARCH_SPEC,
  parse: parseAlibabaListing,
};
