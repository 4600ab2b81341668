/**
 * Property: random interleavings of several holders doing acquire / heartbeat / checkpoint /
 * complete / release against a clock that jumps. Whatever the order, a holder whose lease is not
 * the current one never changes the run, fencing numbers only grow, and a run never leaves a
 * terminal state.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { isTerminal, type Lease, LeaseLostError, type Run, RunStore } from '../../shared/runs/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { thisHour } from '../helpers/clock.ts';

const LEASE_MS = 30_000;
const HOLDERS = ['a', 'b', 'c'] as const;
type Holder = (typeof HOLDERS)[number];

type Command =
  | { readonly op: 'acquire'; readonly holder: Holder }
  | { readonly op: 'heartbeat'; readonly holder: Holder }
  | { readonly op: 'checkpoint'; readonly holder: Holder; readonly page: number }
  | { readonly op: 'complete'; readonly holder: Holder; readonly status: 'SUCCEEDED' | 'FAILED' }
  | { readonly op: 'release'; readonly holder: Holder }
  | { readonly op: 'advance'; readonly ms: number };

const holder = fc.constantFrom(...HOLDERS);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: holder.map((h) => ({ op: 'acquire' as const, holder: h })) },
  { weight: 2, arbitrary: holder.map((h) => ({ op: 'heartbeat' as const, holder: h })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(holder, fc.integer({ min: 1, max: 50 }))
      .map(([h, page]) => ({ op: 'checkpoint' as const, holder: h, page })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(holder, fc.constantFrom('SUCCEEDED' as const, 'FAILED' as const))
      .map(([h, status]) => ({ op: 'complete' as const, holder: h, status })),
  },
  { weight: 1, arbitrary: holder.map((h) => ({ op: 'release' as const, holder: h })) },
  // The clock jumps: small steps, or past a lease's expiry.
  {
    weight: 3,
    arbitrary: fc.integer({ min: 0, max: 2 * LEASE_MS }).map((ms) => ({ op: 'advance' as const, ms })),
  },
);

const holds = (run: Run, lease: Lease | undefined, now: number): boolean =>
  lease !== undefined &&
  run.status === 'RUNNING' &&
  run.lease?.owner === lease.owner &&
  run.lease.fencingToken === lease.fencingToken &&
  run.lease.expiresAtMs > now;

const canAcquire = (run: Run, now: number): boolean =>
  !isTerminal(run.status) &&
  run.attempts < run.maxAttempts &&
  (run.status !== 'RUNNING' || (run.lease?.expiresAtMs ?? 0) <= now);

describe('leases under random interleavings of holders and clock jumps', () => {
  const local = useLocalInfrastructure();
  let store: RunStore;
  before(() => {
    const { clients, resources } = local();
    store = new RunStore({
      documents: clients.documents,
      tableName: resources.tables.runs,
      retentionDays: 1,
    });
  });

  it('a superseded holder never changes the run, fencing numbers grow, terminal states are final', async () => {
    let commandsRun = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), async (commands) => {
        let now = thisHour();
        const definition = {
          id: `prop-${randomUUID()}`,
          platform: 'ozon',
          marketplace: 'RU',
          crawlType: 'category',
          target: '15502',
          params: { maxPages: 50, maxItems: 1000 },
          priority: 'normal' as const,
          maxAttempts: 25,
        };
        const created = store.newRun({ definition, slot: '2026-11-23T19:00Z' }, now);
        await store.create(created);
        const leases = new Map<Holder, Lease>();

        for (const step of commands) {
          commandsRun += 1;
          if (step.op === 'advance') {
            now += step.ms;
            continue;
          }
          const before = await store.require(created.runId);
          const lease = leases.get(step.holder);
          let applied = false;
          try {
            switch (step.op) {
              case 'acquire': {
                const outcome = await store.acquire(created.runId, `holder-${step.holder}`, now, LEASE_MS);
                applied = outcome.acquired;
                if (outcome.acquired) {
                  assert.equal(outcome.lease.fencingToken, before.fencingToken + 1);
                  leases.set(step.holder, outcome.lease);
                }
                assert.equal(applied, canAcquire(before, now), `acquire from ${before.status}`);
                break;
              }
              case 'heartbeat':
                if (!lease) continue;
                leases.set(step.holder, await store.heartbeat(lease, now, LEASE_MS));
                applied = true;
                break;
              case 'checkpoint':
                if (!lease) continue;
                await store.checkpoint(
                  lease,
                  {
                    checkpoint: { page: step.page, itemsSoFar: step.page * 10 },
                    counts: { scraped: step.page * 10, saved: step.page * 10, skipped: 0, invalid: 0 },
                  },
                  now,
                  LEASE_MS,
                );
                applied = true;
                break;
              case 'complete':
                if (!lease) continue;
                await store.complete(lease, { status: step.status }, now);
                applied = true;
                break;
              case 'release':
                if (!lease) continue;
                await store.release(lease, { delaySeconds: 10 }, now);
                applied = true;
                break;
            }
          } catch (error) {
            if (!(error instanceof LeaseLostError)) throw error;
          }
          const after = await store.require(created.runId);

          if (step.op !== 'acquire') {
            assert.equal(
              applied,
              holds(before, lease, now),
              `${step.op} by ${step.holder}: applied iff it held the lease`,
            );
          }
          if (!applied)
            assert.deepEqual(after, before, `refused ${step.op} by ${step.holder} changed the run`);
          assert.ok(after.fencingToken >= before.fencingToken, 'fencing numbers never go back');
          if (isTerminal(before.status)) assert.equal(after.status, before.status, 'left a terminal state');
          if (applied && step.op === 'checkpoint') assert.equal(after.checkpoint?.page, step.page);
        }
      }),
      { numRuns: 25 },
    );
    assert.ok(commandsRun > 100, `only ${commandsRun} commands ran`);
  });
});
