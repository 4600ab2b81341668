/**
 * The message of one webhook delivery on the webhooks queue: `{ webhookId, firing }`, validated
 * on receipt by this schema (a message that does not fit is moved to the DLQ, never retried).
 * Its delivery id, one per (rule, item, change, webhook), is what the receiver de-duplicates on
 * (`X-Shelfwatch-Delivery`): SQS delivers at least once.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CHANGE_KINDS } from '../changes/index.ts';
import { ValidationError } from '../errors/index.ts';
import { deliverySchema, type Firing, ruleConditionSchema, WEBHOOK_ID_PATTERN } from '../rules/index.ts';

const text = (max: number) => z.string().min(1, 'is required').max(max);
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time' });

/** A rule firing as the rules step records it (shared/rules `Firing`), and as the json format posts it. */
export const firingSchema = z
  .object({
    ruleId: text(128),
    ruleName: text(200),
    itemKey: text(320),
    platform: text(32),
    marketplace: text(16),
    itemId: text(256),
    definitionId: text(128),
    changeId: text(512),
    changeKind: z.enum(CHANGE_KINDS),
    condition: ruleConditionSchema,
    delivery: deliverySchema,
    reason: text(1000),
    firedAt: isoTime,
    recordedAt: isoTime,
  })
  .strict();

export const webhookDeliveryMessageSchema = z
  .object({
    webhookId: z.string().regex(WEBHOOK_ID_PATTERN, 'must be a webhook id'),
    firing: firingSchema,
  })
  .strict();
export type WebhookDeliveryMessage = z.infer<typeof webhookDeliveryMessageSchema>;

/** A queue message's body, or a ValidationError naming the fields (as `firing.ruleId`). */
export function parseWebhookDeliveryMessage(body: string): WebhookDeliveryMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new ValidationError('webhook delivery message', [{ field: '(root)', message: 'is not JSON' }]);
  }
  const parsed = webhookDeliveryMessageSchema.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod('webhook delivery message', parsed.error);
  return parsed.data;
}

/** One id per (rule, item, change, webhook): the same firing re-sent to the same webhook keeps it. */
export function deliveryIdOf(
  firing: Pick<Firing, 'ruleId' | 'itemKey' | 'changeId'>,
  webhookId: string,
): string {
  return createHash('sha256')
    .update([firing.ruleId, firing.itemKey, firing.changeId, webhookId].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}
