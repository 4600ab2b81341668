/**
 * Chat services' incoming-webhook message shapes (Slack, DingTalk, Feishu/Lark) and the request
 * signatures DingTalk and Feishu bots ask for. Pure: what the alarm forwarder (shared/monitoring)
 * and the rule webhooks (shared/webhooks) both post, in one place.
 */
import { createHmac } from 'node:crypto';

export const CHAT_KINDS = ['slack', 'dingtalk', 'feishu'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

export interface ChatWebhook {
  readonly url: string;
  readonly kind: ChatKind;
  /** The bot's own signing secret (DingTalk, Feishu); Slack's incoming webhooks have none. */
  readonly signingSecret?: string;
}

export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
}

/** The HTTP request that posts `text` to the chat webhook, signed where the service asks for it. */
export function webhookRequest(webhook: ChatWebhook, text: string, nowMs: number): WebhookRequest {
  switch (webhook.kind) {
    case 'slack':
      return { url: webhook.url, body: JSON.stringify({ text }) };
    case 'dingtalk': {
      // DingTalk: sign = base64(HMAC-SHA256(key = secret, "timestamp\nsecret")), as query parameters.
      const url = new URL(webhook.url);
      if (webhook.signingSecret) {
        const timestamp = String(nowMs);
        const sign = createHmac('sha256', webhook.signingSecret)
          .update(`${timestamp}\n${webhook.signingSecret}`)
          .digest('base64');
        url.searchParams.set('timestamp', timestamp);
        url.searchParams.set('sign', sign);
      }
      return { url: url.toString(), body: JSON.stringify({ msgtype: 'text', text: { content: text } }) };
    }
    case 'feishu': {
      // Feishu/Lark: sign = base64(HMAC-SHA256(key = "timestamp\nsecret", "")), in the body, seconds.
      const body: Record<string, unknown> = { msg_type: 'text', content: { text } };
      if (webhook.signingSecret) {
        const timestamp = String(Math.floor(nowMs / 1000));
        body.timestamp = timestamp;
        body.sign = createHmac('sha256', `${timestamp}\n${webhook.signingSecret}`)
          .update('')
          .digest('base64');
      }
      return { url: webhook.url, body: JSON.stringify(body) };
    }
  }
}
