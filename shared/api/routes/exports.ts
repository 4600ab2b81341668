/**
 * GET /exports: a window of the snapshot history as one file (locally, streamed) or as presigned
 * download links (deployed: Athena writes the files). Operator scope: the history spans every
 * definition, and workers only need their tasks.
 */
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import {
  EXPORT_URL_EXPIRY_SECONDS,
  exportQuerySchema,
  MAX_EXPORT_WINDOW_DAYS,
} from '../../history/history-exports.ts';

export function exportRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/exports',
      tag: 'history',
      scope: 'operator',
      mutates: false,
      summary: 'The de-duplicated snapshot history of a window of slots as csv, jsonl or parquet',
      description:
        `Snapshots whose slot is in [since, until) (a day or a slot: 2026-12-01, 2026-12-01T19:00Z), at most ` +
        `${MAX_EXPORT_WINDOW_DAYS} days, optionally of one definition. Locally the answer is the file itself ` +
        '(Content-Disposition: attachment; header x-shelfwatch-rows). Deployed, Athena writes the window into the ' +
        `workgroup's results location and the answer is JSON: {format, queryExecutionId, files: [{url}], expiresAt, ` +
        `bytesScanned, cost}, the URLs valid ${EXPORT_URL_EXPIRY_SECONDS / 60} minutes (jsonl parts are gzip-compressed).`,
      query: exportQuerySchema,
      handle: ({ query }) => deps.historyExports.exportWindow(query),
    }),
  ];
}
