/**
 * Items and changes: an item's latest state, its history (snapshots over a time range, one Query
 * per page), its changes (one Query per page), and the changes feed (by definition, or everyone's
 * by day), each filterable by kind.
 */
import { z } from 'zod';
import { CHANGE_KINDS, type ItemRef, ItemNotFoundError, itemKeySchema } from '../../changes/index.ts';
import { ValidationError } from '../../errors/index.ts';
import { slotOf } from '../../schedule/index.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import { definitionIdSchema, isoTimeSchema, pageQuery } from '../schemas.ts';

const TAG = 'items';
const DAY_MS = 86_400_000;
const keyParams = z.object({ key: itemKeySchema }).strict();

export const itemHistoryQuery = z
  .object({
    /** Inclusive window on the snapshots' slots. Default: everything kept. */
    since: isoTimeSchema.optional(),
    until: isoTimeSchema.optional(),
    ...pageQuery(1000),
  })
  .strict();

export const itemChangesQuery = z
  .object({
    kind: z.enum(CHANGE_KINDS).optional(),
    /** Inclusive window on the slots of the snapshots the changes came from. Default: everything kept. */
    since: isoTimeSchema.optional(),
    until: isoTimeSchema.optional(),
    ...pageQuery(1000),
  })
  .strict();

export const listChangesQuery = z
  .object({
    definitionId: definitionIdSchema.optional(),
    kind: z.enum(CHANGE_KINDS).optional(),
    /** Inclusive window on detectedAt. Default: the 24 hours before `until` (default: now). */
    since: isoTimeSchema.optional(),
    until: isoTimeSchema.optional(),
    ...pageQuery(1000),
  })
  .strict();

const afterUntil = () =>
  new ValidationError('time window', [{ field: 'since', message: 'must not be after "until"' }]);

async function requireState(deps: ApiDependencies, item: ItemRef) {
  const state = await deps.changes.state(item.platform, item.marketplace, item.itemId);
  if (!state) throw new ItemNotFoundError(item);
  const { expiresAt: _expiresAt, version: _version, ...view } = state;
  return view;
}

export function itemRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/items/:key',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: "An item's latest state: price, stock, rating, reviews, where it was seen last",
      description:
        'The key is `<platform>:<marketplace>:<item id>` (e.g. `amazon:US:B0CHX1W1XY`). 404 when the item was not seen within changeRetentionDays.',
      params: keyParams,
      handle: ({ params }) => requireState(deps, params.key),
    }),
    defineRoute({
      method: 'get',
      path: '/items/:key/history',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: "An item's snapshots in a time window, newest first (one Query per page)",
      params: keyParams,
      query: itemHistoryQuery,
      paged: true,
      async handle({ params, query }) {
        const { since, until } = query;
        if (since && until && Date.parse(since) > Date.parse(until)) throw afterUntil();
        const { platform, marketplace, itemId } = params.key;
        const page = await deps.items.history(platform, marketplace, itemId, {
          ...(since ? { fromSlot: slotOf(Date.parse(since)) } : {}),
          ...(until ? { toSlot: slotOf(Date.parse(until)) } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
          ...(query.cursor ? { cursor: query.cursor } : {}),
        });
        // Nothing in the window and no state either: an item never seen (or forgotten).
        if (page.snapshots.length === 0 && !query.cursor) await requireState(deps, params.key);
        const snapshots = page.snapshots.map(({ expiresAt: _expiresAt, ...snapshot }) => snapshot);
        return page.cursor ? { snapshots, cursor: page.cursor } : { snapshots };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/items/:key/changes',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: "An item's changes in a time window, newest first (one Query per page)",
      description:
        '`since` / `until` bound the slot of the snapshot each change came from (as for /items/{key}/history; a run caught up late has an earlier slot than its detectedAt). Default: every change kept (changeRetentionDays). `kind` filters each page, so a page may hold fewer than `limit` while `cursor` says more may follow. 404 when the item has no change in the window and no state.',
      params: keyParams,
      query: itemChangesQuery,
      paged: true,
      async handle({ params, query }) {
        const { since, until } = query;
        if (since && until && Date.parse(since) > Date.parse(until)) throw afterUntil();
        const page = await deps.itemChanges.newestFirst(params.key, {
          ...(since ? { fromSlot: slotOf(Date.parse(since)) } : {}),
          ...(until ? { toSlot: slotOf(Date.parse(until)) } : {}),
          ...(query.kind ? { kind: query.kind } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
          ...(query.cursor ? { cursor: query.cursor } : {}),
        });
        // Nothing in the window and no state either: an item never seen (or forgotten).
        if (page.changes.length === 0 && !query.cursor) await requireState(deps, params.key);
        const changes = page.changes.map(({ expiresAt: _expiresAt, ...change }) => change);
        return page.cursor ? { changes, cursor: page.cursor } : { changes };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/changes',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary:
        'Changes (price, stock, rating, reviews, rank, entered/left a listing, first seen), newest first',
      description:
        "With definitionId: that definition's changes over any window (byDefinition index). Without: everyone's, within 31 days (byDay index, one Query per day). `kind` filters each page, so a page may hold fewer than `limit` while `cursor` says more may follow.",
      query: listChangesQuery,
      paged: true,
      async handle({ query }) {
        const until = query.until ?? new Date(deps.clock()).toISOString();
        const since = query.since ?? new Date(Date.parse(until) - DAY_MS).toISOString();
        if (Date.parse(since) > Date.parse(until)) throw afterUntil();
        const page = await deps.changes.listChanges({
          since,
          until,
          ...(query.definitionId ? { definitionId: query.definitionId } : {}),
          ...(query.kind ? { kind: query.kind } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
          ...(query.cursor ? { cursor: query.cursor } : {}),
        });
        const changes = page.changes.map(({ expiresAt: _expiresAt, ...change }) => change);
        return page.cursor ? { changes, cursor: page.cursor } : { changes };
      },
    }),
  ];
}
