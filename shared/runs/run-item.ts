/**
 * A run as stored: the lease is kept flat (`leaseOwner`, `leaseExpiresAt`, `fencingToken`) so
 * condition expressions can compare it; the domain type nests it.
 */
import type { Lease, Run } from './run.ts';

export type RunItem = Omit<Run, 'lease'> & {
  readonly leaseOwner?: string;
  /** Epoch milliseconds. */
  readonly leaseExpiresAt?: number;
};

export function toItem(run: Run): RunItem {
  const { lease, ...rest } = run;
  return lease ? { ...rest, leaseOwner: lease.owner, leaseExpiresAt: lease.expiresAtMs } : rest;
}

export function fromItem(item: RunItem): Run {
  const { leaseOwner, leaseExpiresAt, ...rest } = item;
  if (leaseOwner === undefined || leaseExpiresAt === undefined) return rest;
  const lease: Lease = {
    runId: item.runId,
    owner: leaseOwner,
    fencingToken: item.fencingToken,
    expiresAtMs: leaseExpiresAt,
  };
  return { ...rest, lease };
}
