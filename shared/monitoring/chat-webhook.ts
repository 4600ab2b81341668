/**
 * Alarm notifications to a chat webhook: Slack, DingTalk or Feishu/Lark. The secret and the
 * alarm's text here; the message shapes and signatures in shared/chat; the forwarder function reads the webhook from Secrets Manager and posts.
 *
 * The secret holds either the webhook URL, or JSON:
 *   { "url": "https://...", "kind": "slack" | "dingtalk" | "feishu", "signingSecret": "SEC..." }
 * `kind` defaults from the URL's host; `signingSecret` is for DingTalk/Feishu bots that
 * require signed requests.
 */
import { z } from 'zod';
import { CHAT_KINDS, type ChatKind, type ChatWebhook } from '../chat/index.ts';
import { ValidationError } from '../errors/index.ts';

// The message shapes and their signatures are shared with the rule webhooks (shared/chat).
export {
  CHAT_KINDS,
  type ChatKind,
  type ChatWebhook,
  webhookRequest,
  type WebhookRequest,
} from '../chat/index.ts';

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
