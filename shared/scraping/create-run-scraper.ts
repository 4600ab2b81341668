/** The scraper wired to the resources and settings of a function's environment (Lambda or local). */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsClients } from '../aws/index.ts';
import { requireQueueUrl, requireTable, type ResourceEnvironment } from '../aws/environment.ts';
import { PRIORITIES, type Priority, recordDefinitionSuccess } from '../definitions/index.ts';
import { EventBridgeSummaryPublisher, ItemStore } from '../results/index.ts';
import { RunQueue } from '../queues/index.ts';
import { RunStore } from '../runs/index.ts';
import { BrowserHost } from './browser/index.ts';
import { DomainBudget } from './domain-budget.ts';
import { findExtractor } from './extractors/index.ts';
import { RunScraper, type ScraperLogger } from './run-scraper.ts';
import { type ProxySettings, proxyServerOf, readProxySettings } from './proxy.ts';
import type { ScraperConfig } from './scraper-config.ts';

export interface ScraperWiring {
  readonly scraper: RunScraper;
  readonly queue: RunQueue;
  readonly browser: BrowserHost;
}

export function createRunScraper(
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents' | 'sqs' | 'events' | 'secrets'>,
  config: ScraperConfig,
  logger?: ScraperLogger,
): ScraperWiring {
  const browser = new BrowserHost({
    recycleAfterPages: config.recycleAfterPages,
    ...(config.chromiumBinPath ? { chromiumBinPath: config.chromiumBinPath } : {}),
    ...(config.proxySecretName
      ? { resolveProxy: () => proxyOf(clients.secrets, config.proxySecretName as string) }
      : {}),
  });
  const definitionsTable = requireTable(resources, 'definitions');
  const origins = config.siteOrigins;
  const scraper = new RunScraper({
    runs: new RunStore({
      documents: clients.documents,
      tableName: requireTable(resources, 'runs'),
      retentionDays: resources.runRetentionDays,
    }),
    definitions: {
      recordSuccess: (definitionId, atMs) =>
        recordDefinitionSuccess(clients.documents, definitionsTable, definitionId, atMs),
    },
    items: new ItemStore({ documents: clients.documents, tableName: requireTable(resources, 'items') }),
    budget: new DomainBudget({
      documents: clients.documents,
      controlTable: requireTable(resources, 'control'),
      fallback: { ratePerSecond: config.domainRatePerSecond, burst: config.domainBurst },
    }),
    browser,
    ...(resources.eventBusName
      ? {
          summaries: new EventBridgeSummaryPublisher({
            events: clients.events,
            busName: resources.eventBusName,
          }),
        }
      : {}),
    itemRetentionDays: resources.itemRetentionDays,
    leaseMs: config.leaseSeconds * 1000,
    navigationTimeoutMs: config.navigationTimeoutSeconds * 1000,
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
  });
  const queueUrls = Object.fromEntries(PRIORITIES.map((p) => [p, requireQueueUrl(resources, p)])) as Record<
    Priority,
    string
  >;
  return { scraper, queue: new RunQueue({ sqs: clients.sqs, queueUrls }), browser };
}

async function proxyOf(secrets: SecretsManagerClient, secretName: string) {
  const settings: ProxySettings = await readProxySettings(secrets, secretName);
  return {
    server: proxyServerOf(settings),
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
  };
}
