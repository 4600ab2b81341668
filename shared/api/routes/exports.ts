/**
 * GET /exports: a window of the snapshot (or change) history as one file (locally, streamed) or as
 * presigned download links (deployed: Athena writes the files). Operator scope: the history spans
 * every definition, and workers only need their tasks.
 */
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import {
  EXPORT_URL_EXPIRY_SECONDS,
  exportQuerySchema,
  MAX_EXPORT_WINDOW_DAYS,
} from '../../history/history-exports.ts';

/** The query parameters of GET /exports, as the OpenAPI document describes them. */
export const EXPORT_QUERY_DESCRIPTIONS = {
  since:
    'First slot of the window, inclusive: a day (2026-12-01, its first slot) or a slot (2026-12-01T19:00Z).',
  until: `End of the window, exclusive, in the same form; at most ${MAX_EXPORT_WINDOW_DAYS} days after since.`,
  definition: 'Only the rows of this definition id. Default: every definition.',
  format: 'csv, jsonl or parquet.',
  table:
    'Which history: snapshots (default; the de-duplicated item snapshots) or changes (the de-duplicated changes, by the slot of the snapshot each came from).',
} as const;

export function exportRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/exports',
      tag: 'history',
      scope: 'operator',
      mutates: false,
      summary: 'The de-duplicated snapshot (or change) history of a window of slots as csv, jsonl or parquet',
      description:
        `Snapshots (or, with table=changes, changes) whose slot is in [since, until) (a day or a slot: 2026-12-01, ` +
        `2026-12-01T19:00Z), at most ${MAX_EXPORT_WINDOW_DAYS} days, optionally of one definition. Locally the answer ` +
        'is the file itself (Content-Disposition: attachment, named <table>-<since>-<until>[-<definition>].<format>; ' +
        'header x-shelfwatch-rows). Deployed, Athena writes the window into the ' +
        `workgroup's results location and the answer is JSON: {format, queryExecutionId, files: [{url}], expiresAt, ` +
        `bytesScanned, cost}, the URLs valid ${EXPORT_URL_EXPIRY_SECONDS / 60} minutes (jsonl parts are gzip-compressed).`,
      query: exportQuerySchema,
      queryDescriptions: EXPORT_QUERY_DESCRIPTIONS,
      handle: ({ query }) => deps.historyExports.exportWindow(query),
    }),
  ];
}
