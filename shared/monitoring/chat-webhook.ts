/**
 * Alarm notifications to a chat webhook: Slack, DingTalk or Feishu/Lark. Pure formatting and
 * signing here; the forwarder function reads the webhook from Secrets Manager and posts.
 *
 * The secret holds either the webhook URL, or JSON:
 *   { "url": "https://...", "kind": "slack" | "dingtalk" | "feishu", "signingSecret": "SEC..." }
 * `kind` defaults from the URL's host; `signingSecret` is for DingTalk/Feishu bots that
 * require signed requests.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors/index.ts';

export const CHAT_KINDS = ['slack', 'dingtalk', 'feishu'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];

export interface ChatWebhook {
  readonly url: string;
  readonly kind: ChatKind;
  readonly signingSecret?: string;
}

const webhookSchema = z
  .object({
    url: z.url({ protocol: /^https$/, message: 'must be an https URL' }),
    kind: z.enum(CHAT_KINDS).optional(),
    signingSecret: z.string().min(1).optional(),
  })
  .strict();

function kindOfHost(host: string): ChatKind | undefined {
  if (host === 'hooks.slack.com') return 'slack';
  if (host === 'oapi.dingtalk.com') return 'dingtalk';
  if (host === 'open.feishu.cn' || host === 'open.larksuite.com') return 'feishu';
  return undefined;
}

/** Reads the secret's value. Throws ValidationError naming what is wrong (never the secret itself). */
export function parseChatWebhook(secretValue: string): ChatWebhook {
  const trimmed = secretValue.trim();
  let raw: unknown = { url: trimmed };
  if (trimmed.startsWith('{')) {
    try {
      raw = JSON.parse(trimmed);
    } catch {
      throw new ValidationError('chat webhook secret', [
        { field: '(root)', message: 'is neither a URL nor JSON' },
      ]);
    }
  }
  const parsed = webhookSchema.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod('chat webhook secret', parsed.error);
  const kind = parsed.data.kind ?? kindOfHost(new URL(parsed.data.url).host);
  if (!kind) {
    throw new ValidationError('chat webhook secret', [
      { field: 'kind', message: `cannot tell from the host; set "kind" to one of ${CHAT_KINDS.join(', ')}` },
    ]);
  }
  return {
    url: parsed.data.url,
    kind,
    ...(parsed.data.signingSecret ? { signingSecret: parsed.data.signingSecret } : {}),
  };
}

/** What an SNS message from a CloudWatch alarm carries (the fields we use). */
export interface AlarmMessage {
  readonly AlarmName: string;
  readonly AlarmDescription?: string | null;
  readonly NewStateValue: string;
  readonly NewStateReason?: string;
  readonly StateChangeTime?: string;
  readonly Region?: string;
}

function isAlarmMessage(value: unknown): value is AlarmMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AlarmMessage).AlarmName === 'string' &&
    typeof (value as AlarmMessage).NewStateValue === 'string'
  );
}

/** One readable text for people on call, from an SNS message (an alarm's JSON, or plain text). */
export function notificationText(subject: string | undefined, message: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    parsed = undefined;
  }
  if (!isAlarmMessage(parsed)) return [subject, message].filter(Boolean).join('\n');
  const icon = parsed.NewStateValue === 'ALARM' ? '🔴' : parsed.NewStateValue === 'OK' ? '🟢' : '⚪';
  return [
    `${icon} [${parsed.NewStateValue}] ${parsed.AlarmName}`,
    parsed.AlarmDescription ?? undefined,
    parsed.NewStateReason ? `Reason: ${parsed.NewStateReason}` : undefined,
    parsed.StateChangeTime
      ? `At: ${parsed.StateChangeTime}${parsed.Region ? ` (${parsed.Region})` : ''}`
      : undefined,
  ]
    .filter(Boolean)
    .join('\n');
}

export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
}

/** The HTTP request that posts `text` to the webhook, signed where the service asks for it. */
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
