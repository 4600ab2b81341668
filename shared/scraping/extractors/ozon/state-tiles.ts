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
    readonly items?: readonly {
      readonly title?: string;
      readonly testInfo?: { readonly automatizationId?: string };
    }[];
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

/** Untrusted JSON: a list where a list is expected, else nothing; objects only. */
const listOf = <T>(value: unknown): T[] =>
  Array.isArray(value)
    ? value.filter((entry): entry is T => entry !== null && typeof entry === 'object')
    : [];

const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function recordOf(tile: StateTile): Record<string, string> {
  const elements = listOf<TileElement & { readonly atom?: TileElement }>(tile.mainState).map(
    (entry) => entry.atom ?? entry,
  );
  const prices = listOf<{ text?: string; textStyle?: string }>(
    elements.find((element) => element.type === 'priceV2')?.priceV2?.price,
  );
  const name = elements.find(
    (element) =>
      element.type === 'textAtom' &&
      (element.textAtom?.testInfo?.automatizationId === 'tile-name' || element.id === 'name'),
  );
  const labels = elements.flatMap((element) =>
    element.type === 'labelList'
      ? listOf<{ title?: string; testInfo?: { automatizationId?: string } }>(element.labelList?.items)
      : [],
  );
  const label = (id: string) =>
    plainText(textOf(labels.find((item) => item.testInfo?.automatizationId === id)?.title));
  const picture = listOf<{ image?: { link?: string }; video?: { preview?: string } }>(
    tile.tileImage?.items,
  ).find((item) => textOf(item.image?.link) ?? textOf(item.video?.preview));
  const sku = tile.skuId ?? tile.sku;
  const fields: Record<string, string | undefined> = {
    sku: typeof sku === 'string' || typeof sku === 'number' ? String(sku) : undefined,
    url: textOf(tile.action?.link),
    title: plainText(textOf(name?.textAtom?.text)),
    priceText: textOf(prices.find((price) => price.textStyle === 'PRICE')?.text),
    listPriceText: textOf(prices.find((price) => price.textStyle === 'ORIGINAL_PRICE')?.text),
    // A promoted tile links through Ozon's ad token, as in the DOM (listing.ts).
    sponsoredMark: /[?&]advert=/.test(textOf(tile.action?.link) ?? '') ? 'advert' : undefined,
    ratingText: label('tile-list-rating'),
    reviewsText: label('tile-list-comments'),
    imageUrl: textOf(picture?.image?.link) ?? textOf(picture?.video?.preview),
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
