/**
 * Stats: runs per status and per crawl type, queue depths, workers per presence status; and the
 * hourly series the monitor page charts (success rate, items per hour).
 */
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import { integerParam, isoTimeSchema } from '../schemas.ts';

export function statsRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/stats',
      tag: 'stats',
      scope: 'operator',
      mutates: false,
      summary: 'Runs per status and per crawl type, queue and DLQ depths, workers idle/busy/offline',
      description:
        'Without `from`, runs per status count every stored run and runs per crawl type cover the last 24 hours; with `from`, both count runs since then (status changed / created).',
      query: z.object({ from: isoTimeSchema.optional() }).strict(),
      handle: ({ query }) =>
        deps.stats.report(
          deps.clock(),
          query.from ? new Date(Date.parse(query.from)).toISOString() : undefined,
        ),
    }),
    defineRoute({
      method: 'get',
      path: '/stats/hourly',
      tag: 'stats',
      scope: 'operator',
      mutates: false,
      summary: 'Per hour: runs finished, success rate and items saved (default: the last 24 hours)',
      description:
        'Runs that reached SUCCEEDED, FAILED or DEAD_LETTERED in each whole UTC hour, the last one being the current hour; `items` counts the items those runs saved. CANCELLED runs are left out.',
      query: z.object({ hours: integerParam(1, 168).default(24) }).strict(),
      handle: ({ query }) => deps.throughput.hourly(deps.clock(), query.hours),
    }),
  ];
}
