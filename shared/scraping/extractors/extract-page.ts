/**
 * Reads the page a browser tab has loaded with an extractor: the declarative spec runs in the
 * page (`readPage`), the raw strings are parsed in Node (`extractor.parse`).
 */
import type { Page } from 'puppeteer-core';
import type { Extractor, PageExtraction, ParseContext } from './extractor.ts';
import { readPage } from './read-page.ts';
import type { Item, ItemField } from '../../results/index.ts';

export async function extractPage(
  page: Page,
  extractor: Extractor,
  context: ParseContext,
): Promise<PageExtraction> {
  const raw = await page.evaluate(readPage, extractor.spec);
  return extractor.parse(raw, context);
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
