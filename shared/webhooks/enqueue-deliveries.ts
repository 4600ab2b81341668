/**
 * The port the rule evaluation hands its firings to: one message per (firing × webhook id) on
 * the webhooks queue, sent in batches of ten. A message SQS refuses fails the call (the caller's
 * own retry sends the firing again; the delivery id lets the receiver ignore the repeat).
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chunk, mapWithConcurrency } from '../concurrency/index.ts';
import { UnavailableError } from '../errors/index.ts';
import type { Firing } from '../rules/index.ts';
import { deliveryIdOf, type WebhookDeliveryMessage } from './delivery-message.ts';

export type SendToWebhooks = (firings: readonly Firing[]) => Promise<void>;

export interface WebhookQueueTarget {
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
}

/** The messages of a set of firings: one per webhook each names, none for a firing that names none. */
export function deliveryMessagesOf(firings: readonly Firing[]): WebhookDeliveryMessage[] {
  return firings.flatMap((firing) => firing.delivery.webhooks.map((webhookId) => ({ webhookId, firing })));
}

export async function enqueueWebhookDeliveries(
  target: WebhookQueueTarget,
  firings: readonly Firing[],
): Promise<number> {
  const messages = deliveryMessagesOf(firings);
  await mapWithConcurrency(chunk(messages, 10), 4, async (batch) => {
    const { Failed = [] } = await target.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: target.queueUrl,
        Entries: batch.map((message, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(message),
          MessageAttributes: {
            deliveryId: { DataType: 'String', StringValue: deliveryIdOf(message.firing, message.webhookId) },
          },
        })),
      }),
    );
    if (Failed.length > 0) {
      throw new UnavailableError(
        'WEBHOOK_DELIVERIES_NOT_QUEUED',
        `SQS refused ${Failed.length} of ${batch.length} webhook deliveries (${Failed[0]?.Code ?? 'error'}): send the firings again`,
      );
    }
  });
  return messages.length;
}

/** `sendToWebhooks` bound to a queue: what the notifier is given. */
export const webhookSenderPort =
  (target: WebhookQueueTarget): SendToWebhooks =>
  async (firings) => {
    await enqueueWebhookDeliveries(target, firings);
  };
