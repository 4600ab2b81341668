/**
 * Where 1688 lives. One origin per run (`https://www.1688.com` for CN), but 1688 spreads its
 * pages over subdomains: search on s.1688.com, offers on detail.1688.com. With the real origin the
 * path goes to its subdomain; with any other origin (the demo shop, `http://127.0.0.1:PORT/1688`)
 * the same path is appended to it, so the demo shop serves 1688's own paths.
 */
import { InvalidTargetError } from '../registry.ts';

export const ALIBABA_1688_ORIGINS: Readonly<Record<string, string>> = { CN: 'https://www.1688.com' };

export function alibabaOriginOf(marketplace: string): string {
  const origin = ALIBABA_1688_ORIGINS[marketplace.toUpperCase()];
  if (!origin) throw new InvalidTargetError(marketplace, 'is not a 1688 marketplace; 1688 has one: CN');
  return origin;
}

export const is1688Host = (host: string): boolean => /(^|\.)1688\.com$/i.test(host);

/** True when the origin is 1688 itself (not the demo shop): paths then go to subdomains. */
export const isReal1688 = (origin: string): boolean => is1688Host(new URL(origin).hostname);

/** `subdomain` is `s` or `detail`; `path` starts with `/`. */
export function urlOn(origin: string, subdomain: 's' | 'detail', path: string): string {
  if (isReal1688(origin)) return `${new URL(origin).protocol}//${subdomain}.1688.com${path}`;
  return `${origin.replace(/\/+$/, '')}${path}`;
}

/** A target URL of 1688 or of the configured origin; undefined for a plain value. */
export function targetUrlOf(value: string, origin: string): URL | undefined {
  if (!/^(https?:)?\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, 'https://detail.1688.com');
  } catch {
    throw new InvalidTargetError(value, 'is not a valid URL');
  }
  if (!is1688Host(url.hostname) && url.host !== new URL(origin).host) {
    throw new InvalidTargetError(value, `is not a 1688 URL (nor one of ${origin})`);
  }
  return url;
}

export const OFFER_IN_PATH = '/offer/(\\d{6,})\\.html';

export const offerIdOfUrl = (url: string | undefined): string | undefined =>
  url ? new RegExp(OFFER_IN_PATH).exec(url)?.[1] : undefined;
