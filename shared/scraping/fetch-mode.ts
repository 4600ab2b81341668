/**
 * Which way a run reads its pages (pure). The definition's `fetchMode` wins, else the extractor's,
 * else DEFAULT_FETCH_MODE; `auto` on an extractor that needs JavaScript is the browser from the
 * first page. An explicit `http` or `browser` is obeyed.
 *
 *   http     every page over HTTP (HttpSession + extractHtml); whatever HTTP gives is the result
 *   browser  every page in Chromium, as before fetch modes existed
 *   auto     over HTTP until a page is not read well there, then that page again and every later
 *            page of the run in the browser (with JavaScript on): an escalation
 */
import { DEFAULT_FETCH_MODE, type FetchModeSetting } from '../definitions/index.ts';
import type { Failure } from '../runs/index.ts';
import { completenessOf, type Extractor, type PageExtraction } from './extractors/index.ts';

/** The fetch mode of an extractor that declares none (plain data in shared/definitions). */
export { DEFAULT_FETCH_MODE };

/** Why a run in `auto` mode went over to the browser. */
export type EscalationReason = 'blocked' | 'missing-fields' | 'unknown-layout';

export function fetchModeOf(
  extractor: Pick<Extractor, 'fetchMode' | 'needsJavaScript'>,
  override: FetchModeSetting | undefined,
): FetchModeSetting {
  const mode = override ?? extractor.fetchMode ?? DEFAULT_FETCH_MODE;
  // `auto` would escalate on the first page anyway: no HTTP read to spend first.
  return mode === 'auto' && extractor.needsJavaScript === true ? 'browser' : mode;
}

/** Why a page read over HTTP should be read in the browser instead; undefined: HTTP read it well. */
export function escalationOf(
  extractor: Pick<Extractor, 'requiredFields'>,
  read: { readonly extraction: PageExtraction } | { readonly failure: Failure },
): EscalationReason | undefined {
  if ('failure' in read) return read.failure.failureClass === 'blocked' ? 'blocked' : undefined;
  const { extraction } = read;
  if (extraction.blocked) return 'blocked';
  if (extraction.variant === undefined) return 'unknown-layout';
  return completenessOf(extraction.items, extractor.requiredFields) < 1 ? 'missing-fields' : undefined;
}
