/**
 * Reads a page with an extractor, by either evaluator of its spec: in the browser tab that loaded
 * it (`readPage`), or in Node on its HTML (`readHtml`). Either way the raw strings are parsed in
 * Node (`extractor.parse`), and both give the same extraction.
 */
import type { Page } from 'puppeteer-core';
import type { Extractor, PageExtraction, ParseContext } from './extractor.ts';
import { PAGE_READING } from './page-reading.ts';
import { readHtml } from './read-html.ts';
import { readPage } from './read-page.ts';
import type { Item, ItemField } from '../../results/index.ts';

export async function extractPage(
  page: Page,
  extractor: Extractor,
  context: ParseContext,
): Promise<PageExtraction> {
  const raw = await page.evaluate(readPage, extractor.spec, PAGE_READING);
  return { ...extractor.parse(raw, context), mode: 'browser' };
}

/** The same, on a page's HTML read without a browser; `url` is where it was read from (after redirects). */
export function extractHtml(
  html: string,
  url: string,
  extractor: Extractor,
  context: ParseContext,
): PageExtraction {
  return { ...extractor.parse(readHtml(extractor.spec, html, url), context), mode: 'http' };
}

const isPresent = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

/** Share of the required fields present over these items, 0..1 (1 for no items: nothing missing). */
export function completenessOf(items: readonly Item[], requiredFields: readonly ItemField[]): number {
  if (items.length === 0 || requiredFields.length === 0) return 1;
  let present = 0;
  for (const item of items) {
    for (const field of requiredFields) if (isPresent(item[field])) present += 1;
  }
  return present / (items.length * requiredFields.length);
}
