/**
 * The notifier's port to webhook delivery: it hands the firings that name webhooks
 * (`delivery.webhooks`) to `sendToWebhooks`, which must resolve only once they are safely queued
 * (one message `{ webhookId, firing }` per webhook), and reject otherwise: the stream batch is
 * then retried and the firings handed over again.
 */
import type { Firing } from '../rules/index.ts';

export type SendToWebhooks = (firings: readonly Firing[]) => Promise<void>;

/**
 * PLACEHOLDER until webhook delivery (shared/webhooks, another branch) is merged: logs the
 * firings it would send, and sends nothing. The lead replaces it with that branch's sender where
 * the handler (functions/notifier/handler.ts) and the local changes pump build their notifier.
 */
export function logWebhookFirings(
  log: (message: string, details: Record<string, unknown>) => void,
): SendToWebhooks {
  return (firings) => {
    for (const firing of firings) {
      log('webhook delivery not wired yet: firing not sent to its webhooks', {
        ruleId: firing.ruleId,
        itemKey: firing.itemKey,
        changeId: firing.changeId,
        webhooks: firing.delivery.webhooks,
      });
    }
    return Promise.resolve();
  };
}
