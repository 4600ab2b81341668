/**
 * A run as stored: the lease is kept flat (`leaseOwner`, `leaseExpiresAt`, `fencingToken`) so
 * condition expressions can compare it; the domain type nests it.
 *
 * Runs external workers may take carry the key of the sparse index byWorkerReadiness:
 * `workerPool` (the priority; set at creation when the executor is `worker` or `any`) and
 * `workerReadyAt` (epoch ms from which a worker may take it: when queued, the end of a retry's
 * backoff, or the expiry of the lease held; every transition sets it, terminal ones remove both).
 * A worker's pull reads only the runs of that index whose time has come.
 */
import type { Lease, Run } from './run.ts';
import { mayExecute } from '../definitions/index.ts';

export type RunItem = Omit<Run, 'lease' | 'executor'> & {
  readonly executor?: Run['executor'];
  readonly leaseOwner?: string;
  /** Epoch milliseconds. */
  readonly leaseExpiresAt?: number;
  readonly workerPool?: string;
  readonly workerReadyAt?: number;
};

export function toItem(run: Run): RunItem {
  const { lease, ...rest } = run;
  const pool = mayExecute('worker', run.executor) ? { workerPool: run.priority } : {};
  return lease
    ? { ...rest, ...pool, leaseOwner: lease.owner, leaseExpiresAt: lease.expiresAtMs }
    : { ...rest, ...pool };
}

export function fromItem(item: RunItem): Run {
  const { leaseOwner, leaseExpiresAt, workerPool: _pool, workerReadyAt: _readyAt, ...stored } = item;
  const rest = { ...stored, executor: stored.executor ?? 'scraper' };
  if (leaseOwner === undefined || leaseExpiresAt === undefined) return rest;
  const lease: Lease = {
    runId: item.runId,
    owner: leaseOwner,
    fencingToken: item.fencingToken,
    expiresAtMs: leaseExpiresAt,
  };
  return { ...rest, lease };
}
