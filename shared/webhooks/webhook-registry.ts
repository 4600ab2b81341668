/**
 * Webhook registries: Secrets Manager when deployed (one secret per webhook, cached for five
 * minutes so a burst of deliveries reads each once); locally the `webhooks.json` file of
 * `npm start`'s data folder; in tests a map given directly.
 */
import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { webhookSecretName } from '../catalogue/index.ts';
import { UnavailableError, ValidationError } from '../errors/index.ts';
import { WEBHOOK_ID_PATTERN } from '../rules/index.ts';
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
  private readonly source: string;

  /** Each id and configuration is checked now: a bad one throws a ValidationError naming it. */
  constructor(webhooks: Readonly<Record<string, unknown>>, source = 'the local webhooks') {
    this.source = source;
    this.webhooks = new Map(
      Object.entries(webhooks).map(([id, value]) => {
        if (!WEBHOOK_ID_PATTERN.test(id)) {
          throw new ValidationError(`webhooks of ${source}`, [
            { field: id, message: 'is not a webhook id: 1-64 letters, digits, ".", "_" or "-"' },
          ]);
        }
        return [id, parseWebhookConfig(id, value)] as const;
      }),
    );
  }

  ids(): string[] {
    return [...this.webhooks.keys()];
  }

  /**
   * `host:port` of each loopback URL, http or https (the local runtime lets deliveries reach
   * those, past the SSRF guard; an https one is checked against the system's CAs and
   * SHELFWATCH_WEBHOOK_CA_FILE's).
   */
  loopbackHosts(): string[] {
    const hosts = [...this.webhooks.values()].flatMap(({ url }) => {
      const parsed = new URL(url);
      const isLoopback = /^127\.\d+\.\d+\.\d+$/.test(parsed.hostname) || parsed.hostname === 'localhost';
      if (!isLoopback || !['http:', 'https:'].includes(parsed.protocol)) return [];
      return [`${parsed.hostname}:${parsed.port || (parsed.protocol === 'https:' ? '443' : '80')}`];
    });
    return [...new Set(hosts)];
  }

  get(webhookId: string): Promise<WebhookConfig> {
    const config = this.webhooks.get(webhookId);
    return config
      ? Promise.resolve(config)
      : Promise.reject(new UnknownWebhookError(webhookId, `not in ${this.source}`));
  }
}

/**
 * The local webhooks file, `{ "<id>": { "url", "format", "signingSecret" }, ... }`, read at each
 * lookup so an edit takes effect without a restart. A missing file holds no webhooks.
 */
export class FileWebhookRegistry implements WebhookRegistry {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  async get(webhookId: string): Promise<WebhookConfig> {
    return readWebhooksFile(this.file).get(webhookId);
  }
}

/** The webhooks of a local file (none when it does not exist); a malformed file names what is wrong. */
export function readWebhooksFile(file: string): StaticWebhookRegistry {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new StaticWebhookRegistry({}, file);
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`webhooks file ${file}`, [
      { field: '(root)', message: `is not JSON (${(error as Error).message})` },
    ]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError(`webhooks file ${file}`, [
      { field: '(root)', message: 'must be an object of webhook id → {"url", "format", "signingSecret"}' },
    ]);
  }
  return new StaticWebhookRegistry(parsed as Record<string, unknown>, file);
}
