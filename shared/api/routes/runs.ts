/**
 * Runs: list by status, crawl type or definition (the three indexes), within a time window;
 * get one with its checkpoint and counts; its items; cancel; retry one; retry many.
 */
import { z } from 'zod';
import { ValidationError } from '../../errors/index.ts';
import {
  IllegalTransitionError,
  type ListOptions,
  type Run,
  runIdSchema,
  type RunPage,
} from '../../runs/index.ts';
import { itemSnapshotSchema } from '../../results/index.ts';
import { slotOf } from '../../schedule/index.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import { definitionIdSchema, isoTimeSchema, pageQuery, runStatusSchema } from '../schemas.ts';

const TAG = 'runs';
const crawlTypeSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be a crawl type id');
const idParams = z.object({ runId: runIdSchema }).strict();
const RETRYABLE = ['FAILED', 'CANCELLED', 'DEAD_LETTERED'] as const;

export const listRunsQuery = z
  .object({
    status: runStatusSchema.optional(),
    crawlType: crawlTypeSchema.optional(),
    definitionId: definitionIdSchema.optional(),
    /** Inclusive window on the index's time: status change, creation, or slot (by definition). */
    from: isoTimeSchema.optional(),
    to: isoTimeSchema.optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
    ...pageQuery(1000),
  })
  .strict()
  .refine((query) => query.status ?? query.crawlType ?? query.definitionId, {
    message: 'give status, crawlType or definitionId (each selects an index)',
    path: ['status'],
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to), {
    message: 'must not be after "to"',
    path: ['from'],
  });

export const retryFailedBody = z
  .object({
    /** Which finished runs to retry. Required: a retry of everything must be asked for by name. */
    status: z.enum(RETRYABLE),
    crawlType: crawlTypeSchema.optional(),
    definitionId: definitionIdSchema.optional(),
    /** Window on the time the runs reached that status. */
    from: isoTimeSchema.optional(),
    to: isoTimeSchema.optional(),
    /** Most runs retried by this request. */
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

type ListQuery = z.infer<typeof listRunsQuery>;

const isoOf = (time: string) => new Date(Date.parse(time)).toISOString();

/** Picks the index for the filter; the other filters apply within each page. */
function listRuns(deps: ApiDependencies, query: ListQuery): Promise<RunPage> {
  const page = { limit: query.limit, cursor: query.cursor, descending: query.order === 'desc' };
  const window = (toKey: (time: string) => string): ListOptions => ({
    ...page,
    ...(query.from ? { from: toKey(query.from) } : {}),
    // `to` is inclusive: the whole millisecond (or slot) it names.
    ...(query.to ? { to: `${toKey(query.to)}\uffff` } : {}),
  });
  if (query.status) return deps.runs.listByStatus(query.status, window(isoOf));
  if (query.definitionId)
    return deps.runs.listByDefinition(
      query.definitionId,
      window((t) => slotOf(Date.parse(t))),
    );
  return deps.runs.listByCrawlType(query.crawlType as string, window(isoOf));
}

const matches = (query: Pick<ListQuery, 'crawlType' | 'definitionId'>) => (run: Run) =>
  (!query.crawlType || run.crawlType === query.crawlType) &&
  (!query.definitionId || run.definitionId === query.definitionId);

export function runRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/runs',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'List runs by status, crawl type or definition, within a time window',
      description:
        'One of status, crawlType or definitionId selects the index (in that order); the others filter each page, so a page may hold fewer than `limit` runs while `cursor` says more may follow.',
      query: listRunsQuery,
      paged: true,
      async handle({ query }) {
        const page = await listRuns(deps, query);
        const runs = page.runs.filter(matches(query));
        return page.cursor ? { runs, cursor: page.cursor } : { runs };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/runs/:runId',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'Get a run: status, attempts, lease, checkpoint and counts',
      description:
        'An `auto` run that left HTTP for the browser carries `escalation: { reason, page, at }`: reason `blocked` (captcha, 403/429), `missing-fields` (required fields missing over HTTP) or `unknown-layout`; the page (1-based) it happened on; when (ISO).',
      params: idParams,
      handle: ({ params }) => deps.runs.require(params.runId),
    }),
    defineRoute({
      method: 'get',
      path: '/runs/:runId/items',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'The item snapshots a run saved, a page at a time',
      description:
        'Each snapshot holds the item as read (price, listPrice, unitPrice, brand, sponsored, organicPosition…) and, for listings, the resultCount the page states. An ad and the same item organic are two snapshots (the ad’s snapshotId ends in #sponsored).',
      params: idParams,
      response: z.object({ snapshots: z.array(itemSnapshotSchema), cursor: z.string().optional() }),
      query: z.object(pageQuery(1000)).strict(),
      paged: true,
      handle: ({ params, query }) => deps.items.listByRun(params.runId, query),
    }),
    defineRoute({
      method: 'post',
      path: '/runs/:runId/cancel',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Cancel a run that has not finished (its holder loses the lease)',
      params: idParams,
      handle: ({ params }) => deps.runs.cancel(params.runId, deps.clock()),
    }),
    defineRoute({
      method: 'post',
      path: '/runs/:runId/retry',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Retry a FAILED, CANCELLED or DEAD_LETTERED run: attempts start over, back on its queue',
      params: idParams,
      successStatus: 202,
      async handle({ params }) {
        const run = await deps.runs.reopen(params.runId, deps.clock());
        await deps.queue.sendNow([run]);
        return run;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/runs/retry-failed',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Retry every finished-but-unsuccessful run matching a filter',
      body: retryFailedBody,
      successStatus: 202,
      async handle({ body }) {
        if (body.from && body.to && Date.parse(body.from) > Date.parse(body.to)) {
          throw new ValidationError('filter', [{ field: 'from', message: 'must not be after "to"' }]);
        }
        const now = deps.clock();
        const reopened: Run[] = [];
        let skipped = 0;
        let more = false;
        const window = {
          ...(body.from ? { from: isoOf(body.from) } : {}),
          ...(body.to ? { to: `${isoOf(body.to)}\uffff` } : {}),
        };
        for await (const page of deps.runs.allByStatus(body.status, window)) {
          for (const run of page.filter(matches(body))) {
            if (reopened.length >= body.limit) {
              more = true;
              break;
            }
            try {
              reopened.push(await deps.runs.reopen(run.runId, now));
            } catch (error) {
              if (!(error instanceof IllegalTransitionError)) throw error;
              skipped += 1; // changed meanwhile (retried by someone else)
            }
          }
          if (more) break;
        }
        await deps.queue.sendNow(reopened);
        return { retried: reopened.map((run) => run.runId), skipped, more };
      },
    }),
  ];
}
