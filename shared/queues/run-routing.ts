/**
 * Which queue of its priority a run's message goes to (pure): the HTTP-only scraper's for runs
 * that read over HTTP (`http`, and `auto` until it escalates), the Chromium scraper's for the
 * rest. Decided each time a message is sent (expander, run now, retries, repairs, hand-backs), so
 * a run that escalated (its checkpoint says so) goes to the browser from then on.
 *
 *   fetch mode    escalated?   queue
 *   http          —            runs-<priority>-http
 *   auto          no           runs-<priority>-http
 *   auto          yes          runs-<priority>
 *   browser       —            runs-<priority>
 *
 * The mode is the definition's, else the extractor's declared one as plain data
 * (`declaredFetchModeOf`): routing loads no extractor. Were the two ever to disagree, the HTTP
 * function hands a browser run over before reading any page (nothing is lost, one hop is spent).
 */
import { declaredFetchModeOf, type RunQueueMode } from '../definitions/index.ts';
import type { Run } from '../runs/index.ts';

/** The checkpoint state key the scraper sets when a run escalates (shared/scraping/read-run-page.ts). */
export const ESCALATED_STATE_KEY = 'escalated';

export const hasEscalated = (run: Pick<Run, 'checkpoint'>): boolean =>
  run.checkpoint?.state?.[ESCALATED_STATE_KEY] === true;

export function runQueueModeOf(
  run: Pick<Run, 'platform' | 'crawlType' | 'fetchMode' | 'checkpoint'>,
): RunQueueMode {
  const mode = declaredFetchModeOf(run.platform, run.crawlType, run.fetchMode);
  return mode === 'browser' || (mode === 'auto' && hasEscalated(run)) ? 'browser' : 'http';
}
