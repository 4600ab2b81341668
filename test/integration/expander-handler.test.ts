/**
 * The expander's Lambda handler, invoked as Lambda would (after its module read the environment
 * CDK sets), against DynamoDB Local and fauxqs; its EMF output parsed like CloudWatch would.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DefinitionStore } from '../../shared/definitions/index.ts';
import { ValidationError } from '../../shared/errors/index.ts';
import type { ExpansionReport } from '../../shared/expansion/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { capturingStdout } from '../helpers/stdout.ts';
import { METRIC_NAMESPACE } from '../../shared/catalogue/index.ts';

interface EmfDocument {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

describe('the expander handler', () => {
  const local = useLocalInfrastructure({ stage: 'handler' });
  let handler: (event: unknown) => Promise<unknown>;

  before(async () => {
    Object.assign(process.env, local().environment);
    await new DefinitionStore({
      documents: local().clients.documents,
      tables: local().resources.tables,
    }).create(
      {
        id: 'hourly-kettles',
        platform: 'amazon',
        marketplace: 'UK',
        crawlType: 'search_result',
        target: 'kettle',
        schedule: { kind: 'every', everyHours: 1 },
      },
      Date.now(),
    );
    ({ handler } = await import('../../functions/expander/handler.ts'));
  });

  it('expands the current slot and emits its metrics as EMF with the alarm dimensions', async () => {
    const { result, lines } = await capturingStdout(() =>
      handler({ source: 'shelfwatch.schedule', schedule: 'expander' }),
    );
    const report = result as ExpansionReport;
    assert.equal(report.slots[0]?.created, 1);
    const emf = lines
      .map((line) => JSON.parse(line) as EmfDocument)
      .filter((document) => document._aws?.CloudWatchMetrics !== undefined);
    assert.equal(emf.length, 1, lines.join('\n'));
    const document = emf[0] as EmfDocument;
    const directive = document._aws.CloudWatchMetrics[0];
    assert.equal(directive?.Namespace, METRIC_NAMESPACE);
    assert.deepEqual(directive?.Dimensions, [['service', 'Stage']]);
    assert.equal(document.Stage, 'handler');
    assert.equal(document.service, 'shelfwatch');
    assert.equal(document.RunsCreated, 1);
    assert.equal(document.ExpanderHeartbeat, 1);
    assert.equal(document.SlotsSkipped, 0);
    const log = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.message === 'expansion finished');
    assert.ok(log, 'a structured log line with the report');
    assert.equal(log.level, 'INFO');
  });

  it('refuses an event it does not know, naming the problem', async () => {
    await assert.rejects(handler({ action: 'expandSlot', slot: 'yesterday' }), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.match(error.message, /slot/);
      return true;
    });
  });
});
