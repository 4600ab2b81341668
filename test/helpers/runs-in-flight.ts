/**
 * Puts N runs in flight for external workers, through the run store's own writes: created and
 * queued in transactions of 100, then each acquired by a worker (`worker:inflight-<i>`) under a
 * lease of `leaseMs` — except the first, whose lease is `shortLeaseMs`, so a test can let exactly
 * one expire. Used by the pull-cost test and bench/worker-pull.ts.
 */
import { createRunsOnce, markRunsQueued, type Run, type RunStore } from '../../shared/runs/index.ts';
import { mapWithConcurrency } from '../../shared/concurrency/index.ts';
import { PRIORITIES } from '../../shared/definitions/index.ts';
import { slotOf } from '../../shared/schedule/index.ts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface InFlightOptions {
  readonly runs: RunStore;
  readonly documents: DynamoDBDocumentClient;
  readonly runsTable: string;
  readonly count: number;
  readonly nowMs: number;
  readonly leaseMs: number;
  readonly shortLeaseMs: number;
}

/** Returns the runs as held (the first one with the short lease). */
export async function putWorkerRunsInFlight(options: InFlightOptions): Promise<Run[]> {
  const { runs, count, nowMs } = options;
  const batches = { documents: options.documents, tableName: options.runsTable, concurrency: 8 };
  const created = Array.from({ length: count }, (_, index) =>
    runs.newRun(
      {
        definition: {
          id: 'inflight',
          platform: 'ozon',
          marketplace: 'RU',
          crawlType: 'category',
          target: 'https://www.ozon.ru/category/inflight/',
          params: { maxPages: 5, maxItems: 100 },
          priority: PRIORITIES[index % PRIORITIES.length] ?? 'normal',
          maxAttempts: 3,
          executor: 'worker',
        },
        slot: slotOf(nowMs),
        trigger: 'manual',
        requestId: `inflight-${index}`,
      },
      nowMs,
    ),
  );
  await createRunsOnce(batches, created);
  await markRunsQueued(
    batches,
    created.map((run) => run.runId),
    nowMs,
  );
  return mapWithConcurrency(created, 32, async (run, index) => {
    const lease = index === 0 ? options.shortLeaseMs : options.leaseMs;
    const outcome = await runs.acquire(run.runId, `worker:inflight-${index}`, nowMs, lease);
    if (!outcome.acquired) throw new Error(`could not put ${run.runId} in flight: ${outcome.reason}`);
    return outcome.run;
  });
}
