/**
 * Ozon's listing state JSON (`div[id^="state-searchResultsV2-…"][data-state]`,
 * `div[id^="state-tileGridDesktop-…"]`): the tiles a page renders, as data. A raw server page can
 * hold its items only there (ozon-search-1.html). Two shapes are known: 2023-24 wraps each tile
 * element in `{ type: 'atom', atom: {…} }` and names the SKU `skuId`; 2025 puts the element
 * directly and names it `sku`. Each tile becomes the same raw record a DOM tile gives.
 */
import { decodeHtmlEntities } from '../normalize.ts';

interface TileElement {
  readonly type?: string;
  readonly id?: string;
  readonly priceV2?: { readonly price?: readonly { readonly text?: string; readonly textStyle?: string }[] };
  readonly textAtom?: { readonly text?: string; readonly testInfo?: { readonly automatizationId?: string } };
  readonly labelList?: {
    readonly items?: readonly { readonly title?: string; readonly testInfo?: { readonly automatizationId?: string } }[];
  };
}

interface StateTile {
  readonly skuId?: string | number;
  readonly sku?: string | number;
  readonly action?: { readonly link?: string };
  readonly mainState?: readonly (TileElement & { readonly atom?: TileElement })[];
  readonly tileImage?: {
    readonly items?: readonly {
      readonly type?: string;
      readonly image?: { readonly link?: string };
      readonly video?: { readonly preview?: string };
    }[];
  };
}

const plainText = (html: string | undefined): string | undefined => {
  if (html === undefined) return undefined;
  const text = decodeHtmlEntities(html.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
  return text || undefined;
};

function recordOf(tile: StateTile): Record<string, string> {
  const elements = (tile.mainState ?? []).map((entry) => entry.atom ?? entry);
  const prices = elements.find((element) => element.type === 'priceV2')?.priceV2?.price ?? [];
  const name = elements.find(
    (element) =>
      element.type === 'textAtom' &&
      (element.textAtom?.testInfo?.automatizationId === 'tile-name' || element.id === 'name'),
  );
  const labels = elements.flatMap((element) =>
    element.type === 'labelList' ? (element.labelList?.items ?? []) : [],
  );
  const label = (id: string) => plainText(labels.find((item) => item.testInfo?.automatizationId === id)?.title);
  const picture = tile.tileImage?.items?.find((item) => item.image?.link ?? item.video?.preview);
  const fields: Record<string, string | undefined> = {
    sku: String(tile.skuId ?? tile.sku ?? '') || undefined,
    url: tile.action?.link,
    title: plainText(name?.textAtom?.text),
    priceText: prices.find((price) => price.textStyle === 'PRICE')?.text,
    ratingText: label('tile-list-rating'),
    reviewsText: label('tile-list-comments'),
    imageUrl: picture?.image?.link ?? picture?.video?.preview,
  };
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
}

/** The tiles of a listing state, as raw records; undefined if the JSON is not a listing state. */
export function tileRecordsOfState(json: string | undefined): Record<string, string>[] | undefined {
  if (!json) return undefined;
  let state: unknown;
  try {
    state = JSON.parse(json);
  } catch {
    return undefined;
  }
  const items = (state as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return undefined;
  return items.map((item) => (item !== null && typeof item === 'object' ? recordOf(item as StateTile) : {}));
}
