/** External browser workers: presence (idle, busy, offline), last heartbeat, success rate; force offline. */
import { z } from 'zod';
import {
  successRate,
  type Worker,
  workerIdSchema,
  WorkerNotFoundError,
  workerStatus,
} from '../../workers/index.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import { pageQuery } from '../schemas.ts';

const TAG = 'workers';
const idParams = z.object({ workerId: workerIdSchema }).strict();

/** A worker as operators see it. */
function viewOf(worker: Worker, nowMs: number) {
  const { expiresAt: _expiresAt, lastHeartbeatAt, ...rest } = worker;
  return {
    ...rest,
    lastHeartbeatAt: new Date(lastHeartbeatAt).toISOString(),
    status: workerStatus(worker, nowMs),
    successRate: successRate(worker) ?? null,
  };
}

export function workerRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/workers',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'List workers with their last heartbeat, status and success rate',
      query: z.object(pageQuery(1000)).strict(),
      paged: true,
      async handle({ query }) {
        const now = deps.clock();
        const page = await deps.workers.list(query);
        const workers = page.workers.map((worker) => viewOf(worker, now));
        return page.cursor ? { workers, cursor: page.cursor } : { workers };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/workers/:workerId',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'Get one worker',
      params: idParams,
      async handle({ params }) {
        const worker = await deps.workers.get(params.workerId);
        if (!worker) throw new WorkerNotFoundError(params.workerId);
        return viewOf(worker, deps.clock());
      },
    }),
    defineRoute({
      method: 'post',
      path: '/workers/:workerId/offline',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Force a worker offline: the task it holds goes back on its queue for the next worker',
      params: idParams,
      async handle({ params }) {
        const now = deps.clock();
        const released = await deps.broker.forceOffline(params.workerId, now);
        const worker = await deps.workers.get(params.workerId);
        return { worker: worker ? viewOf(worker, now) : null, releasedTask: released?.runId ?? null };
      },
    }),
  ];
}
