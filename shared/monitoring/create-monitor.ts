import {
  type AwsClients,
  requireDeadLetterQueueUrl,
  requireQueueUrl,
  requireTable,
  type ResourceEnvironment,
} from '../aws/index.ts';
import { DefinitionStore, PRIORITIES, type Priority } from '../definitions/index.ts';
import { DeadLetters, RunQueue } from '../queues/index.ts';
import { RunStore } from '../runs/index.ts';
import { DailyReporter } from './daily-report.ts';
import { Monitor, type MonitorOptions } from './monitor.ts';

/** The monitor wired to the resources of a function's environment (Lambda or local). */
export function createMonitor(
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents' | 'sqs' | 's3' | 'sns'>,
  overrides: Partial<Omit<MonitorOptions, 'runs' | 'definitions' | 'queue' | 'deadLetters'>> = {},
): Monitor {
  const runs = new RunStore({
    documents: clients.documents,
    tableName: requireTable(resources, 'runs'),
    retentionDays: resources.runRetentionDays,
  });
  const bucket = resources.buckets.reports;
  const topicArn = resources.topicArns.warning;
  const dailyReporter =
    bucket && topicArn
      ? new DailyReporter({
          stage: resources.stage,
          runs,
          documents: clients.documents,
          controlTable: requireTable(resources, 'control'),
          s3: clients.s3,
          bucket,
          sns: clients.sns,
          topicArn,
        })
      : undefined;
  const byPriority = (url: (r: ResourceEnvironment, p: Priority) => string) =>
    Object.fromEntries(PRIORITIES.map((p) => [p, url(resources, p)])) as Record<Priority, string>;
  return new Monitor({
    runs,
    definitions: new DefinitionStore({
      documents: clients.documents,
      tables: {
        definitions: requireTable(resources, 'definitions'),
        dueIndex: requireTable(resources, 'dueIndex'),
        control: requireTable(resources, 'control'),
      },
    }),
    queue: new RunQueue({ sqs: clients.sqs, queueUrls: byPriority(requireQueueUrl) }),
    deadLetters: new DeadLetters({
      sqs: clients.sqs,
      queueUrls: byPriority(requireQueueUrl),
      deadLetterQueueUrls: byPriority(requireDeadLetterQueueUrl),
      runs,
    }),
    ...(dailyReporter ? { dailyReporter } : {}),
    ...overrides,
  });
}
