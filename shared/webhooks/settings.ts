/**
 * The sender's settings: defaults in one zod schema, read from the environment by
 * `webhookSettingsFromEnvironment`. The three local-only variables (the webhooks file, the
 * loopback allow-list and the extra CA file) are never set by CDK: a deployed sender reads Secrets
 * Manager and posts over https to public addresses, checked against the system's CAs only.
 */
import { z } from 'zod';
import { ValidationError } from '../errors/index.ts';

export const WEBHOOK_VARIABLES = {
  /** Local only: a JSON file of webhook id → configuration, instead of Secrets Manager. */
  webhooksFile: 'SHELFWATCH_WEBHOOKS_FILE',
  /** Local only: comma-separated loopback `host:port` values deliveries may reach (http or https). */
  allowHosts: 'SHELFWATCH_WEBHOOK_ALLOW_HOSTS',
  /** Local only: a PEM file of CA certificates trusted besides the system's (a local https receiver). */
  caFile: 'SHELFWATCH_WEBHOOK_CA_FILE',
  timeoutMs: 'SHELFWATCH_WEBHOOK_TIMEOUT_MS',
  retryBaseSeconds: 'SHELFWATCH_WEBHOOK_RETRY_BASE_SECONDS',
  retryMaxSeconds: 'SHELFWATCH_WEBHOOK_RETRY_MAX_SECONDS',
} as const;

export const webhookSettingsSchema = z.object({
  webhooksFile: z.string().min(1).optional(),
  allowHosts: z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((host) => host.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1):\d+$/,
            'must list loopback host:port values only',
          ),
      ),
    )
    .optional(),
  caFile: z.string().min(1).optional(),
  /** One attempt, connection to last byte. */
  timeoutMs: z.coerce.number().int().min(100).max(30_000).default(5_000),
  /** First retry after about this long, doubling per attempt. */
  retryBaseSeconds: z.coerce.number().int().min(0).max(3_600).default(30),
  /** Backoff ceiling (SQS allows 12 hours). */
  retryMaxSeconds: z.coerce.number().int().min(0).max(43_200).default(900),
});
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

export const WEBHOOK_DEFAULTS = webhookSettingsSchema.parse({});

export function webhookSettingsFromEnvironment(env: NodeJS.ProcessEnv): WebhookSettings {
  const raw = Object.fromEntries(
    Object.entries(WEBHOOK_VARIABLES).flatMap(([key, variable]) =>
      env[variable] ? [[key, env[variable]]] : [],
    ),
  );
  const parsed = webhookSettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    'environment',
    parsed.error.issues.map((issue) => ({
      field: WEBHOOK_VARIABLES[issue.path[0] as keyof typeof WEBHOOK_VARIABLES] ?? String(issue.path[0]),
      message: issue.message,
    })),
  );
}
