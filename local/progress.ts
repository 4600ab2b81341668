/**
 * The progress line of `npm start`: runs per status (a COUNT query per status on the runs
 * table's byStatus index, so only numbers are read), items saved and events published (from the
 * run events on the local bus), changes recorded and alerts fired since this start (counters of
 * the changes pump, which reads every change off the stream: no read of the table's history),
 * scraper invocations running now.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { RUN_STATUSES, type RunStatus } from '../shared/runs/index.ts';
import type { BusEvent } from './event-bus.ts';

export interface Progress {
  readonly runs: Record<RunStatus, number>;
  readonly itemsSaved: number;
  /** Item changes recorded since this start (price moves, stock, listing entries and exits, ranks, first seen). */
  readonly changes: number;
  readonly events: number;
  /** Watch rules fired (firings recorded by the changes pump) since start. */
  readonly alertsFired: number;
  readonly scrapersRunning: number;
}

export async function countRunsByStatus(
  documents: DynamoDBDocumentClient,
  runsTable: string,
): Promise<Record<RunStatus, number>> {
  const counts = await Promise.all(
    RUN_STATUSES.map(async (status) => {
      let total = 0;
      let cursor: Record<string, unknown> | undefined;
      do {
        const { Count = 0, LastEvaluatedKey } = await documents.send(
          new QueryCommand({
            TableName: runsTable,
            IndexName: 'byStatus',
            Select: 'COUNT',
            KeyConditionExpression: '#status = :status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': status },
            ExclusiveStartKey: cursor,
          }),
        );
        total += Count;
        cursor = LastEvaluatedKey;
      } while (cursor);
      return [status, total] as const;
    }),
  );
  return Object.fromEntries(counts) as Record<RunStatus, number>;
}

/** Items saved by finished runs, from their summary events (`detail.counts.saved`). */
export function itemsSavedOf(events: readonly BusEvent[]): number {
  let saved = 0;
  for (const event of events) {
    const counts = (event.detail as { counts?: { saved?: unknown } } | null)?.counts;
    if (typeof counts?.saved === 'number') saved += counts.saved;
  }
  return saved;
}

export function formatProgress(progress: Progress, slot: string | undefined): string {
  const { runs } = progress;
  const queued = runs.PENDING + runs.QUEUED;
  const failed = runs.FAILED + runs.CANCELLED;
  return [
    `${new Date().toISOString().slice(11, 19)}${slot ? ` slot ${slot}` : ''}`,
    `runs: ${queued} queued, ${runs.RUNNING} running, ${runs.RETRY_WAIT} waiting to retry, ${runs.SUCCEEDED} succeeded, ${failed} failed, ${runs.DEAD_LETTERED} dead-lettered`,
    `items saved: ${progress.itemsSaved}`,
    `changes: ${progress.changes}`,
    `events: ${progress.events}`,
    `${progress.alertsFired} alerts fired`,
    `scrapers busy: ${progress.scrapersRunning}`,
  ].join(' · ');
}
