/** The Chromium scraper wired to the resources and settings of a function's environment (Lambda or local). */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsClients, ResourceEnvironment } from '../aws/index.ts';
import type { RunQueue } from '../queues/index.ts';
import { BrowserHost } from './browser/index.ts';
import { RunScraper, type RunScraperOptions, type ScraperLogger } from './run-scraper.ts';
import { type ProxySettings, proxyServerOf, readProxySettings } from './proxy.ts';
import type { ScraperConfig } from './scraper-config.ts';
import { runScraperOptionsOf, type ScraperStores } from './scraper-wiring.ts';

export type { ScraperStores } from './scraper-wiring.ts';

export interface ScraperWiring {
  readonly scraper: RunScraper;
  readonly queue: RunQueue;
  readonly browser: BrowserHost;
}

export function createRunScraper(
  stores: ScraperStores,
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents' | 'secrets'>,
  config: ScraperConfig,
  logger?: ScraperLogger,
  hooks: Pick<RunScraperOptions, 'onEscalation'> = {},
): ScraperWiring {
  const options = runScraperOptionsOf(stores, resources, clients, config, logger, hooks);
  const browser = new BrowserHost({
    recycleAfterPages: config.recycleAfterPages,
    // The same guard as the page checks (allow-list included), now for every browser request.
    urlCheck: options.urlCheck ?? {},
    ...(config.chromiumBinPath ? { chromiumBinPath: config.chromiumBinPath } : {}),
    ...(config.proxySecretName
      ? { resolveProxy: () => proxyOf(clients.secrets, config.proxySecretName as string) }
      : {}),
  });
  const scraper = new RunScraper({ ...options, browser });
  return { scraper, queue: stores.queue, browser };
}

async function proxyOf(secrets: SecretsManagerClient, secretName: string) {
  const settings: ProxySettings = await readProxySettings(secrets, secretName);
  return {
    server: proxyServerOf(settings),
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
  };
}
