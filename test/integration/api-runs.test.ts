import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { ErrorBody } from '../../shared/api/index.ts';
import type { ItemSnapshot } from '../../shared/results/index.ts';
import type { Run } from '../../shared/runs/index.ts';
import { apiStage, type ApiStage, definitionRow, T0 } from '../helpers/api.ts';
import { DAY_MS, startOfUtcDay } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { drainRunQueues } from '../helpers/queues.ts';
import { type DeadLetter, encodeRunMessage, parseRunMessage } from '../../shared/queues/index.ts';
import type { PipelineStatsReport } from '../../shared/monitoring/index.ts';

type RunList = { runs: Run[]; cursor?: string };

async function runsOf(api: ApiStage, rows: Record<string, unknown>[]): Promise<Run[]> {
  const created = await api.call('POST', '/definitions', { body: { definitions: rows } });
  assert.equal(created.status, 201);
  const runs: Run[] = [];
  for (const row of rows) {
    const answer = await api.call<Run>('POST', `/definitions/${String(row.id)}/run`);
    assert.equal(answer.status, 202);
    runs.push(answer.body);
  }
  return runs;
}

describe('the runs, stats, DLQ and workers API', () => {
  const local = useLocalInfrastructure();
  /** Drains both queues of a priority: the run ids on each, sorted. */
  const runIdsOn = async (queues: { url: string; httpUrl: string }) => {
    const { browser, http } = await drainRunQueues(local().clients.sqs, queues);
    const runIdsOf = (bodies: string[]) => bodies.map((body) => parseRunMessage(body).runId).sort();
    return { browser: runIdsOf(browser), http: runIdsOf(http) };
  };

  it('lists runs by status, crawl type and definition, within a window, and gets one', async () => {
    const api = await apiStage(local());
    const [a, b] = await runsOf(api, [
      definitionRow('cat-1'),
      definitionRow('search-1', { crawlType: 'search_result', target: 'phone' }),
    ]);
    const queued = await api.call<RunList>('GET', '/runs?status=QUEUED');
    assert.deepEqual(queued.body.runs.map((run) => run.runId).sort(), [a?.runId, b?.runId].sort());
    const filtered = await api.call<RunList>('GET', '/runs?status=QUEUED&crawlType=search_result');
    assert.deepEqual(
      filtered.body.runs.map((run) => run.runId),
      [b?.runId],
    );
    const byDefinition = await api.call<RunList>('GET', '/runs?definitionId=cat-1');
    assert.deepEqual(
      byDefinition.body.runs.map((run) => run.runId),
      [a?.runId],
    );
    const midnight = startOfUtcDay(T0);
    const byType = await api.call<RunList>(
      'GET',
      `/runs?crawlType=category&from=${new Date(midnight).toISOString()}`,
    );
    assert.equal(byType.body.runs.length, 1);
    const past = await api.call<RunList>(
      'GET',
      `/runs?status=QUEUED&to=${new Date(midnight - DAY_MS).toISOString()}`,
    );
    assert.equal(past.body.runs.length, 0, 'the window bounds the listing');
    const one = await api.call<Run>('GET', `/runs/${encodeURIComponent(a?.runId ?? '')}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.counts, { scraped: 0, saved: 0, skipped: 0, invalid: 0 });

    const none = await api.call<ErrorBody>('GET', '/runs');
    assert.equal(none.status, 400);
    assert.equal(none.body.error.issues[0]?.field, 'status');
    const typo = await api.call<ErrorBody>('GET', '/runs?status=QUEUED&sttaus=x');
    assert.equal(typo.status, 400);
    assert.match(typo.body.error.issues[0]?.message ?? '', /sttaus/);
  });

  it('cancels a run, retries it, and retries every failed run of a filter', async () => {
    const api = await apiStage(local());
    const [a, b, c] = await runsOf(api, [definitionRow('r1'), definitionRow('r2'), definitionRow('r3')]);
    const normal = api.stage.resources.queues.normal;
    await drainRunQueues(local().clients.sqs, normal);
    const cancelled = await api.call<Run>('POST', `/runs/${a?.runId}/cancel`);
    assert.equal(cancelled.body.status, 'CANCELLED');
    const again = await api.call<ErrorBody>('POST', `/runs/${a?.runId}/cancel`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'ILLEGAL_TRANSITION');
    const retried = await api.call<Run>('POST', `/runs/${a?.runId}/retry`);
    assert.equal(retried.status, 202);
    assert.equal(retried.body.status, 'QUEUED');
    // No fetchMode is `auto` (DEFAULT_FETCH_MODE): a retried run goes back to the HTTP queue.
    assert.deepEqual(await runIdsOn(normal), { browser: [], http: [a?.runId] });

    for (const run of [b, c]) {
      const held = await api.deps.runs.acquire(run?.runId ?? '', 'scraper', api.now, 60_000);
      assert.ok(held.acquired);
      await api.deps.runs.complete(held.lease, { status: 'FAILED' }, api.now);
    }
    const refused = await api.call<ErrorBody>('POST', '/runs/retry-failed', { body: {} });
    assert.equal(refused.status, 400, 'retrying everything must be asked for by status');
    const all = await api.call<{ retried: string[]; more: boolean }>('POST', '/runs/retry-failed', {
      body: { status: 'FAILED', definitionId: 'r2' },
    });
    assert.deepEqual(all.body.retried, [b?.runId]);
    const rest = await api.call<{ retried: string[] }>('POST', '/runs/retry-failed', {
      body: { status: 'FAILED' },
    });
    assert.deepEqual(rest.body.retried, [c?.runId]);
    assert.deepEqual(await runIdsOn(normal), { browser: [], http: [b?.runId, c?.runId] });
  });

  it('lists the items of a run a page at a time', async () => {
    const api = await apiStage(local());
    const [run] = await runsOf(api, [definitionRow('items-1', { executor: 'any' })]);
    const registered = await api.call('POST', '/market/tasks/worker/register', {
      token: api.workerToken,
      body: { worker_id: 'w1' },
    });
    assert.equal(registered.status, 200);
    const held = await api.deps.runs.acquire(run?.runId ?? '', 'worker:w1', api.now, 60_000);
    assert.ok(held.acquired);
    const products = Array.from({ length: 3 }, (_, index) => ({ product_id: `p${index}`, price: index + 1 }));
    const saved = await api.call<{ saved: number }>('POST', '/market/snapshots/ingest', {
      token: api.workerToken,
      body: { task_id: run?.runId, worker_id: 'w1', products },
    });
    assert.equal(saved.body.saved, 3);
    const first = await api.call<{ snapshots: ItemSnapshot[]; cursor?: string }>(
      'GET',
      `/runs/${run?.runId}/items?limit=2`,
    );
    assert.equal(first.body.snapshots.length, 2);
    assert.ok(first.body.cursor);
    const second = await api.call<{ snapshots: ItemSnapshot[] }>(
      'GET',
      `/runs/${run?.runId}/items?limit=2&cursor=${first.body.cursor}`,
    );
    assert.deepEqual(
      [...first.body.snapshots, ...second.body.snapshots].map((s) => [s.item.id, s.item.price, s.capturedBy]),
      [
        ['p0', 1, 'worker:w1'],
        ['p1', 2, 'worker:w1'],
        ['p2', 3, 'worker:w1'],
      ],
    );
    const badCursor = await api.call<ErrorBody>('GET', `/runs/${run?.runId}/items?cursor=garbage`);
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.error.issues[0]?.field, 'cursor');
  });

  it('counts runs per status and crawl type, queue depths and workers', async () => {
    const api = await apiStage(local());
    await runsOf(api, [
      definitionRow('s1', { priority: 'high' }),
      definitionRow('s2'),
      definitionRow('s3', { crawlType: 'bestsellers' }),
    ]);
    await api.deps.workers.register({ workerId: 'w-stats' }, api.now);
    const stats = await api.call<PipelineStatsReport>('GET', '/stats');
    assert.equal(stats.status, 200);
    assert.equal(stats.body.runsByStatus.QUEUED, 3);
    assert.equal(stats.body.runsByStatus.FAILED, 0);
    assert.deepEqual(stats.body.runsByCrawlType.category, { QUEUED: 2 });
    assert.deepEqual(stats.body.runsByCrawlType.bestsellers, { QUEUED: 1 });
    assert.equal(stats.body.queues.high.visible, 1);
    assert.equal(stats.body.queues.normal.visible, 2);
    assert.deepEqual(stats.body.workers, { idle: 1, busy: 0, offline: 0 });
    const tomorrow = new Date(startOfUtcDay(T0) + DAY_MS).toISOString();
    const later = await api.call<PipelineStatsReport>('GET', `/stats?from=${tomorrow}`);
    assert.equal(later.body.runsByStatus.QUEUED, 0);
  });

  it('peeks at a DLQ without moving anything, and redrives one message, then all, reopening their runs', async () => {
    const api = await apiStage(local());
    const runs = await runsOf(api, [definitionRow('dl-1'), definitionRow('dl-2'), definitionRow('dl-3')]);
    await drainRunQueues(local().clients.sqs, api.stage.resources.queues.normal);
    for (const run of runs) {
      await local().clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: api.stage.resources.queues.normal.deadLetterUrl,
          MessageBody: encodeRunMessage({
            runId: run.runId,
            definitionId: run.definitionId,
            slot: run.slot,
            attempt: 1,
          }),
        }),
      );
      await api.deps.runs.markDeadLettered(run.runId, api.now);
    }
    const peek = await api.call<{ messages: DeadLetter[] }>('GET', '/dlq/normal/messages?limit=10');
    assert.equal(peek.status, 200);
    assert.deepEqual(peek.body.messages.map((m) => m.runId).sort(), runs.map((r) => r.runId).sort());
    const depth = await api.call<Record<string, { messages: number }>>('GET', '/dlq');
    assert.equal(depth.body.normal?.messages, 3, 'peeking leaves every message in the DLQ');
    // While another operator's peek holds a message invisible, it is still counted as a dead letter.
    const held = await local().clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: api.stage.resources.queues.normal.deadLetterUrl,
        MaxNumberOfMessages: 1,
        VisibilityTimeout: 30,
      }),
    );
    assert.equal(held.Messages?.length, 1);
    const during = await api.call<Record<string, { messages: number }>>('GET', '/dlq');
    assert.equal(during.body.normal?.messages, 3, 'a peeked message still counts');
    const stats = await api.call<PipelineStatsReport>('GET', '/stats');
    assert.equal(stats.body.queues.normal.deadLetters, 3);
    await local().clients.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: api.stage.resources.queues.normal.deadLetterUrl,
        ReceiptHandle: held.Messages?.[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );

    const target = peek.body.messages[0];
    const one = await api.call<{ redriven: { runId: string; reopened: boolean }[] }>(
      'POST',
      '/dlq/normal/redrive',
      {
        body: { messageId: target?.messageId },
      },
    );
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.redriven, [
      { messageId: target?.messageId, runId: target?.runId, reopened: true },
    ]);
    assert.equal((await api.deps.runs.require(target?.runId ?? '')).status, 'QUEUED');
    assert.equal(
      (await api.call<Record<string, { messages: number }>>('GET', '/dlq')).body.normal?.messages,
      2,
    );

    const missing = await api.call<ErrorBody>('POST', '/dlq/normal/redrive', { body: { messageId: 'nope' } });
    assert.equal(missing.status, 404);
    assert.equal(
      (await api.call<Record<string, { messages: number }>>('GET', '/dlq')).body.normal?.messages,
      2,
    );

    const all = await api.call<{ redriven: { reopened: boolean }[] }>('POST', '/dlq/normal/redrive', {
      body: { all: true },
    });
    assert.equal(all.body.redriven.length, 2);
    assert.ok(all.body.redriven.every((entry) => entry.reopened));
    // A redriven message goes back to the browser queue, whose function runs every mode.
    assert.deepEqual(await runIdsOn(api.stage.resources.queues.normal), {
      browser: runs.map((run) => run.runId).sort(),
      http: [],
    });
    for (const run of runs) assert.equal((await api.deps.runs.require(run.runId)).status, 'QUEUED');
  });

  it('lists workers and forces one offline, putting the task it held back on the queue', async () => {
    const api = await apiStage(local());
    const [run] = await runsOf(api, [definitionRow('off-1', { priority: 'low', executor: 'any' })]);
    await drainRunQueues(local().clients.sqs, api.stage.resources.queues.low);
    const registered = await api.call('POST', '/market/tasks/worker/register', {
      token: api.workerToken,
      body: { worker_id: 'w-off' },
    });
    assert.equal(registered.status, 200);
    const held = await api.deps.runs.acquire(run?.runId ?? '', 'worker:w-off', api.now, 60_000);
    assert.ok(held.acquired);
    await api.deps.workers.heartbeat('w-off', api.now, run?.runId);
    const listed = await api.call<{
      workers: { workerId: string; status: string; lastHeartbeatAt: string }[];
    }>('GET', '/workers');
    assert.deepEqual(
      listed.body.workers.map((w) => [w.workerId, w.status, w.lastHeartbeatAt]),
      [['w-off', 'busy', new Date(api.now).toISOString()]],
    );
    const off = await api.call<{ worker: { status: string }; releasedTask: string }>(
      'POST',
      '/workers/w-off/offline',
    );
    assert.equal(off.body.worker.status, 'offline');
    assert.equal(off.body.releasedTask, run?.runId);
    assert.equal((await api.deps.runs.require(run?.runId ?? '')).status, 'RETRY_WAIT');
    const stats = await api.call<{ queues: Record<string, { delayed: number }> }>('GET', '/stats');
    assert.equal(stats.body.queues.low?.delayed, 1, 'its message is on the queue, a few seconds late');
    const pull = await api.call<ErrorBody>('POST', '/market/tasks/pull', {
      token: api.workerToken,
      body: { worker_id: 'w-off' },
    });
    assert.equal(pull.status, 409, 'a worker forced offline must register again');
    assert.equal(pull.body.error.code, 'WORKER_OFFLINE');
    assert.equal((await api.call('POST', '/workers/nobody/offline')).status, 404);
  });
});
