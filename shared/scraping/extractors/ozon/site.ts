/**
 * Where Ozon lives and what a definition's target may be. A target is either the plain value
 * (SKU, category slug, keyword) or a URL, of an Ozon site or of the configured origin (the demo
 * shop in tests); a URL is reduced to the value, and the page URL is always rebuilt from the
 * target's origin, so the same definition works against the real site and the demo shop.
 */
import { InvalidTargetError } from '../registry.ts';

/** Ozon's storefronts, as its own pages link them (hreflang alternates). */
export const OZON_ORIGINS: Readonly<Record<string, string>> = {
  RU: 'https://www.ozon.ru',
  KZ: 'https://ozon.kz',
  BY: 'https://ozon.by',
  AM: 'https://am.ozon.com',
};

export function ozonOriginOf(marketplace: string): string {
  const origin = OZON_ORIGINS[marketplace.toUpperCase()];
  if (!origin) {
    throw new InvalidTargetError(
      marketplace,
      `is not an Ozon marketplace; use one of ${Object.keys(OZON_ORIGINS).join(', ')}`,
    );
  }
  return origin;
}

const isOzonHost = (host: string): boolean => /(^|\.)ozon\.(ru|kz|by|com)$/i.test(host);

/** The path of a target URL, if the target is a URL of Ozon or of the configured origin. */
export function pathOfTargetUrl(value: string, origin: string): URL | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidTargetError(value, 'is not a valid URL');
  }
  if (!isOzonHost(url.hostname) && url.host !== new URL(origin).host) {
    throw new InvalidTargetError(value, `is not an Ozon URL (nor one of ${origin})`);
  }
  return url;
}

/** `https://host/prefix` without a trailing slash, so paths can be appended. */
export const baseOf = (origin: string): string => origin.replace(/\/+$/, '');

/** An Ozon product path ends with the SKU: `/product/<slug>-<sku>/` or `/product/<sku>/`. */
export const SKU_IN_PATH = '/product/(?:[^/?#]*?-)?(\\d{3,})/?(?:[?#]|$)';

export function skuOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return new RegExp(SKU_IN_PATH).exec(url)?.[1];
}

/** A product page's address without its tracking query (`?asb=…`, `?at=…`, `?advert=…`). */
export function withoutQuery(url: string | undefined, base: string): string | undefined {
  if (!url) return undefined;
  try {
    const resolved = new URL(url, base);
    resolved.search = '';
    resolved.hash = '';
    return resolved.href;
  } catch {
    return undefined;
  }
}
