/**
 * The request a delivery posts, per webhook format:
 * - `json`: `{ type: "rule.fired", version: 1, deliveryId, webhookId, firing }` (docs/webhooks.md
 *   documents every field of `firing`);
 * - `slack`, `feishu`, `dingtalk`: the chat service's text message (shared/chat), one line per
 *   fact; feishu and dingtalk bots also get their own signature, made with the signing secret.
 */
import { webhookRequest, type WebhookRequest } from '../chat/index.ts';
import type { Firing } from '../rules/index.ts';
import type { WebhookConfig } from './webhook-config.ts';

export const JSON_BODY_TYPE = 'rule.fired';
export const JSON_BODY_VERSION = 1;

export interface FiringDelivery {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly firing: Firing;
}

/** The text chat formats carry: who fired, on which item, why. */
export function firingText(firing: Firing): string {
  return [
    `🔔 ${firing.ruleName}: ${firing.reason}`,
    `Item: ${firing.platform} ${firing.marketplace} ${firing.itemId} (definition ${firing.definitionId})`,
    `Change: ${firing.changeKind} at ${firing.firedAt}`,
    `Rule: ${firing.ruleId}`,
  ].join('\n');
}

/** The URL and exact body of the delivery (the body is what gets signed). */
export function renderDelivery(
  webhook: WebhookConfig,
  delivery: FiringDelivery,
  nowMs: number,
): WebhookRequest {
  if (webhook.format === 'json') {
    const body = {
      type: JSON_BODY_TYPE,
      version: JSON_BODY_VERSION,
      deliveryId: delivery.deliveryId,
      webhookId: delivery.webhookId,
      firing: delivery.firing,
    };
    return { url: webhook.url, body: JSON.stringify(body) };
  }
  return webhookRequest(
    { url: webhook.url, kind: webhook.format, signingSecret: webhook.signingSecret },
    firingText(delivery.firing),
    nowMs,
  );
}
