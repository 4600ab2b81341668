/** Stats: runs per status and per crawl type, queue depths, workers per presence status. */
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import { isoTimeSchema } from '../schemas.ts';

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
  ];
}
