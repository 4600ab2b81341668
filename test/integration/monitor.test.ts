import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { resourceEnvironment } from '../../shared/aws/index.ts';
import { DefinitionStore } from '../../shared/definitions/index.ts';
import { createMonitor, type DailyReport, isStale, type MetricDatum } from '../../shared/monitoring/index.ts';
import { RunStore } from '../../shared/runs/index.ts';
import { createStores } from '../../shared/stores/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { drainQueue, drainRunQueues } from '../helpers/queues.ts';
import { capturingStdout } from '../helpers/stdout.ts';
import { isoMinute, thisHour, today } from '../helpers/clock.ts';
import { encodeRunMessage, parseRunMessage } from '../../shared/queues/index.ts';
import { LocalAlarms } from '../../local/alarm-evaluator.ts';

const NOW = thisHour(37);
const LEASE_MS = 60_000;
const HOUR = 3_600_000;

describe('the monitor on DynamoDB Local and fauxqs', () => {
  const local = useLocalInfrastructure();

  const freshStage = async () => {
    const provisioned = await local().provision(`m${randomUUID().slice(0, 8)}`);
    const resources = resourceEnvironment(provisioned.environment);
    const { documents, sqs } = local().clients;
    const runs = new RunStore({ documents, tableName: provisioned.resources.tables.runs, retentionDays: 30 });
    const definitions = new DefinitionStore({ documents, tables: provisioned.resources.tables });
    const definition = (id: string, crawlType = 'category', platform = 'ozon') => ({
      id,
      platform,
      marketplace: platform === 'ozon' ? 'RU' : 'US',
      crawlType,
      target: 'x',
      params: { maxPages: 3, maxItems: 100 },
      priority: 'normal' as const,
      maxAttempts: 5,
    });
    const createRun = async (id: string, crawlType?: string, platform?: string) => {
      const run = runs.newRun(
        { definition: definition(id, crawlType, platform), slot: '2026-11-23T18:00Z' },
        NOW - 2 * HOUR,
      );
      await runs.create(run);
      return run;
    };
    return { provisioned, resources, runs, definitions, createRun, sqs, documents };
  };

  it('re-queues a run whose lease expired long ago exactly once, even with two monitors at once', async () => {
    const env = await freshStage();
    const stuck = await env.createRun('stuck');
    const old = await env.runs.acquire(stuck.runId, 'frozen-lambda', NOW - 2 * HOUR, LEASE_MS);
    assert.ok(old.acquired);
    const fresh = await env.createRun('fresh');
    assert.ok((await env.runs.acquire(fresh.runId, 'alive', NOW - 5 * 60_000, LEASE_MS)).acquired);

    const monitors = [
      createMonitor(createStores(env.resources, local().clients), env.resources, local().clients),
      createMonitor(createStores(env.resources, local().clients), env.resources, local().clients),
    ];
    const reports = await Promise.all(
      monitors.map((monitor) => monitor.tick(NOW, { checkStaleness: false })),
    );
    assert.deepEqual(
      reports.flatMap((report) => report.requeued),
      [stuck.runId],
    );

    const repaired = await env.runs.require(stuck.runId);
    assert.equal(repaired.status, 'QUEUED');
    assert.equal(repaired.requeuedForToken, 1);
    assert.equal(repaired.lease, undefined);
    const messages = await drainRunQueues(env.sqs, env.provisioned.resources.queues.normal);
    // Its mode is `auto` (DEFAULT_FETCH_MODE) and it never escalated: back to the HTTP queue.
    assert.deepEqual(
      {
        browser: messages.browser.map((body) => parseRunMessage(body).runId),
        http: messages.http.map((body) => parseRunMessage(body).runId),
      },
      { browser: [], http: [stuck.runId] },
      'one message, one run',
    );
    // A lease expired only minutes ago may still have its message in flight: left alone.
    assert.equal((await env.runs.require(fresh.runId)).status, 'RUNNING');
    // The frozen holder wakes up: its lease is gone.
    await assert.rejects(env.runs.heartbeat(old.lease, NOW + 1, LEASE_MS), /no longer held/);
    // The next tick has nothing more to do for it.
    const again = await monitors[0]?.tick(NOW + 60_000, { checkStaleness: false });
    assert.deepEqual(again?.requeued, []);
  });

  it('marks the run of a DLQ message DEAD_LETTERED and leaves the message for operators', async () => {
    const env = await freshStage();
    const run = await env.createRun('poison');
    await env.runs.markQueued(run.runId, NOW - HOUR);
    const dlq = env.provisioned.resources.queues.normal.deadLetterUrl;
    await env.sqs.send(
      new SendMessageCommand({
        QueueUrl: dlq,
        MessageBody: encodeRunMessage({
          runId: run.runId,
          definitionId: 'poison',
          slot: run.slot,
          attempt: 1,
        }),
      }),
    );
    await env.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: 'not a run message' }));
    const report = await createMonitor(
      createStores(env.resources, local().clients),
      env.resources,
      local().clients,
    ).tick(NOW, { checkStaleness: false });
    assert.deepEqual(report.markedDeadLettered, [run.runId]);
    assert.equal(report.unreadableDeadLetters, 1);
    assert.equal((await env.runs.require(run.runId)).status, 'DEAD_LETTERED');
    const depth = report.metrics.find((m) => m.name === 'DeadLetters' && m.dimensions?.Priority === 'normal');
    assert.equal(depth?.value, 2);
    // Marking again is harmless; the messages are still there (visible again after a minute).
    const second = await createMonitor(
      createStores(env.resources, local().clients),
      env.resources,
      local().clients,
    ).tick(NOW + 120_000, {
      checkStaleness: false,
    });
    assert.deepEqual(second.markedDeadLettered, []);
  });

  it('measures success rate, blocked rate and completeness of runs finished in the window, per crawl type', async () => {
    const env = await freshStage();
    const finish = async (
      id: string,
      status: 'SUCCEEDED' | 'FAILED',
      crawlType: string,
      completeness?: number,
      blocked = false,
    ) => {
      const run = await env.createRun(id, crawlType);
      const outcome = await env.runs.acquire(run.runId, 'w', NOW - 3 * 60_000, LEASE_MS);
      assert.ok(outcome.acquired);
      await env.runs.complete(
        outcome.lease,
        {
          status,
          counts: { scraped: 10, saved: 8, skipped: 1, invalid: 1 },
          ...(completeness !== undefined ? { completeness } : {}),
          ...(blocked
            ? { failure: { failureClass: 'blocked' as const, reason: 'captcha', message: 'robot check' } }
            : {}),
        },
        NOW - 150_000,
      );
    };
    await finish('a', 'SUCCEEDED', 'category', 1);
    await finish('b', 'SUCCEEDED', 'category', 0.5);
    await finish('c', 'FAILED', 'category', undefined, true);
    await finish('d', 'SUCCEEDED', 'search_result', 0.9);
    const report = await createMonitor(
      createStores(env.resources, local().clients),
      env.resources,
      local().clients,
    ).tick(NOW, { checkStaleness: false });
    const value = (name: string, dimensions?: Record<string, string>) =>
      report.metrics.find(
        (m: MetricDatum) => m.name === name && JSON.stringify(m.dimensions) === JSON.stringify(dimensions),
      )?.value;
    assert.equal(value('SuccessRate'), 3 / 4);
    assert.equal(value('BlockedRate'), 1 / 4);
    assert.equal(value('FieldCompleteness'), (1 + 0.5 + 0.9) / 3);
    assert.equal(value('ItemsSaved'), 32);
    assert.equal(value('RunsFailed'), 1);
    assert.equal(value('SuccessRate', { CrawlType: 'category', Platform: 'ozon' }), 2 / 3);
    assert.equal(value('SuccessRate', { CrawlType: 'search_result', Platform: 'ozon' }), 1);
    assert.equal(value('MonitorHeartbeat'), 1);
  });

  it('counts definitions without a success within twice their period as stale', async () => {
    const env = await freshStage();
    const base = { platform: 'amazon', marketplace: 'US', crawlType: 'bestsellers', target: 'kitchen' };
    await env.definitions.create(
      { ...base, id: 'every-6h', schedule: { kind: 'every', everyHours: 6 } },
      NOW - 24 * HOUR,
    );
    await env.definitions.create(
      { ...base, id: 'once', schedule: { kind: 'once', at: new Date(NOW - 4 * 24 * HOUR).toISOString() } },
      NOW - 24 * HOUR,
    );
    await env.definitions.create(
      { ...base, id: 'disabled', schedule: { kind: 'every', everyHours: 1 }, enabled: false },
      NOW - 24 * HOUR,
    );
    const monitor = createMonitor(
      createStores(env.resources, local().clients),
      env.resources,
      local().clients,
    );
    assert.equal(await monitor.countStaleDefinitions(NOW), 1);
    await env.definitions.recordSuccess('every-6h', NOW - 2 * HOUR);
    assert.equal(await monitor.countStaleDefinitions(NOW), 0);
    assert.ok(isStale(await env.definitions.require('every-6h'), NOW + 11 * HOUR));
    // An operator's edit keeps the success time.
    await env.definitions.update('every-6h', { priority: 'high' }, NOW);
    assert.equal(
      (await env.definitions.require('every-6h')).lastSucceededAt,
      new Date(NOW - 2 * HOUR).toISOString(),
    );
  });

  it("writes yesterday's report to S3 once and summarizes it on the warning topic", async () => {
    const env = await freshStage();
    const { sns, s3 } = local().clients;
    // Subscribe a queue to the warning topic to read what on-call would receive.
    const inbox =
      (await env.sqs.send(new CreateQueueCommand({ QueueName: `inbox-${randomUUID().slice(0, 8)}` })))
        .QueueUrl ?? '';
    const { Attributes } = await env.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: env.provisioned.resources.topics.warning,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    const yesterday = today(-9 * 60); // 15:00 UTC yesterday
    const reportDay = new Date(yesterday).toISOString().slice(0, 10);
    for (const [id, status] of [
      ['r1', 'SUCCEEDED'],
      ['r2', 'FAILED'],
      ['r3', 'FAILED'],
    ] as const) {
      const run = env.runs.newRun(
        {
          definition: {
            id: id === 'r1' ? 'good' : 'bad',
            platform: 'amazon',
            marketplace: 'US',
            crawlType: 'bestsellers',
            target: 'x',
            params: { maxPages: 1, maxItems: 10 },
            priority: 'low',
            maxAttempts: 3,
          },
          slot: isoMinute(id === 'r3' ? yesterday : yesterday - HOUR),
        },
        yesterday - HOUR,
      );
      await env.runs.create(run);
      const outcome = await env.runs.acquire(run.runId, 'w', yesterday, LEASE_MS);
      assert.ok(outcome.acquired);
      await env.runs.complete(
        outcome.lease,
        { status, counts: { scraped: 5, saved: 5, skipped: 0, invalid: 0 } },
        yesterday + 1_000,
      );
    }
    const now = today(7);
    const monitors = [
      createMonitor(createStores(env.resources, local().clients), env.resources, local().clients),
      createMonitor(createStores(env.resources, local().clients), env.resources, local().clients),
    ];
    const reports = await Promise.all(
      monitors.map((monitor) => monitor.tick(now, { checkStaleness: false })),
    );
    assert.deepEqual(
      reports.map((report) => report.dailyReport).filter(Boolean),
      [reportDay],
      'written once',
    );

    const object = await s3.send(
      new GetObjectCommand({
        Bucket: env.provisioned.resources.buckets.reports,
        Key: `reports/${reportDay}.json`,
      }),
    );
    const report = JSON.parse((await object.Body?.transformToString()) ?? '{}') as DailyReport;
    assert.deepEqual(report.totals, {
      succeeded: 1,
      failed: 2,
      deadLettered: 0,
      cancelled: 0,
      itemsSaved: 15,
      blockedAttempts: 0,
    });
    assert.deepEqual(report.worstDefinitions, [{ definitionId: 'bad', unsuccessful: 2, succeeded: 0 }]);
    const summaries = await drainQueue(env.sqs, inbox);
    assert.equal(summaries.length, 1);
    assert.match(summaries[0] ?? '', new RegExp(`daily report for ${reportDay}`));
    assert.match(summaries[0] ?? '', /1 succeeded, 2 failed/);
    const later = await monitors[0]?.tick(now + 5 * 60_000, { checkStaleness: false });
    assert.equal(later?.dailyReport, undefined);
  });

  describe('its handler', () => {
    let handler: (event: unknown) => Promise<unknown>;
    before(async () => {
      const env = await freshStage();
      Object.assign(process.env, env.provisioned.environment);
      ({ handler } = await import('../../functions/monitor/handler.ts'));
    });

    it('emits EMF that the local alarm evaluator reads: the heartbeat keeps MonitorHeartbeatMissing OK', async () => {
      const stage = process.env.SHELFWATCH_STAGE ?? '';
      const { lines } = await capturingStdout(() =>
        handler({ source: 'shelfwatch.schedule', schedule: 'monitor' }),
      );
      const alarms = new LocalAlarms(stage);
      const recorded = lines.reduce((sum, line) => sum + alarms.ingestLogLine(line), 0);
      assert.ok(recorded >= 4, `recorded ${recorded} samples from ${lines.length} lines`);
      const now = Date.now();
      // Pretend the same tick happened in each of the last three 5-minute periods.
      for (const offset of [5, 10, 15])
        alarms.record('custom:MonitorHeartbeat', { atMs: now - offset * 60_000, value: 1 });
      alarms.evaluate(now);
      assert.equal(alarms.stateOf('MonitorHeartbeatMissing'), 'OK');
      const perPriority = lines.filter((line) => line.includes('"Priority"'));
      assert.equal(perPriority.length, 3, 'DeadLetters per priority, each with its own dimension set');
    });

    it('refuses an event it does not know', async () => {
      await assert.rejects(handler({ source: 'elsewhere' }), /invalid monitor event/);
    });
  });
});
