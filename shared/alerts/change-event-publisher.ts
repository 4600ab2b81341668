/**
 * Puts the change events of a batch on the run events bus: PutEvents of at most 10 entries, in
 * parallel; entries EventBridge refuses (throttling, internal errors) are sent again with backoff,
 * and those still refused after the last attempt are returned, never dropped: the caller fails
 * the stream batch from the first of them.
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Change } from '../changes/index.ts';
import { chunk, sleep } from '../concurrency/index.ts';
import { changeEventOf } from './change-events.ts';

/** EventBridge takes at most 10 entries per PutEvents. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

export interface ChangeEventPublisherOptions {
  readonly events: EventBridgeClient;
  readonly busName: string;
  /** Attempts per entry (the first included). Default 4. */
  readonly maxAttempts?: number;
  /** Base of the exponential backoff between attempts. Default 100 ms. */
  readonly backoffMs?: number;
}

export interface ChangeEventsOutcome {
  readonly published: number;
  /** Changes whose event was still refused after the last attempt, with the last reason. */
  readonly failed: readonly { readonly change: Change; readonly reason: string }[];
  /** PutEvents requests sent (retries included). */
  readonly requests: number;
}

export class ChangeEventPublisher {
  private readonly options: ChangeEventPublisherOptions;

  constructor(options: ChangeEventPublisherOptions) {
    this.options = options;
  }

  async publish(changes: readonly Change[]): Promise<ChangeEventsOutcome> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    const backoffMs = this.options.backoffMs ?? 100;
    let requests = 0;
    let pending: { change: Change; reason: string }[] = changes.map((change) => ({ change, reason: '' }));
    for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt += 1) {
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2) * (0.5 + Math.random() / 2));
      const refused = await Promise.all(
        chunk(pending, PUT_EVENTS_MAX_ENTRIES).map(async (entries) => {
          requests += 1;
          try {
            const { Entries = [] } = await this.options.events.send(
              new PutEventsCommand({
                Entries: entries.map(({ change }) => changeEventOf(change, this.options.busName)),
              }),
            );
            // Entries answer in request order; one without an EventId was refused.
            return entries.flatMap((entry, index) => {
              const answer = Entries[index];
              return answer?.EventId
                ? []
                : [
                    {
                      ...entry,
                      reason: `${answer?.ErrorCode ?? 'no answer'}: ${answer?.ErrorMessage ?? ''}`,
                    },
                  ];
            });
          } catch (error) {
            return entries.map((entry) => ({ ...entry, reason: String(error) }));
          }
        }),
      );
      pending = refused.flat();
    }
    return { published: changes.length - pending.length, failed: pending, requests };
  }
}
