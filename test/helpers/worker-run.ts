/**
 * One run of a definition read by an external browser worker through seed 004's routes, as the
 * API tests write their data: register, run now, pull (the run's task), ingest the products,
 * complete DONE. Snapshots, item states and changes then come from the real ingest.
 */
import assert from 'node:assert/strict';
import type { Run } from '../../shared/runs/index.ts';
import type { ApiStage } from './api.ts';

export interface WorkerRunOptions {
  readonly workerId: string;
  /** How many times the same ingest is sent (2: a redelivery). Default 1. */
  readonly ingestDeliveries?: number;
}

export async function workerRun(
  api: ApiStage,
  definitionId: string,
  products: readonly Record<string, unknown>[],
  { workerId, ingestDeliveries = 1 }: WorkerRunOptions,
): Promise<Run> {
  const worker = { token: api.workerToken };
  const registered = await api.call('POST', '/market/tasks/worker/register', {
    ...worker,
    body: { worker_id: workerId, worker_name: 'w', browser_type: 'chrome' },
  });
  assert.equal(registered.status, 200, JSON.stringify(registered.body));
  const run = await api.call<Run>('POST', `/definitions/${definitionId}/run`);
  assert.equal(run.status, 202, JSON.stringify(run.body));
  const pulled = await api.call<{ task: { id: string } | null }>('POST', '/market/tasks/pull', {
    ...worker,
    body: { worker_id: workerId },
  });
  assert.equal(pulled.body.task?.id, run.body.runId);
  for (let delivery = 0; delivery < ingestDeliveries; delivery += 1) {
    const ingested = await api.call('POST', '/market/snapshots/ingest', {
      ...worker,
      body: { task_id: run.body.runId, worker_id: workerId, products },
    });
    assert.equal(ingested.status, 200, JSON.stringify(ingested.body));
  }
  const completed = await api.call('POST', '/market/tasks/complete', {
    ...worker,
    body: { task_id: run.body.runId, worker_id: workerId, status: 'DONE', result: {} },
  });
  assert.equal(completed.status, 200, JSON.stringify(completed.body));
  return run.body;
}
