import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  OFFLINE_AFTER_MS,
  successRate,
  WorkerNotFoundError,
  WorkerOfAnotherTokenError,
  WorkerStore,
  workerStatus,
} from '../../shared/workers/index.ts';
import { ValidationError } from '../../shared/errors/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { DAY_MS, thisHour } from '../helpers/clock.ts';

const T0 = thisHour();

describe('the worker store on DynamoDB Local', () => {
  const local = useLocalInfrastructure();
  let store: WorkerStore;
  before(() => {
    store = new WorkerStore({
      documents: local().clients.documents,
      tableName: local().resources.tables.workers,
    });
  });

  it('registers a worker as seed 004 describes it, idle until it holds a run', async () => {
    const worker = await store.register(
      {
        workerId: 'chrome-worker-001',
        name: 'Chrome 1',
        browserType: 'chrome',
        browserVersion: '120.0',
        scriptVersion: '2.7',
      },
      T0,
    );
    assert.equal(worker.browserType, 'chrome');
    assert.equal(workerStatus(worker, T0), 'idle');
    assert.equal(worker.expiresAt, Math.floor(T0 / 1000) + 7 * 86_400);
    const busy = await store.heartbeat('chrome-worker-001', T0 + 1_000, 'run-1');
    assert.equal(workerStatus(busy, T0 + 1_000), 'busy');
    assert.equal(workerStatus(busy, T0 + 1_000 + OFFLINE_AFTER_MS + 1), 'offline');
  });

  it('counts outcomes for the success rate and keeps them across re-registration', async () => {
    await store.register({ workerId: 'w-rate' }, T0);
    await store.recordOutcome('w-rate', 'succeeded', T0 + 1);
    await store.recordOutcome('w-rate', 'succeeded', T0 + 2);
    await store.recordOutcome('w-rate', 'failed', T0 + 3);
    const again = await store.register({ workerId: 'w-rate', scriptVersion: '2.8' }, T0 + 4);
    assert.equal(successRate(again), 2 / 3);
    assert.equal(again.scriptVersion, '2.8');
  });

  it('forces a worker offline until it registers again', async () => {
    await store.register({ workerId: 'w-off' }, T0);
    const off = await store.forceOffline('w-off', T0 + 1);
    assert.equal(workerStatus(off, T0 + 2), 'offline');
    assert.equal(workerStatus(await store.register({ workerId: 'w-off' }, T0 + 3), T0 + 3), 'idle');
  });

  it('treats an empty held run as none, and refuses an empty worker id by name', async () => {
    await store.register({ workerId: 'w-empty' }, T0);
    await store.heartbeat('w-empty', T0 + 1, 'run-9');
    const cleared = await store.heartbeat('w-empty', T0 + 2, '');
    assert.equal(cleared.currentRunId, undefined);
    await assert.rejects(
      store.register({ workerId: '' }, T0),
      (error: unknown) => error instanceof ValidationError && error.issues[0]?.field === 'worker_id',
    );
  });

  it('refuses a heartbeat from a worker that never registered, creating nothing', async () => {
    await assert.rejects(store.heartbeat('ghost', T0), WorkerNotFoundError);
    assert.equal(await store.get('ghost'), undefined);
    const { workers } = await store.list();
    assert.ok(workers.length >= 3 && workers.every((worker) => worker.workerId !== 'ghost'));
  });

  it('treats a record past its expiry as unregistered whether or not TTL has deleted it yet', async () => {
    await store.register({ workerId: 'w-lapsed', tokenId: 'token-a' }, T0);
    await store.heartbeat('w-lapsed', T0 + 1, 'run-1');
    // Eight days on the product's clock: the record (expiry T0 + 7 days) is still in the table,
    // because DynamoDB Local sweeps by the real clock — as DynamoDB does days after expiry.
    const later = T0 + 8 * DAY_MS;
    assert.ok(await store.get('w-lapsed'), 'the expired record is still stored');
    await assert.rejects(store.heartbeat('w-lapsed', later, 'run-1'), WorkerNotFoundError);
    await assert.rejects(store.recordOutcome('w-lapsed', 'succeeded', later), WorkerNotFoundError);
    await assert.rejects(store.forceOffline('w-lapsed', later), WorkerNotFoundError);
    // While it lives, the id stays with its token; once expired, another token may take it.
    await assert.rejects(
      store.register({ workerId: 'w-lapsed', tokenId: 'token-b' }, T0 + 2),
      WorkerOfAnotherTokenError,
    );
    const taken = await store.register({ workerId: 'w-lapsed', tokenId: 'token-b' }, later);
    assert.equal(taken.tokenId, 'token-b');
    assert.equal(workerStatus(await store.heartbeat('w-lapsed', later + 1), later + 1), 'busy');
  });
});
