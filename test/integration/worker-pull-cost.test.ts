/**
 * Issue 17, item 7: a worker's pull costs the same number of DynamoDB requests however many runs
 * are in flight — when nothing is ready, and when one lease has expired and is taken over. It
 * used to read every RUNNING run (a Query page per 1,000) on every pull. Counted, not timed;
 * bench/worker-pull.ts prints the same counts for 10 and 10,000 runs in flight.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiStage } from '../helpers/api.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { countRequests } from '../helpers/request-counter.ts';
import { putWorkerRunsInFlight } from '../helpers/runs-in-flight.ts';

const MINUTE = 60_000;

describe('the cost of a worker pull', () => {
  const local = useLocalInfrastructure();

  it('does not grow with the runs in flight, idle or taking over an expired lease', async () => {
    const counter = countRequests(local().clients.documents);
    const measured: Record<number, { idle: Record<string, number>; takeOver: Record<string, number> }> = {};
    // 1,200 in flight: more than one 1,000-run page of the RUNNING index the old pull read.
    for (const inFlight of [10, 1_200]) {
      const api = await apiStage(local());
      const held = await putWorkerRunsInFlight({
        runs: api.deps.runs,
        documents: local().clients.documents,
        runsTable: api.stage.resources.tables.runs,
        count: inFlight,
        nowMs: api.now,
        leaseMs: 30 * MINUTE,
        shortLeaseMs: MINUTE,
      });
      await api.deps.broker.register({ workerId: 'puller' }, api.now);
      const idle = await counter.during(() => api.deps.broker.pull('puller', api.now + 30_000));
      assert.equal(idle.result, undefined, 'nothing is ready: every lease still runs');
      const takeOver = await counter.during(() => api.deps.broker.pull('puller', api.now + 2 * MINUTE));
      assert.equal(takeOver.result?.runId, held[0]?.runId, 'the one expired lease is taken over');
      measured[inFlight] = { idle: idle.requests, takeOver: takeOver.requests };
    }
    console.log(`DynamoDB requests per pull by runs in flight: ${JSON.stringify(measured)}`);
    assert.deepEqual(measured[1_200], measured[10], 'the same requests, operation by operation');
    const total = (requests: Record<string, number>) => Object.values(requests).reduce((a, b) => a + b, 0);
    assert.ok(total(measured[10]?.idle ?? {}) <= 5, JSON.stringify(measured[10]?.idle));
  });
});
