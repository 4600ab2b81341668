/**
 * Each function, wired with exactly the variables CDK gives it (derived from the catalogue's
 * grants), builds its dependencies and serves a representative call against the local emulators.
 * A store that needs a table the function is not granted fails here with MissingResourceError,
 * not at the deployed function's start.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApiDependencies } from '../../shared/api/index.ts';
import { resourceEnvironment } from '../../shared/aws/index.ts';
import { createExpander } from '../../shared/expansion/index.ts';
import { createMonitor } from '../../shared/monitoring/index.ts';
import { createRunScraper, readScraperConfig } from '../../shared/scraping/index.ts';
import { createStores } from '../../shared/stores/index.ts';
import { createWebhookSender } from '../../shared/webhooks/index.ts';
import { firingOf } from '../fixtures/firing.ts';
import { drainQueue } from '../helpers/queues.ts';
import { grantedEnvironment } from '../helpers/function-environment.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

describe('a function wired with only the resources the catalogue grants it', () => {
  const local = useLocalInfrastructure({ stage: 'grants' });
  const resourcesOf = (name: Parameters<typeof grantedEnvironment>[0]) =>
    resourceEnvironment(grantedEnvironment(name, local().environment));

  it('the monitor builds and ticks (metrics, repair, dead letters, staleness)', async () => {
    const resources = resourcesOf('monitor');
    const monitor = createMonitor(createStores(resources, local().clients), resources, local().clients);
    const report = await monitor.tick(Date.now(), { checkStaleness: true });
    assert.equal(report.staleDefinitions, 0);
  });

  it('the expander builds and expands the current slot', async () => {
    const resources = resourcesOf('expander');
    const expander = createExpander(createStores(resources, local().clients), resources, local().clients);
    const report = await expander.expandDue(Date.now());
    assert.equal(report.complete, true);
  });

  it('the scraper builds and consumes a message of a run that does not exist', async () => {
    const env = grantedEnvironment('scraper', local().environment);
    const resources = resourceEnvironment(env);
    const { scraper, browser } = createRunScraper(
      createStores(resources, local().clients),
      resources,
      local().clients,
      readScraperConfig(env),
    );
    try {
      const outcome = await scraper.scrape(
        {
          v: 1,
          runId: 'ghost@2026-11-23T19:00Z',
          definitionId: 'ghost',
          slot: '2026-11-23T19:00Z',
          attempt: 0,
        },
        { owner: 'grants-test', remainingMs: () => 60_000 },
      );
      assert.deepEqual(outcome, { kind: 'skipped', reason: 'not-found', runId: 'ghost@2026-11-23T19:00Z' });
    } finally {
      await browser.close();
    }
  });

  it('the API builds and reads stats, throughput, definitions and dead letters', async () => {
    const resources = resourcesOf('api');
    const deps = createApiDependencies(createStores(resources, local().clients), resources, local().clients);
    const now = Date.now();
    const stats = await deps.stats.report(now);
    assert.equal(stats.runsByStatus.RUNNING, 0);
    assert.equal((await deps.throughput.hourly(now, 2)).hours.length, 2);
    assert.deepEqual(await deps.deadLetters.peek('high', 1), []);
    assert.equal(await deps.tokens.list().then((tokens) => Array.isArray(tokens)), true);
  });

  it('the webhook sender builds and dead-letters a delivery to a webhook the deployment does not have', async () => {
    const env = {
      ...grantedEnvironment('webhookSender', local().environment),
      SHELFWATCH_WEBHOOKS_FILE: '/nonexistent/webhooks.json',
    };
    const resources = resourceEnvironment(env);
    const errors: string[] = [];
    const sender = createWebhookSender(
      resources,
      local().clients,
      {
        info: () => undefined,
        warn: () => undefined,
        error: (message) => errors.push(message),
      },
      env,
    );
    const outcome = await sender.deliverBatch([
      {
        messageId: 'm-1',
        receiptHandle: 'unused',
        body: JSON.stringify({
          webhookId: 'nobody',
          firing: firingOf({ delivery: { sns: false, webhooks: ['nobody'] } }),
        }),
        attributes: { ApproximateReceiveCount: '1' },
      },
    ]);
    assert.deepEqual(outcome, { batchItemFailures: [], delivered: 0, retried: 0, deadLettered: 1 });
    assert.equal(errors.length, 1);
    const bodies = await drainQueue(local().clients.sqs, local().resources.webhooks.deadLetterUrl);
    assert.equal(bodies.length, 1, 'moved to the DLQ it was granted');
  });
});
