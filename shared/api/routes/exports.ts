/**
 * GET /exports: a window of the snapshot (or change) history as one file (locally, streamed) or as
 * presigned download links (deployed: Athena writes the files). Operator scope: the history spans
 * every definition, and workers only need their tasks.
 */
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import {
  EXPORT_ID_PATTERN,
  EXPORT_MAX_WAIT_MS,
  EXPORT_URL_EXPIRY_SECONDS,
  type ExportLinks,
  type ExportPending,
  exportQuerySchema,
  MAX_EXPORT_WINDOW_DAYS,
} from '../../history/history-exports.ts';

const exportIdParams = z
  .object({ exportId: z.string().regex(EXPORT_ID_PATTERN, 'expected the id a 202 answer gave (a UUID)') })
  .strict();

/** A running export is a 202 with where to poll; anything else is answered as it is. */
function answerOf(result: Response | ExportLinks | ExportPending): Response | ExportLinks {
  if (result instanceof Response || !('status' in result)) return result;
  return Response.json(result, {
    status: 202,
    headers: { location: result.poll, 'retry-after': String(result.retryAfterSeconds) },
  });
}

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
        `bytesScanned, cost}, the URLs valid ${EXPORT_URL_EXPIRY_SECONDS / 60} minutes (jsonl parts are gzip-compressed). ` +
        `When Athena takes longer than ${EXPORT_MAX_WAIT_MS / 1000} s (an API answer has 30), the answer is 202 ` +
        '{status: "running", id, format, poll, retryAfterSeconds} with Location and Retry-After headers: GET the ' +
        'poll path until it answers the links.',
      query: exportQuerySchema,
      queryDescriptions: EXPORT_QUERY_DESCRIPTIONS,
      handle: async ({ query }) => answerOf(await deps.historyExports.exportWindow(query)),
    }),
    defineRoute({
      method: 'get',
      path: '/exports/:exportId',
      tag: 'history',
      scope: 'operator',
      mutates: false,
      summary: 'An export that answered 202: still running (202 again), or its download links',
      description:
        'Deployed only: the id of a GET /exports answer 202. While Athena writes the files the answer is 202 ' +
        '{status: "running", ...} again; then 200 with the links, as GET /exports gives them (the files are named ' +
        '<table>-<id>.<format>); a failed or cancelled export is its error. 404 for an id that is no export of this ' +
        'stage, and always locally, where exports are streamed in the answer to GET /exports.',
      params: exportIdParams,
      handle: async ({ params }) => answerOf(await deps.historyExports.exportById(params.exportId)),
    }),
  ];
}
