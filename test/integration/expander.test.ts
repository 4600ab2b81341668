import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClients, resourceEnvironment } from '../../shared/aws/index.ts';
import {
  DefinitionStore,
  type FetchModeSetting,
  PRIORITIES,
  type Priority,
  RUN_QUEUE_MODES,
  type RunQueueMode,
} from '../../shared/definitions/index.ts';
import { createExpander, Watermark } from '../../shared/expansion/index.ts';
import { type Run, RunStore } from '../../shared/runs/index.ts';
import { addSlots, slotOf } from '../../shared/schedule/index.ts';
import { createStores } from '../../shared/stores/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { drainQueue } from '../helpers/queues.ts';
import { countRequests } from '../helpers/request-counter.ts';
import { thisHour } from '../helpers/clock.ts';
import { parseRunMessage } from '../../shared/queues/index.ts';

const NOW = thisHour(2);
const SLOT = slotOf(NOW);

describe('the expander on DynamoDB Local and fauxqs', () => {
  const local = useLocalInfrastructure();

  /** A fresh stage per test: its own tables and queues in the same emulators. */
  const freshStage = async () => {
    const stage = `x${randomUUID().slice(0, 8)}`;
    const provisioned = await local().provision(stage);
    const resources = resourceEnvironment(provisioned.environment);
    const clients = local().clients;
    const definitions = new DefinitionStore({
      documents: clients.documents,
      tables: provisioned.resources.tables,
    });
    const runs = new RunStore({
      documents: clients.documents,
      tableName: provisioned.resources.tables.runs,
      retentionDays: 30,
    });
    const allRuns = async (): Promise<Run[]> => {
      const items: Run[] = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await clients.documents.send(
          new ScanCommand({
            TableName: provisioned.resources.tables.runs,
            ...(cursor ? { ExclusiveStartKey: cursor } : {}),
          }),
        );
        items.push(...((page.Items ?? []) as Run[]));
        cursor = page.LastEvaluatedKey;
      } while (cursor);
      return items;
    };
    /** Drains both queues of every priority: the run ids on each, by priority and queue mode. */
    const messagesByQueue = async (): Promise<Record<Priority, Record<RunQueueMode, string[]>>> => {
      const drain = async (url: string) =>
        (await drainQueue(clients.sqs, url)).map((body) => parseRunMessage(body).runId);
      const entries = await Promise.all(
        PRIORITIES.map(async (p) => {
          const { url, httpUrl } = provisioned.resources.queues[p];
          const [browser, http] = await Promise.all([drain(url), drain(httpUrl)]);
          return [p, { browser, http }] as const;
        }),
      );
      return Object.fromEntries(entries) as Record<Priority, Record<RunQueueMode, string[]>>;
    };
    /** Drains every run queue: the run ids of all their messages. */
    const messages = async (): Promise<string[]> =>
      Object.values(await messagesByQueue()).flatMap((byMode) => RUN_QUEUE_MODES.flatMap((m) => byMode[m]));
    const seed = async (
      count: number,
      schedule: Record<string, unknown>,
      prefix = 'def',
      fetchMode?: FetchModeSetting,
    ) => {
      const ids: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const priority = PRIORITIES[index % 3] as Priority;
        const id = `${prefix}-${index}`;
        await definitions.create(
          {
            id,
            platform: 'amazon',
            marketplace: 'US',
            crawlType: 'search_result',
            target: `kw ${index}`,
            schedule,
            priority,
            ...(fetchMode ? { fetchMode } : {}),
          },
          NOW - 86_400_000,
        );
        ids.push(id);
      }
      return ids;
    };
    return {
      stage,
      resources,
      clients,
      definitions,
      runs,
      allRuns,
      messages,
      messagesByQueue,
      seed,
      tables: provisioned.resources.tables,
    };
  };

  it('creates one run and one message per due definition, on the queue of its priority and fetch mode, all QUEUED', async () => {
    const env = await freshStage();
    const ids = [
      ...(await env.seed(30, { kind: 'every', everyHours: 1 })),
      ...(await env.seed(9, { kind: 'every', everyHours: 1 }, 'browser', 'browser')),
      ...(await env.seed(6, { kind: 'every', everyHours: 1 }, 'http', 'http')),
    ];
    // Daily, twelve hours away from NOW's hour (a fixed hour is due once a day: at 03:00 UTC, 3 was).
    const notDueHour = (new Date(NOW).getUTCHours() + 12) % 24;
    await env.seed(5, { kind: 'every', everyHours: 24, startHour: notDueHour }, 'not-due');
    const report = await createExpander(
      createStores(env.resources, env.clients),
      env.resources,
      env.clients,
    ).expandDue(NOW);
    assert.deepEqual(
      report.slots.map((s) => [s.slot, s.due, s.created, s.sent, s.queued]),
      [[SLOT, 45, 45, 45, 45]],
    );
    const runs = await env.allRuns();
    assert.equal(runs.length, 45);
    assert.ok(runs.every((run) => run.status === 'QUEUED' && run.slot === SLOT));
    const messages = await env.messagesByQueue();
    // No fetchMode is `auto` (DEFAULT_FETCH_MODE): like `http`, it starts on the HTTP queue.
    const queueModeOf = (run: Run): RunQueueMode => (run.fetchMode === 'browser' ? 'browser' : 'http');
    for (const priority of PRIORITIES) {
      for (const mode of RUN_QUEUE_MODES) {
        const expected = runs
          .filter((run) => run.priority === priority && queueModeOf(run) === mode)
          .map((run) => run.runId)
          .sort();
        assert.deepEqual(messages[priority][mode].sort(), expected, `${priority} ${mode} queue`);
        assert.equal(expected.length, mode === 'browser' ? 3 : 12, `${priority} ${mode} runs`);
      }
    }
    assert.deepEqual(runs.map((run) => run.definitionId).sort(), ids.sort());
    assert.equal(await new Watermark(env.clients.documents, env.tables.control).read(), SLOT);
  });

  it('fired twice concurrently, still creates exactly one run per definition and at least one message each', async () => {
    const env = await freshStage();
    await env.seed(130, { kind: 'every', everyHours: 1 });
    const [first, second] = await Promise.all([
      createExpander(createStores(env.resources, env.clients), env.resources, env.clients, {
        roundSize: 100,
      }).expandDue(NOW),
      createExpander(createStores(env.resources, env.clients), env.resources, env.clients, {
        roundSize: 100,
      }).expandDue(NOW),
    ]);
    assert.ok(first.complete && second.complete);
    assert.equal((first.slots[0]?.created ?? 0) + (second.slots[0]?.created ?? 0), 130);
    const runs = await env.allRuns();
    assert.equal(runs.length, 130);
    assert.equal(new Set(runs.map((run) => run.runId)).size, 130);
    assert.ok(runs.every((run) => run.status === 'QUEUED'));
    const messages = await env.messages();
    for (const run of runs) assert.ok(messages.includes(run.runId), `no message for ${run.runId}`);
    // A third, late firing finds the watermark at the slot and does nothing.
    const late = await createExpander(
      createStores(env.resources, env.clients),
      env.resources,
      env.clients,
    ).expandDue(NOW + 30 * 60_000);
    assert.deepEqual(late.slots, []);
    assert.equal((await env.allRuns()).length, 130);
  });

  it('after a crash half-way (SQS fails after the first batch), the next firing completes the slot without duplicates', async () => {
    const env = await freshStage();
    await env.seed(60, { kind: 'every', everyHours: 1 });
    const crashing = createAwsClients({
      region: local().region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoints: local().endpoints,
    });
    let batches = 0;
    crashing.sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageBatchCommand' && (batches += 1) > 1)
          throw new Error('injected crash');
        return next(args);
      },
      { step: 'initialize', name: 'injectCrash' },
    );
    await assert.rejects(
      createExpander(
        createStores(env.resources, { ...env.clients, sqs: crashing.sqs }),
        env.resources,
        env.clients,
        { sendConcurrency: 1 },
      ).expandDue(NOW),
      /injected crash/,
    );
    crashing.destroy();
    const afterCrash = await env.allRuns();
    assert.equal(afterCrash.length, 60, 'all runs were created before the crash');
    assert.ok(
      afterCrash.some((run) => run.status === 'PENDING'),
      'some were never queued',
    );
    assert.equal(await new Watermark(env.clients.documents, env.tables.control).read(), undefined);

    const retry = await createExpander(
      createStores(env.resources, env.clients),
      env.resources,
      env.clients,
    ).expandDue(NOW + 60_000);
    assert.ok(retry.complete);
    assert.equal(retry.slots[0]?.created, 0);
    assert.equal(retry.slots[0]?.existing, 60);
    const runs = await env.allRuns();
    assert.equal(runs.length, 60);
    assert.ok(
      runs.every((run) => run.status === 'QUEUED'),
      'every run ends up queued',
    );
    const messages = await env.messages();
    for (const run of runs) assert.ok(messages.includes(run.runId), `lost ${run.runId}`);
  });

  it('never resets a run that has progressed and sends it no new message', async () => {
    const env = await freshStage();
    await env.seed(3, { kind: 'every', everyHours: 1 });
    const expander = createExpander(createStores(env.resources, env.clients), env.resources, env.clients);
    await expander.expandSlot(SLOT, NOW);
    await env.messages();
    const runId = `def-0@${SLOT}`;
    const acquired = await env.runs.acquire(runId, 'scraper-1', NOW + 1_000, 60_000);
    assert.ok(acquired.acquired);
    const again = await expander.expandSlot(SLOT, NOW + 2_000);
    assert.deepEqual([again.created, again.existing, again.sent], [0, 3, 0]);
    assert.equal((await env.runs.require(runId)).status, 'RUNNING');
    assert.deepEqual(await env.messages(), []);
  });

  it('catches up an outage of 5 slots on the next firing, oldest first', async () => {
    const env = await freshStage();
    await env.seed(4, { kind: 'every', everyHours: 1 });
    const expander = createExpander(createStores(env.resources, env.clients), env.resources, env.clients);
    await expander.expandDue(NOW);
    const later = NOW + 5 * 3_600_000;
    const report = await expander.expandDue(later);
    assert.deepEqual(
      report.slots.map((slot) => slot.slot),
      [1, 2, 3, 4, 5].map((hours) => addSlots(SLOT, hours)),
    );
    assert.equal(report.skippedSlots, 0);
    assert.ok(report.slots.every((slot) => slot.created === 4));
    assert.equal((await env.allRuns()).length, 24);
    assert.equal(await new Watermark(env.clients.documents, env.tables.control).read(), addSlots(SLOT, 5));
  });

  it('skips and counts slots older than the catch-up window', async () => {
    const env = await freshStage();
    await env.seed(2, { kind: 'every', everyHours: 1 });
    const expander = createExpander(createStores(env.resources, env.clients), env.resources, env.clients, {
      catchUpHours: 24,
    });
    await expander.expandDue(NOW);
    const report = await expander.expandDue(NOW + 30 * 3_600_000);
    assert.equal(report.slots.length, 24);
    assert.equal(report.skippedSlots, 6);
    assert.equal(report.skippedFrom, addSlots(SLOT, 1));
    assert.equal(report.skippedTo, addSlots(SLOT, 6));
    assert.equal(report.slots[0]?.slot, addSlots(SLOT, 7));
  });

  it('queues a "run now" as a run of its own, beside the scheduled one', async () => {
    const env = await freshStage();
    await env.seed(1, { kind: 'every', everyHours: 1 });
    const expander = createExpander(createStores(env.resources, env.clients), env.resources, env.clients);
    await expander.expandDue(NOW);
    const manual = await expander.runNow('def-0', 'req-1', NOW + 1_000);
    assert.equal(manual.runId, 'def-0@manual-req-1');
    assert.equal(manual.status, 'QUEUED');
    assert.equal(manual.trigger, 'manual');
    const repeated = await expander.runNow('def-0', 'req-1', NOW + 2_000);
    assert.equal(repeated.runId, manual.runId, 'the same request id is idempotent');
    const messages = (await env.messages()).sort();
    assert.deepEqual(messages, [`def-0@${SLOT}`, 'def-0@manual-req-1']);
  });

  it('spends requests near the minimum: ⌈N/100⌉ creates and queued-marks, ⌈N/10⌉ sends per priority', async () => {
    const env = await freshStage();
    const clients = createAwsClients({
      region: local().region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoints: local().endpoints,
    });
    const dynamo = countRequests(clients.documents);
    const sqs = countRequests(clients.sqs as never);
    await env.seed(250, { kind: 'every', everyHours: 1 });
    dynamo.reset();
    sqs.reset();
    const report = await createExpander(
      createStores(env.resources, clients),
      env.resources,
      clients,
    ).expandDue(NOW);
    assert.equal(report.slots[0]?.queued, 250);
    const counts = Object.fromEntries([...dynamo.counts, ...sqs.counts]);
    // 250 runs, 84 per priority at most (250 = 84 + 83 + 83): ⌈84/10⌉ + ⌈83/10⌉·2 = 9 + 9 + 9 sends.
    assert.equal(counts.TransactWriteItems, 3 + 3, JSON.stringify(counts));
    assert.equal(counts.SendMessageBatch, 27, JSON.stringify(counts));
    // Watermark read + GetItem of schedule keys; one Query per due key (+ once#slot).
    assert.equal(counts.GetItem, 2, JSON.stringify(counts));
    assert.equal(counts.Query, 2, JSON.stringify(counts));
    assert.equal(counts.UpdateItem, 1, 'the watermark');
    assert.equal(counts.SendMessageBatch + counts.TransactWriteItems, 33);
    clients.destroy();
  });
});
