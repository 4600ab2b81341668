/**
 * One event per finished run on an EventBridge bus, for downstream consumers (a price-alert
 * service, a warehouse loader): what ran, how it ended, what it saved. Small and versioned; the
 * items themselves stay in the items table (queried by run id).
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ShelfwatchError } from '../errors/index.ts';
import type { Run } from '../runs/index.ts';

export const RUN_SUMMARY_SOURCE = 'shelfwatch';
export const RUN_SUMMARY_DETAIL_TYPE = 'Run finished';

export interface RunSummary {
  readonly v: 1;
  readonly runId: string;
  readonly definitionId: string;
  readonly slot: string;
  readonly trigger: Run['trigger'];
  readonly platform: string;
  readonly marketplace: string;
  readonly crawlType: string;
  readonly status: Run['status'];
  readonly attempts: number;
  readonly blockedAttempts: number;
  readonly counts: Run['counts'];
  readonly completeness?: number;
  readonly pages: number;
  readonly failure?: { readonly failureClass: string; readonly reason: string; readonly message: string };
  readonly finishedAt?: string;
}

export function summaryOf(run: Run): RunSummary {
  return {
    v: 1,
    runId: run.runId,
    definitionId: run.definitionId,
    slot: run.slot,
    trigger: run.trigger,
    platform: run.platform,
    marketplace: run.marketplace,
    crawlType: run.crawlType,
    status: run.status,
    attempts: run.attempts,
    blockedAttempts: run.blockedAttempts,
    counts: run.counts,
    ...(run.completeness === undefined ? {} : { completeness: run.completeness }),
    pages: run.checkpoint?.page ?? 0,
    ...(run.status === 'SUCCEEDED' || !run.lastFailure
      ? {}
      : {
          failure: {
            failureClass: run.lastFailure.failureClass,
            reason: run.lastFailure.reason,
            message: run.lastFailure.message,
          },
        }),
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
  };
}

export class SummaryNotPublishedError extends ShelfwatchError {
  constructor(runId: string, reason: string) {
    super('internal', 'SUMMARY_NOT_PUBLISHED', `the summary event of run ${runId} was refused: ${reason}`);
  }
}

export interface RunSummaryPublisher {
  publish(run: Run): Promise<void>;
}

export class EventBridgeSummaryPublisher implements RunSummaryPublisher {
  private readonly events: EventBridgeClient;
  private readonly busName: string;

  constructor(options: { events: EventBridgeClient; busName: string }) {
    this.events = options.events;
    this.busName = options.busName;
  }

  async publish(run: Run): Promise<void> {
    const { FailedEntryCount, Entries } = await this.events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: RUN_SUMMARY_SOURCE,
            DetailType: RUN_SUMMARY_DETAIL_TYPE,
            Resources: [],
            Detail: JSON.stringify(summaryOf(run)),
          },
        ],
      }),
    );
    if (FailedEntryCount) {
      const entry = Entries?.[0];
      throw new SummaryNotPublishedError(
        run.runId,
        `${entry?.ErrorCode ?? 'error'}: ${entry?.ErrorMessage ?? ''}`,
      );
    }
  }
}
