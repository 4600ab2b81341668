/**
 * Forwards alarm-topic messages to a chat webhook whose URL lives in Secrets Manager.
 * The secret is cached for five minutes so a storm of alarms reads it once.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ShelfwatchError } from '../errors/index.ts';
import { type ChatWebhook, notificationText, parseChatWebhook, webhookRequest } from './chat-webhook.ts';

export interface ForwardedMessage {
  readonly subject?: string;
  readonly message: string;
}

export interface AlarmForwarderOptions {
  readonly secrets: Pick<SecretsManagerClient, 'send'>;
  readonly secretName: string;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly timeoutMs?: number;
}

const CACHE_MS = 5 * 60_000;

export class WebhookDeliveryError extends ShelfwatchError {
  readonly status: number;
  constructor(status: number, webhookKind: string) {
    super(
      'unavailable',
      'WEBHOOK_NOT_DELIVERED',
      `the ${webhookKind} webhook answered HTTP ${status}; the notification was not delivered`,
    );
    this.status = status;
  }
}

export class AlarmForwarder {
  private readonly options: AlarmForwarderOptions;
  private cached: { webhook: ChatWebhook; readAt: number } | undefined;

  constructor(options: AlarmForwarderOptions) {
    this.options = options;
  }

  async forward(messages: readonly ForwardedMessage[]): Promise<number> {
    const now = this.options.now ?? Date.now;
    const webhook = await this.webhook(now());
    for (const { subject, message } of messages) {
      const request = webhookRequest(webhook, notificationText(subject, message), now());
      const response = await (this.options.fetch ?? fetch)(request.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: request.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
      if (!response.ok) throw new WebhookDeliveryError(response.status, webhook.kind);
    }
    return messages.length;
  }

  private async webhook(nowMs: number): Promise<ChatWebhook> {
    if (this.cached && nowMs - this.cached.readAt < CACHE_MS) return this.cached.webhook;
    const { SecretString } = await this.options.secrets.send(
      new GetSecretValueCommand({ SecretId: this.options.secretName }),
    );
    if (!SecretString) {
      throw new ShelfwatchError(
        'internal',
        'WEBHOOK_SECRET_EMPTY',
        `secret ${this.options.secretName} has no string value`,
      );
    }
    const webhook = parseChatWebhook(SecretString);
    this.cached = { webhook, readAt: nowMs };
    return webhook;
  }
}
