/**
 * Counts for the operator: runs per status (a COUNT query per status on the byStatus index, so
 * nothing but numbers is read), runs per crawl type and status over a window (the byCrawlType
 * index, projecting the status only), queue depths, and workers per presence status.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { crawlTypeIds, PRIORITIES, type Priority } from '../definitions/index.ts';
import { RUN_STATUSES, type RunStatus } from '../runs/index.ts';
// The file, not the folder's index: the index brings the seed-task mapping and with it every
// extractor, which the monitor function must not bundle.
import { type WorkerStatus, type WorkerStore, workerStatus } from '../workers/worker-store.ts';
import type { DeadLetters, RunQueue } from '../queues/index.ts';

export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  readonly deadLetters: number;
}

export interface PipelineStatsReport {
  readonly at: string;
  /** Runs per status; with `from`, only runs whose status changed since then. */
  readonly runsByStatus: Record<RunStatus, number>;
  /** Runs created since `crawlTypesFrom`, per crawl type and status. */
  readonly runsByCrawlType: Record<string, Partial<Record<RunStatus, number>>>;
  readonly crawlTypesFrom: string;
  readonly queues: Record<Priority, QueueDepth>;
  readonly workers: Record<WorkerStatus, number>;
}

const DAY_MS = 86_400_000;

export class PipelineStats {
  private readonly options: {
    documents: DynamoDBDocumentClient;
    runsTable: string;
    queue: Pick<RunQueue, 'depth'>;
    deadLetters: Pick<DeadLetters, 'depth'>;
    workers: WorkerStore;
  };

  constructor(options: PipelineStats['options']) {
    this.options = options;
  }

  async report(nowMs: number, from?: string): Promise<PipelineStatsReport> {
    const crawlTypesFrom = from ?? new Date(nowMs - DAY_MS).toISOString();
    const [byStatus, byCrawlType, queues, workers] = await Promise.all([
      Promise.all(
        RUN_STATUSES.map(async (status) => [status, await this.countStatus(status, from)] as const),
      ),
      Promise.all(
        crawlTypeIds().map(async (type) => [type, await this.countCrawlType(type, crawlTypesFrom)] as const),
      ),
      Promise.all(PRIORITIES.map(async (priority) => [priority, await this.depth(priority)] as const)),
      this.workerCounts(nowMs),
    ]);
    return {
      at: new Date(nowMs).toISOString(),
      runsByStatus: Object.fromEntries(byStatus) as Record<RunStatus, number>,
      runsByCrawlType: Object.fromEntries(byCrawlType),
      crawlTypesFrom,
      queues: Object.fromEntries(queues) as Record<Priority, QueueDepth>,
      workers,
    };
  }

  private async countStatus(status: RunStatus, from: string | undefined): Promise<number> {
    let total = 0;
    let cursor: Record<string, unknown> | undefined;
    do {
      const { Count = 0, LastEvaluatedKey } = await this.options.documents.send(
        new QueryCommand({
          TableName: this.options.runsTable,
          IndexName: 'byStatus',
          Select: 'COUNT',
          KeyConditionExpression: from
            ? '#status = :status AND statusChangedAt >= :from'
            : '#status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ...(from ? { ':from': from } : {}) },
          ExclusiveStartKey: cursor,
        }),
      );
      total += Count;
      cursor = LastEvaluatedKey;
    } while (cursor);
    return total;
  }

  private async countCrawlType(crawlType: string, from: string): Promise<Partial<Record<RunStatus, number>>> {
    const counts: Partial<Record<RunStatus, number>> = {};
    let cursor: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.options.documents.send(
        new QueryCommand({
          TableName: this.options.runsTable,
          IndexName: 'byCrawlType',
          KeyConditionExpression: 'crawlType = :type AND createdAt >= :from',
          ProjectionExpression: '#status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':type': crawlType, ':from': from },
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of Items) {
        const status = item.status as RunStatus;
        counts[status] = (counts[status] ?? 0) + 1;
      }
      cursor = LastEvaluatedKey;
    } while (cursor);
    return counts;
  }

  private async depth(priority: Priority): Promise<QueueDepth> {
    const [queue, deadLetters] = await Promise.all([
      this.options.queue.depth(priority),
      // A dead letter being peeked or searched for a redrive is in flight, and still a dead letter.
      this.options.deadLetters.depth(priority),
    ]);
    return { ...queue, deadLetters };
  }

  private async workerCounts(nowMs: number): Promise<Record<WorkerStatus, number>> {
    const counts: Record<WorkerStatus, number> = { idle: 0, busy: 0, offline: 0 };
    let cursor: string | undefined;
    do {
      const page = await this.options.workers.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const worker of page.workers) counts[workerStatus(worker, nowMs)] += 1;
      cursor = page.cursor;
    } while (cursor);
    return counts;
  }
}
