/** Raw strings of one 1688 offer (a search card or a detail page) to an Item. */
import type { ParseContext } from '../extractor.ts';
import { itemOfRecord } from '../item-record.ts';
import { is1688Host, offerIdOfUrl } from './site.ts';
import type { Item } from '../../../results/index.ts';

/** The Wangwang (chat) nick is URI-encoded in `data-nick` (`data-encode="true"`). */
const sellerOf = (text: string | undefined): string | undefined => {
  if (!text) return undefined;
  try {
    return decodeURIComponent(text).trim() || undefined;
  } catch {
    return text;
  }
};

/**
 * The offer's own address. Search cards link through dj.1688.com click redirects (ad tracking,
 * they expire); the page they lead to is detail.1688.com/offer/<id>.html.
 */
function offerUrlOf(id: string, link: string | undefined, pageUrl: string): string {
  const canonical = `https://detail.1688.com/offer/${id}.html`;
  if (!link || offerIdOfUrl(link) !== id) return canonical;
  try {
    const url = new URL(link, pageUrl);
    if (is1688Host(url.hostname)) return canonical; // `//detail.1688.com/…` links take the page's scheme
    url.search = '';
    url.hash = '';
    return url.href;
  } catch {
    return canonical;
  }
}

export function alibabaItemOf(
  record: Readonly<Record<string, string>>,
  position: number,
  context: ParseContext,
  pageUrl: string,
): Item | undefined {
  const id = record.offerId ?? offerIdOfUrl(record.url);
  if (!id || !/^\d+$/.test(id)) return undefined;
  return itemOfRecord(id, position, record, context.marketplace, {
    seller: sellerOf(record.seller),
    url: offerUrlOf(id, record.url, pageUrl),
  });
}
