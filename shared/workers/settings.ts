/**
 * The external worker's lease, its one default: the task broker falls back to it, and
 * test/unit/worker-settings.test.ts checks the README's mention against it.
 */
import { z } from 'zod';

/** Seed 004 releases a task after 30 minutes without news; a worker's lease lasts as long. */
export const workerLeaseMinutesSetting = z
  .number()
  .int()
  .min(1)
  .max(24 * 60)
  .default(30)
  .describe("Minutes a worker's task stays leased without news before the next pull takes it over.");

export const DEFAULT_WORKER_LEASE_MS = workerLeaseMinutesSetting.parse(undefined) * 60_000;
