/**
 * Webhook registries: Secrets Manager when deployed (one secret per webhook, cached for five
 * minutes so a burst of deliveries reads each once), a map locally and in tests (from the
 * `webhooks.json` file of `npm start`'s data folder, or given directly).
 */
import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { webhookSecretName } from '../catalogue/index.ts';
import { UnavailableError, ValidationError } from '../errors/index.ts';
import {
  parseWebhookConfig,
  UnknownWebhookError,
  type WebhookConfig,
  type WebhookRegistry,
} from './webhook-config.ts';

const CACHE_MS = 5 * 60_000;

export interface SecretsManagerWebhookRegistryOptions {
  readonly secrets: Pick<SecretsManagerClient, 'send'>;
  readonly stage: string;
  readonly now?: () => number;
}

export class SecretsManagerWebhookRegistry implements WebhookRegistry {
  private readonly options: SecretsManagerWebhookRegistryOptions;
  private readonly cache = new Map<string, { config: WebhookConfig; readAtMs: number }>();

  constructor(options: SecretsManagerWebhookRegistryOptions) {
    this.options = options;
  }

  async get(webhookId: string): Promise<WebhookConfig> {
    const nowMs = (this.options.now ?? Date.now)();
    const cached = this.cache.get(webhookId);
    if (cached && nowMs - cached.readAtMs < CACHE_MS) return cached.config;
    const secretName = webhookSecretName(this.options.stage, webhookId);
    let value: string | undefined;
    try {
      ({ SecretString: value } = await this.options.secrets.send(
        new GetSecretValueCommand({ SecretId: secretName }),
      ));
    } catch (error) {
      const name = (error as { name?: string }).name;
      // AccessDenied: the id is not in the deployment's `webhooks` list (the role may read only those).
      if (name === 'ResourceNotFoundException' || name === 'AccessDeniedException') {
        throw new UnknownWebhookError(webhookId, `secret ${secretName}: ${name}`);
      }
      throw new UnavailableError(
        'WEBHOOK_SECRET_UNREADABLE',
        `could not read secret ${secretName} (${name ?? 'error'}); the delivery is retried`,
      );
    }
    if (!value) {
      throw new ValidationError(`webhook "${webhookId}"`, [
        { field: '(root)', message: `secret ${secretName} has no string value` },
      ]);
    }
    const config = parseWebhookConfig(webhookId, value);
    this.cache.set(webhookId, { config, readAtMs: nowMs });
    return config;
  }
}

/** Webhooks held in memory: tests, and `npm start` (from its webhooks file). */
export class StaticWebhookRegistry implements WebhookRegistry {
  private readonly webhooks: ReadonlyMap<string, WebhookConfig>;

  constructor(webhooks: Readonly<Record<string, unknown>>) {
    this.webhooks = new Map(
      Object.entries(webhooks).map(([id, value]) => [id, parseWebhookConfig(id, value)] as const),
    );
  }

  ids(): string[] {
    return [...this.webhooks.keys()];
  }

  get(webhookId: string): Promise<WebhookConfig> {
    const config = this.webhooks.get(webhookId);
    return config
      ? Promise.resolve(config)
      : Promise.reject(new UnknownWebhookError(webhookId, 'not in the local webhooks file'));
  }
}

/** The local webhooks file: `{ "<id>": { "url", "format", "signingSecret" }, ... }`. */
export function readWebhooksFile(file: string): StaticWebhookRegistry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ValidationError(`webhooks file ${file}`, [
      { field: '(root)', message: `is not readable JSON (${(error as Error).message})` },
    ]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError(`webhooks file ${file}`, [
      { field: '(root)', message: 'must be an object of webhook id → {"url", "format", "signingSecret"}' },
    ]);
  }
  return new StaticWebhookRegistry(parsed as Record<string, unknown>);
}
