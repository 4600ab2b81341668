/**
 * npm run bench:worker-pull [-- 10 10000]
 *
 * DynamoDB requests per seed 004 pull, by runs in flight (held by workers under unexpired leases),
 * counted by a middleware on the client against DynamoDB Local:
 *
 *   idle       nothing is ready: every lease still runs
 *   take over  one lease has expired: the pull takes that run over
 *
 * The pull reads the sparse index byWorkerReadiness (priority, workerReadyAt) for the runs whose
 * time has come, so both columns should be the same for every N. The requests the pull made
 * before issue 17 are given for comparison: the whole RUNNING index, one Query per 1,000 runs.
 */
import { randomUUID } from 'node:crypto';
import { startLocalInfrastructure } from '../local/infrastructure.ts';
import { resourceEnvironment } from '../shared/aws/index.ts';
import { createApiDependencies } from '../shared/api/index.ts';
import { createStores } from '../shared/stores/index.ts';
import { countRequests } from '../test/helpers/request-counter.ts';
import { putWorkerRunsInFlight } from '../test/helpers/runs-in-flight.ts';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0);
const SIZES = sizes.length > 0 ? sizes : [10, 10_000];
const MINUTE = 60_000;
const NOW = Date.now();

const total = (requests: Record<string, number>) => Object.values(requests).reduce((a, b) => a + b, 0);
const show = (requests: Record<string, number>) =>
  `${total(requests)} (${Object.entries(requests)
    .sort()
    .map(([name, count]) => `${name} ${count}`)
    .join(', ')})`;

const local = await startLocalInfrastructure({ stage: 'bench' });
try {
  const counter = countRequests(local.clients.documents);
  const rows: string[] = [];
  for (const n of SIZES) {
    const provisioned = await local.provision(`w${randomUUID().slice(0, 8)}`);
    const resources = resourceEnvironment(provisioned.environment);
    const deps = createApiDependencies(createStores(resources, local.clients), resources, local.clients);
    const seeding = Date.now();
    await putWorkerRunsInFlight({
      runs: deps.runs,
      documents: local.clients.documents,
      runsTable: provisioned.resources.tables.runs,
      count: n,
      nowMs: NOW,
      leaseMs: 30 * MINUTE,
      shortLeaseMs: MINUTE,
    });
    const seededSeconds = (Date.now() - seeding) / 1000;
    await deps.broker.register({ workerId: 'bench-puller' }, NOW);
    const idle = await counter.during(() => deps.broker.pull('bench-puller', NOW + 30_000));
    const takeOver = await counter.during(() => deps.broker.pull('bench-puller', NOW + 2 * MINUTE));
    if (idle.result !== undefined || takeOver.result === undefined) {
      throw new Error(
        `unexpected pull results for N=${n}: idle ${String(idle.result?.runId)}, take over none`,
      );
    }
    const before = 1 + Math.ceil(n / 1000) + 1; // worker GetItem, RUNNING index pages, heartbeat
    rows.push(
      `${String(n).padStart(7)}  ${show(idle.requests).padEnd(44)} ${show(takeOver.requests).padEnd(44)} ≥ ${before}`,
    );
    console.error(`N=${n}: ${n} runs put in flight in ${seededSeconds.toFixed(1)} s`);
  }
  console.log(
    `\nDynamoDB requests per worker pull\n${'in flight'.padStart(7)}  ${'idle'.padEnd(44)} ${'take over an expired lease'.padEnd(44)} idle before issue 17 (+3 SQS receives)`,
  );
  for (const row of rows) console.log(row);
} finally {
  await local.stop();
}
