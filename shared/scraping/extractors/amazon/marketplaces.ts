/**
 * Where each Amazon marketplace lives, and how a definition's target (an id, or a URL someone
 * pasted) becomes a path on the run's origin. Every page URL is built on `target.origin`, so the
 * same extractor reads amazon.de in production and the demo shop (`http://127.0.0.1:PORT/amazon/de`)
 * locally; a pasted URL only contributes its id, never its host.
 */
import { InvalidTargetError } from '../registry.ts';
import type { ExtractorTarget } from '../extractor.ts';

/** Marketplace code → host, for every Amazon marketplace in shared/definitions/registry.ts. */
export const AMAZON_HOSTS: Readonly<Record<string, string>> = {
  US: 'www.amazon.com',
  CA: 'www.amazon.ca',
  MX: 'www.amazon.com.mx',
  BR: 'www.amazon.com.br',
  UK: 'www.amazon.co.uk',
  IE: 'www.amazon.ie',
  DE: 'www.amazon.de',
  FR: 'www.amazon.fr',
  IT: 'www.amazon.it',
  ES: 'www.amazon.es',
  NL: 'www.amazon.nl',
  BE: 'www.amazon.com.be',
  SE: 'www.amazon.se',
  PL: 'www.amazon.pl',
  TR: 'www.amazon.com.tr',
  AE: 'www.amazon.ae',
  SA: 'www.amazon.sa',
  EG: 'www.amazon.eg',
  IN: 'www.amazon.in',
  JP: 'www.amazon.co.jp',
  AU: 'www.amazon.com.au',
  SG: 'www.amazon.sg',
};

export function amazonOriginOf(marketplace: string): string {
  const host = AMAZON_HOSTS[marketplace.toUpperCase()];
  if (!host) {
    throw new InvalidTargetError(
      marketplace,
      `is not an Amazon marketplace; use one of ${Object.keys(AMAZON_HOSTS).join(', ')}`,
    );
  }
  return `https://${host}`;
}

const AMAZON_DOMAINS = new Set(Object.values(AMAZON_HOSTS).map((host) => host.replace(/^www\./, '')));

/** amazon.de, www.amazon.de, smile.amazon.com...: a host of one of the marketplaces. */
export function isAmazonHost(host: string): boolean {
  const labels = host.toLowerCase().split('.');
  for (let start = 0; start < labels.length - 1; start += 1) {
    if (AMAZON_DOMAINS.has(labels.slice(start).join('.'))) return true;
  }
  return false;
}

/** `origin` + `path`, whatever the origin's own path (the demo shop's `/amazon/de`). */
export const onOrigin = (origin: string, path: string): string => `${origin.replace(/\/+$/, '')}${path}`;

/**
 * The target as a URL, if it is one. A URL must be on an Amazon host or on the run's origin:
 * anything else cannot be scraped by these extractors (a permanent failure).
 */
export function targetUrlOf(target: ExtractorTarget): URL | undefined {
  const value = target.value.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidTargetError(target.value, 'is not a valid URL');
  }
  const originHost = URL.canParse(target.origin) ? new URL(target.origin).host : undefined;
  if (!isAmazonHost(url.hostname) && url.host !== originHost) {
    throw new InvalidTargetError(target.value, `is not on an Amazon site (nor on ${target.origin})`);
  }
  return url;
}

export function requirePageNumber(pageNumber: number): void {
  if (!Number.isInteger(pageNumber) || pageNumber < 1) {
    throw new RangeError(`page number must be an integer from 1, got ${pageNumber}`);
  }
}

/** A query with the page number from page 2 on (page 1 is the bare URL, as on the site). */
export function withPage(params: URLSearchParams, name: string, pageNumber: number): string {
  if (pageNumber > 1) params.set(name, String(pageNumber));
  return params.toString();
}
