/**
 * What both scraper functions (Chromium and HTTP-only) build a RunScraper from: the stores, the
 * shared domain budget, the settings of the environment. No browser here: the HTTP-only function
 * imports this file and must not bundle Chromium.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsClients, requireTable, type ResourceEnvironment } from '../aws/index.ts';
import { ChangeRecorder, type ChangeStore } from '../changes/index.ts';
import type { DefinitionStore } from '../definitions/index.ts';
import type { RunQueue } from '../queues/index.ts';
import type { ItemStore, RunSummaryPublisher } from '../results/index.ts';
import type { RunStore } from '../runs/index.ts';
import { DomainBudget } from './domain-budget.ts';
import { findExtractor } from './extractors/index.ts';
import type { RunScraperOptions, ScraperLogger } from './run-scraper.ts';
import { type ProxySettings, readProxySettings } from './proxy.ts';
import type { ScraperConfig } from './scraper-config.ts';

/** The stores the scraper works with (the composition root passes its `createStores(...)`). */
export interface ScraperStores {
  readonly runs: RunStore;
  readonly definitions: Pick<DefinitionStore, 'recordSuccess'>;
  readonly items: ItemStore;
  /** Item states and changes: every saved page is compared with them. */
  readonly changes: ChangeStore;
  readonly queue: RunQueue;
  /** Each finished run's summary event; none when the environment names no bus. */
  readonly summaries: RunSummaryPublisher | undefined;
}

/** Every RunScraper option but the browser, from the environment and settings. */
export function runScraperOptionsOf(
  stores: ScraperStores,
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents' | 'secrets'>,
  config: ScraperConfig,
  logger?: ScraperLogger,
  hooks: Pick<RunScraperOptions, 'onEscalation'> = {},
): Omit<RunScraperOptions, 'browser'> {
  const origins = config.siteOrigins;
  return {
    runs: stores.runs,
    definitions: stores.definitions,
    items: stores.items,
    changes: new ChangeRecorder({ changes: stores.changes, runs: stores.runs, items: stores.items }),
    budget: new DomainBudget({
      documents: clients.documents,
      controlTable: requireTable(resources, 'control'),
      fallback: { ratePerSecond: config.domainRatePerSecond, burst: config.domainBurst },
    }),
    ...(stores.summaries ? { summaries: stores.summaries } : {}),
    itemRetentionDays: resources.itemRetentionDays,
    leaseMs: config.leaseSeconds * 1000,
    navigationTimeoutMs: config.navigationTimeoutSeconds * 1000,
    maxResponseBytes: config.maxResponseBytes,
    ...(config.proxySecretName
      ? { resolveProxy: cachedProxySettings(clients.secrets, config.proxySecretName) }
      : {}),
    ...(config.allowHosts ? { urlCheck: { allowHosts: config.allowHosts } } : {}),
    ...(origins
      ? {
          originOverride: (platform: string, marketplace: string) => {
            const real = findExtractor(platform, 'product_details')?.originOf(marketplace);
            return real ? origins[real] : undefined;
          },
        }
      : {}),
    ...(config.userAgents ? { userAgents: config.userAgents } : {}),
    ...(logger ? { logger } : {}),
    ...hooks,
  };
}

/** How long HTTP runs reuse the proxy secret they read: a rotated secret applies within this. */
const PROXY_SETTINGS_TTL_MS = 5 * 60_000;

/**
 * The proxy secret for HTTP runs, read at most once per PROXY_SETTINGS_TTL_MS per container (a
 * browser reads it at each launch instead). A failed read is not kept: the next run asks again.
 */
function cachedProxySettings(
  secrets: SecretsManagerClient,
  secretName: string,
  now: () => number = Date.now,
): () => Promise<ProxySettings> {
  let cached: { readonly settings: Promise<ProxySettings>; readonly readAtMs: number } | undefined;
  return () => {
    if (!cached || now() - cached.readAtMs > PROXY_SETTINGS_TTL_MS) {
      const settings = readProxySettings(secrets, secretName);
      const entry = { settings, readAtMs: now() };
      cached = entry;
      settings.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.settings;
  };
}
