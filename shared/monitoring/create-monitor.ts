import { type AwsClients, requireTable, type ResourceEnvironment } from '../aws/index.ts';
import type { DefinitionStore } from '../definitions/index.ts';
import type { DeadLetters, RunQueue } from '../queues/index.ts';
import type { RunStore } from '../runs/index.ts';
import { DailyReporter } from './daily-report.ts';
import { Monitor, type MonitorOptions } from './monitor.ts';

/** The stores the monitor works with (the composition root passes its `createStores(...)`). */
export interface MonitorStores {
  readonly definitions: DefinitionStore;
  readonly runs: RunStore;
  readonly queue: RunQueue;
  readonly deadLetters: DeadLetters;
}

/** The monitor wired to the stores and resources of a function's environment (Lambda or local). */
export function createMonitor(
  stores: MonitorStores,
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents' | 's3' | 'sns'>,
  overrides: Partial<Omit<MonitorOptions, 'runs' | 'definitions' | 'queue' | 'deadLetters'>> = {},
): Monitor {
  const bucket = resources.buckets.reports;
  const topicArn = resources.topicArns.warning;
  const dailyReporter =
    bucket && topicArn
      ? new DailyReporter({
          stage: resources.stage,
          runs: stores.runs,
          documents: clients.documents,
          controlTable: requireTable(resources, 'control'),
          s3: clients.s3,
          bucket,
          sns: clients.sns,
          topicArn,
        })
      : undefined;
  return new Monitor({
    runs: stores.runs,
    definitions: stores.definitions,
    queue: stores.queue,
    deadLetters: stores.deadLetters,
    ...(dailyReporter ? { dailyReporter } : {}),
    ...overrides,
  });
}
