/**
 * The monitor page's chart: per hour of the last N hours, runs that finished (succeeded, failed,
 * dead-lettered), the success rate, and items saved by those runs. Read from the byStatus index
 * (sort key statusChangedAt), projecting only what is counted. Cancelled runs are an operator's
 * choice, not an outcome, and are left out of the rate.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RunStatus } from '../runs/index.ts';

const HOUR_MS = 3_600_000;
const OUTCOMES = ['SUCCEEDED', 'FAILED', 'DEAD_LETTERED'] as const satisfies readonly RunStatus[];
type Outcome = (typeof OUTCOMES)[number];

export interface FinishedRun {
  readonly status: Outcome;
  readonly statusChangedAt: string;
  readonly saved: number;
}

export interface ThroughputHour {
  /** Start of the hour (UTC). */
  readonly hour: string;
  readonly succeeded: number;
  readonly failed: number;
  /** Succeeded ÷ finished; null when nothing finished. */
  readonly successRate: number | null;
  /** Items saved by the runs that finished in this hour. */
  readonly items: number;
}

export interface Throughput {
  readonly from: string;
  readonly to: string;
  readonly hours: ThroughputHour[];
}

/** Buckets finished runs into the `hours` whole hours ending with the one that holds `nowMs`. */
export function throughputByHour(runs: readonly FinishedRun[], nowMs: number, hours: number): Throughput {
  const lastHourStart = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const firstHourStart = lastHourStart - (hours - 1) * HOUR_MS;
  const buckets = Array.from({ length: hours }, () => ({ succeeded: 0, failed: 0, items: 0 }));
  for (const run of runs) {
    const index = Math.floor((Date.parse(run.statusChangedAt) - firstHourStart) / HOUR_MS);
    const bucket = buckets[index];
    if (!bucket) continue; // outside the window
    if (run.status === 'SUCCEEDED') bucket.succeeded += 1;
    else bucket.failed += 1;
    bucket.items += run.saved;
  }
  return {
    from: new Date(firstHourStart).toISOString(),
    to: new Date(lastHourStart + HOUR_MS).toISOString(),
    hours: buckets.map((bucket, index) => {
      const finished = bucket.succeeded + bucket.failed;
      return {
        hour: new Date(firstHourStart + index * HOUR_MS).toISOString(),
        ...bucket,
        successRate: finished === 0 ? null : bucket.succeeded / finished,
      };
    }),
  };
}

export class RunThroughput {
  private readonly documents: DynamoDBDocumentClient;
  private readonly runsTable: string;

  constructor(options: { documents: DynamoDBDocumentClient; runsTable: string }) {
    this.documents = options.documents;
    this.runsTable = options.runsTable;
  }

  async hourly(nowMs: number, hours: number): Promise<Throughput> {
    const from = new Date(Math.floor(nowMs / HOUR_MS) * HOUR_MS - (hours - 1) * HOUR_MS).toISOString();
    const runs = (await Promise.all(OUTCOMES.map((status) => this.finishedSince(status, from)))).flat();
    return throughputByHour(runs, nowMs, hours);
  }

  private async finishedSince(status: Outcome, from: string): Promise<FinishedRun[]> {
    const runs: FinishedRun[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.documents.send(
        new QueryCommand({
          TableName: this.runsTable,
          IndexName: 'byStatus',
          KeyConditionExpression: '#status = :status AND statusChangedAt >= :from',
          ProjectionExpression: '#status, statusChangedAt, #counts.saved',
          ExpressionAttributeNames: { '#status': 'status', '#counts': 'counts' },
          ExpressionAttributeValues: { ':status': status, ':from': from },
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of Items) {
        const counts = item.counts as { saved?: number } | undefined;
        runs.push({ status, statusChangedAt: String(item.statusChangedAt), saved: counts?.saved ?? 0 });
      }
      cursor = LastEvaluatedKey;
    } while (cursor);
    return runs;
  }
}
