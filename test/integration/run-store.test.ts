import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import {
  IllegalTransitionError,
  type Lease,
  LeaseLostError,
  RunNotFoundError,
  RunStore,
  type Run,
} from '../../shared/runs/index.ts';
import { ValidationError } from '../../shared/errors/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { countRequests, type RequestCounter } from '../helpers/request-counter.ts';
import { thisHour } from '../helpers/clock.ts';

const LEASE_MS = 60_000;
const T0 = thisHour();

describe('the run store on DynamoDB Local', () => {
  const local = useLocalInfrastructure();
  let store: RunStore;
  let counter: RequestCounter;

  before(() => {
    const { clients, resources } = local();
    counter = countRequests(clients.documents);
    store = new RunStore({
      documents: clients.documents,
      tableName: resources.tables.runs,
      retentionDays: 30,
    });
  });

  const definition = (overrides: Partial<{ id: string; maxAttempts: number; crawlType: string }> = {}) => ({
    id: overrides.id ?? `def-${randomUUID()}`,
    platform: 'amazon',
    marketplace: 'US',
    crawlType: overrides.crawlType ?? 'product_details',
    target: 'B0CHX1W1XY',
    params: { maxPages: 3, maxItems: 100 },
    priority: 'normal' as const,
    maxAttempts: overrides.maxAttempts ?? 3,
  });

  const createdRun = async (overrides: Parameters<typeof definition>[0] = {}, slot = '2026-11-23T19:00Z') => {
    const run = store.newRun({ definition: definition(overrides), slot }, T0);
    await store.create(run);
    return run;
  };

  const acquired = async (runId: string, owner: string, now: number): Promise<Lease> => {
    const outcome = await store.acquire(runId, owner, now, LEASE_MS);
    assert.ok(
      outcome.acquired,
      `expected ${owner} to acquire, got ${outcome.acquired ? '' : outcome.reason}`,
    );
    return outcome.lease;
  };

  it('derives the run id from (definition, slot) and never creates a second run for it', async () => {
    const run = await createdRun({ id: 'amazon-us-1' });
    assert.equal(run.runId, 'amazon-us-1@2026-11-23T19:00Z');
    const lease = await acquired(run.runId, 'worker-a', T0);
    await store.checkpoint(
      lease,
      { checkpoint: { page: 1, itemsSoFar: 20 }, counts: { scraped: 20, saved: 20, skipped: 0, invalid: 0 } },
      T0 + 1,
      LEASE_MS,
    );
    const again = await store.create(
      store.newRun({ definition: definition({ id: 'amazon-us-1' }), slot: '2026-11-23T19:00Z' }, T0 + 5),
    );
    assert.equal(again.created, false);
    assert.equal(again.run.status, 'RUNNING', 'the existing run is returned, not reset');
    assert.equal((await store.require(run.runId)).checkpoint?.page, 1);
  });

  it('walks the happy path PENDING → QUEUED → RUNNING → SUCCEEDED, with retention set at the end', async () => {
    const run = await createdRun();
    assert.equal((await store.markQueued(run.runId, T0 + 1)).status, 'QUEUED');
    const lease = await acquired(run.runId, 'worker-a', T0 + 2);
    assert.equal(lease.fencingToken, 1);
    const checkpointed = await store.checkpoint(
      lease,
      {
        checkpoint: {
          page: 2,
          itemsSoFar: 40,
          lastItemId: 'B01',
          nextUrl: 'https://www.amazon.com/s?page=3',
        },
        counts: { scraped: 40, saved: 39, skipped: 0, invalid: 1 },
      },
      T0 + 3,
      LEASE_MS,
    );
    assert.equal(checkpointed.lease?.expiresAtMs, T0 + 3 + LEASE_MS, 'a checkpoint extends the lease');
    const done = await store.complete(lease, { status: 'SUCCEEDED', completeness: 0.98 }, T0 + 4);
    assert.equal(done.status, 'SUCCEEDED');
    assert.equal(done.lease, undefined);
    assert.equal(done.attempts, 1);
    assert.equal(done.counts.saved, 39);
    assert.equal(done.expiresAt, Math.floor((T0 + 4) / 1000) + 30 * 86_400);
  });

  it('refuses illegal transitions with a typed error and changes nothing', async () => {
    const run = await createdRun();
    const lease = await acquired(run.runId, 'worker-a', T0);
    const before = await store.require(run.runId);
    await assert.rejects(store.markQueued(run.runId, T0 + 1), (error: unknown) => {
      assert.ok(error instanceof IllegalTransitionError);
      assert.equal(error.status, 'RUNNING');
      assert.equal(error.transition, 'markQueued');
      return true;
    });
    await assert.rejects(store.reopen(run.runId, T0 + 1), IllegalTransitionError);
    assert.deepEqual(await store.require(run.runId), before);
    await store.complete(lease, { status: 'SUCCEEDED' }, T0 + 2);
    for (const verb of ['cancel', 'markDeadLettered', 'markQueued', 'exhaust'] as const) {
      await assert.rejects(store[verb](run.runId, T0 + 3), IllegalTransitionError, verb);
    }
    assert.equal((await store.require(run.runId)).status, 'SUCCEEDED');
    await assert.rejects(store.cancel('no-such-run@2026-11-23T19:00Z', T0), RunNotFoundError);
  });

  it('hands an expired lease to the next holder with a larger fencing number, and refuses the stale holder', async () => {
    const run = await createdRun();
    const first = await acquired(run.runId, 'worker-a', T0);
    await store.checkpoint(
      first,
      { checkpoint: { page: 1, itemsSoFar: 10 }, counts: { scraped: 10, saved: 10, skipped: 0, invalid: 0 } },
      T0 + 1_000,
      LEASE_MS,
    );
    const blocked = await store.acquire(run.runId, 'worker-b', T0 + 2_000, LEASE_MS);
    assert.equal(blocked.acquired, false);
    assert.equal(blocked.acquired === false && blocked.reason, 'leased');

    const later = T0 + 1_000 + LEASE_MS + 1;
    const second = await acquired(run.runId, 'worker-b', later);
    assert.equal(second.fencingToken, 2);
    const handedOver = await store.require(run.runId);
    assert.deepEqual(
      handedOver.checkpoint,
      { page: 1, itemsSoFar: 10 },
      'the checkpoint goes to the next holder',
    );
    assert.equal(handedOver.attempts, 2);

    const beforeStale = await store.require(run.runId);
    await assert.rejects(
      store.checkpoint(
        first,
        {
          checkpoint: { page: 3, itemsSoFar: 99 },
          counts: { scraped: 99, saved: 99, skipped: 0, invalid: 0 },
        },
        later + 1,
        LEASE_MS,
      ),
      (error: unknown) => error instanceof LeaseLostError && error.current?.lease?.fencingToken === 2,
    );
    await assert.rejects(store.complete(first, { status: 'SUCCEEDED' }, later + 2), LeaseLostError);
    await assert.rejects(store.heartbeat(first, later + 3, LEASE_MS), LeaseLostError);
    await assert.rejects(store.release(first, { delaySeconds: 30 }, later + 4), LeaseLostError);
    assert.deepEqual(await store.require(run.runId), beforeStale, 'the stale holder changed nothing');
    assert.equal((await store.complete(second, { status: 'SUCCEEDED' }, later + 5)).status, 'SUCCEEDED');
  });

  it('lets exactly one of 50 concurrent acquirers win each fencing number', async () => {
    const run = await createdRun({ maxAttempts: 20 });
    for (let round = 1; round <= 5; round += 1) {
      const now = T0 + round * (LEASE_MS + 1);
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          store.acquire(run.runId, `worker-${round}-${index}`, now, LEASE_MS),
        ),
      );
      const winners = outcomes.filter((outcome) => outcome.acquired);
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} winners`);
      const winner = winners[0];
      assert.ok(winner?.acquired);
      assert.equal(winner.lease.fencingToken, round);
      for (const loser of outcomes.filter((outcome) => !outcome.acquired)) {
        assert.equal(loser.acquired === false && loser.reason, 'leased');
      }
      const stored = await store.require(run.runId);
      assert.equal(stored.lease?.owner, winner.lease.owner);
      assert.equal(stored.attempts, round);
    }
  });

  it('releases to RETRY_WAIT, counts blocked attempts apart, and fails when attempts run out', async () => {
    const run = await createdRun({ maxAttempts: 2 });
    const first = await acquired(run.runId, 'worker-a', T0);
    const waiting = await store.release(
      first,
      {
        delaySeconds: 300,
        failure: { failureClass: 'blocked', reason: 'captcha', message: 'robot check page' },
      },
      T0 + 1,
    );
    assert.equal(waiting.status, 'RETRY_WAIT');
    assert.equal(waiting.blockedAttempts, 1);
    assert.equal(waiting.nextAttemptAt, new Date(T0 + 1 + 300_000).toISOString());
    assert.equal(waiting.lastFailure?.reason, 'captcha');

    const second = await acquired(run.runId, 'worker-b', T0 + 400_000);
    await store.release(
      second,
      { delaySeconds: 30, failure: { failureClass: 'transient', reason: 'http-503', message: '503' } },
      T0 + 400_001,
    );
    const exhausted = await store.acquire(run.runId, 'worker-c', T0 + 500_000, LEASE_MS);
    assert.equal(exhausted.acquired === false && exhausted.reason, 'attempts-exhausted');
    const failed = await store.exhaust(run.runId, T0 + 500_001);
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.attempts, 2);
  });

  it('reopens a failed run for an operator retry, attempts starting over', async () => {
    const run = await createdRun({ maxAttempts: 1 });
    const lease = await acquired(run.runId, 'worker-a', T0);
    await store.complete(
      lease,
      { status: 'FAILED', failure: { failureClass: 'permanent', reason: 'http-404', message: 'gone' } },
      T0 + 1,
    );
    const reopened = await store.reopen(run.runId, T0 + 2);
    assert.equal(reopened.status, 'QUEUED');
    assert.equal(reopened.attempts, 0);
    assert.equal(reopened.expiresAt, undefined);
    assert.equal((await acquired(run.runId, 'worker-b', T0 + 3)).fencingToken, 2);
  });

  it('lists runs by status, by definition and by crawl type, a page at a time', async () => {
    const id = `def-list-${randomUUID()}`;
    const slots = [
      '2026-11-20T01:00Z',
      '2026-11-20T02:00Z',
      '2026-11-20T03:00Z',
      '2026-11-20T04:00Z',
      '2026-11-20T05:00Z',
    ];
    for (const slot of slots) await createdRun({ id, crawlType: 'bestsellers' }, slot);
    const first = await store.listByDefinition(id, { limit: 2 });
    assert.deepEqual(
      first.runs.map((run) => run.slot),
      slots.slice(0, 2),
    );
    assert.ok(first.cursor);
    const second = await store.listByDefinition(id, { limit: 10, cursor: first.cursor });
    assert.deepEqual(
      second.runs.map((run) => run.slot),
      slots.slice(2),
    );
    assert.equal(second.cursor, undefined);
    const window = await store.listByDefinition(id, { from: slots[1], to: slots[3] });
    assert.equal(window.runs.length, 3);
    const pending = await store.listByStatus('PENDING', { limit: 1000 });
    assert.ok(
      slots.every((slot) => pending.runs.some((run: Run) => run.definitionId === id && run.slot === slot)),
    );
    const bestsellers = await store.listByCrawlType('bestsellers', { limit: 1000 });
    assert.equal(bestsellers.runs.filter((run) => run.definitionId === id).length, 5);
    await assert.rejects(store.listByStatus('PENDING', { cursor: 'not-a-cursor' }), ValidationError);
  });

  it('refuses bad listing input and bad completions with a ValidationError, changing nothing', async () => {
    await assert.rejects(store.listByStatus('PENDING', { limit: Number.NaN }), ValidationError);
    await assert.rejects(store.listByStatus('PENDING', { from: '2027', to: '2026' }), ValidationError);
    await assert.rejects(store.listByDefinition(''), ValidationError);
    const other = await store.listByStatus('PENDING', { limit: 1 });
    assert.ok(other.cursor, 'there is more than one PENDING run by now');
    await assert.rejects(store.listByDefinition('amazon-us-1', { cursor: other.cursor }), ValidationError);
    const onlyTo = await store.listByStatus('SUCCEEDED', { to: '2100-01-01' });
    assert.ok(onlyTo.runs.length > 0 && onlyTo.runs.every((run) => run.status === 'SUCCEEDED'));

    const run = await createdRun();
    const lease = await acquired(run.runId, 'worker-a', T0);
    const before = await store.require(run.runId);
    await assert.rejects(store.complete(lease, { status: 'QUEUED' as 'SUCCEEDED' }, T0 + 1), ValidationError);
    await assert.rejects(
      store.complete(lease, { status: 'SUCCEEDED', completeness: Number.NaN }, T0 + 1),
      ValidationError,
    );
    await assert.rejects(store.release(lease, { delaySeconds: Number.NaN }, T0 + 1), ValidationError);
    assert.deepEqual(await store.require(run.runId), before);
    assert.throws(
      () => store.newRun({ definition: definition(), slot: '2026-11-23T19:00:00.000Z' }, T0),
      TypeError,
    );
  });

  it('costs one DynamoDB request per transition', async () => {
    const run = store.newRun({ definition: definition(), slot: '2026-11-23T19:00Z' }, T0);
    const measured: Record<string, Record<string, number>> = {};
    const measure = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const { result, requests } = await counter.during(work);
      measured[name] = requests;
      return result;
    };
    await measure('create', () => store.create(run));
    await measure('markQueued', () => store.markQueued(run.runId, T0));
    const outcome = await measure('acquire', () => store.acquire(run.runId, 'w', T0, LEASE_MS));
    assert.ok(outcome.acquired);
    await measure('heartbeat', () => store.heartbeat(outcome.lease, T0 + 1, LEASE_MS));
    await measure('checkpoint', () =>
      store.checkpoint(
        outcome.lease,
        { checkpoint: { page: 1, itemsSoFar: 1 }, counts: { scraped: 1, saved: 1, skipped: 0, invalid: 0 } },
        T0 + 2,
        LEASE_MS,
      ),
    );
    await measure('release', () => store.release(outcome.lease, { delaySeconds: 1 }, T0 + 3));
    const again = await store.acquire(run.runId, 'w', T0 + 4, LEASE_MS);
    assert.ok(again.acquired);
    await measure('complete', () => store.complete(again.lease, { status: 'SUCCEEDED' }, T0 + 5));
    await measure('lost lease (refused)', () =>
      store.heartbeat(again.lease, T0 + 6, LEASE_MS).catch(() => undefined),
    );
    await measure('illegal transition (refused)', () =>
      store.cancel(run.runId, T0 + 7).catch(() => undefined),
    );
    console.log('DynamoDB requests per transition:', JSON.stringify(measured));
    for (const [name, requests] of Object.entries(measured)) {
      assert.equal(
        Object.values(requests).reduce((a, b) => a + b, 0),
        1,
        `${name}: ${JSON.stringify(requests)}`,
      );
    }
  });
});
