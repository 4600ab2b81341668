/**
 * The notifier's port to webhook delivery: it hands the firings that name webhooks
 * (`delivery.webhooks`) to `sendToWebhooks`, which must resolve only once they are safely queued
 * (one message `{ webhookId, firing }` per webhook), and reject otherwise: the stream batch is
 * then retried and the firings handed over again. Implemented by shared/webhooks
 * (`createSendToWebhooks`, `webhookSenderPort`), passed in by the handler and the local runtime.
 */
import type { Firing } from '../rules/index.ts';

export type SendToWebhooks = (firings: readonly Firing[]) => Promise<void>;
