/**
 * A webhook: where a rule's firings are posted, in which message format, with which secret the
 * body is signed. Held in Secrets Manager as JSON, one secret per webhook
 * (`shelfwatch/<stage>/webhooks/<id>`), locally in a file; validated by one zod schema whose
 * errors name the field and never echo the secret.
 *
 *   { "url": "https://hooks.example.com/shelfwatch", "format": "json", "signingSecret": "…" }
 */
import { z } from 'zod';
import { ShelfwatchError, ValidationError } from '../errors/index.ts';

export const WEBHOOK_FORMATS = ['json', 'slack', 'feishu', 'dingtalk'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Shortest signing secret accepted: 32 hex characters' worth of entropy is what receivers expect. */
export const MIN_SIGNING_SECRET_LENGTH = 16;

export const webhookConfigSchema = z
  .object({
    // https is checked by the sender (with the loopback exception of tests and `npm start`).
    url: z.url({ protocol: /^https?$/, message: 'must be an https URL' }),
    format: z.enum(WEBHOOK_FORMATS, { message: `must be one of ${WEBHOOK_FORMATS.join(', ')}` }),
    // Sign every delivery (X-Shelfwatch-Signature); for feishu and dingtalk also the bot's own signature.
    signingSecret: z
      .string({ message: 'must be a string' })
      .min(MIN_SIGNING_SECRET_LENGTH, `must be at least ${MIN_SIGNING_SECRET_LENGTH} characters`)
      .max(512, 'must be at most 512 characters'),
  })
  .strict();
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

/** A webhook's configuration from its secret's (or file entry's) value. Errors name the field only. */
export function parseWebhookConfig(webhookId: string, value: unknown): WebhookConfig {
  let raw = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value);
    } catch {
      throw new ValidationError(`webhook "${webhookId}"`, [
        { field: '(root)', message: 'is not JSON: expected {"url", "format", "signingSecret"}' },
      ]);
    }
  }
  const parsed = webhookConfigSchema.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(`webhook "${webhookId}"`, parsed.error);
  return parsed.data;
}

/** A firing names a webhook this deployment does not have: no attempt can succeed. */
export class UnknownWebhookError extends ShelfwatchError {
  readonly webhookId: string;
  constructor(webhookId: string, where: string) {
    super(
      'not-found',
      'WEBHOOK_NOT_FOUND',
      `no webhook "${webhookId}" (${where}): create it, and list its id in the deployment's "webhooks" context key (docs/webhooks.md)`,
    );
    this.webhookId = webhookId;
  }
}

/** Where a webhook's configuration is read from. */
export interface WebhookRegistry {
  /** Throws UnknownWebhookError for an id it does not hold, ValidationError for a bad configuration. */
  get(webhookId: string): Promise<WebhookConfig>;
}
