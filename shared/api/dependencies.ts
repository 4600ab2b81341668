/**
 * What the API works with, wired once from a function's environment (Lambda, the local runtime,
 * tests). Everything the routes touch is here, so a test can replace the clock or observe
 * finished runs.
 */
import { randomUUID } from 'node:crypto';
import {
  type AwsClients,
  requireDeadLetterQueueUrl,
  requireQueueUrl,
  requireTable,
  type ResourceEnvironment,
} from '../aws/index.ts';
import { DefinitionStore, PRIORITIES, type Priority } from '../definitions/index.ts';
import { createExpander, type Expander } from '../expansion/index.ts';
import {
  type AlarmSource,
  PipelineStats,
  RunThroughput,
  UNAVAILABLE_ALARM_SOURCE,
} from '../monitoring/index.ts';
import { ItemStore } from '../results/index.ts';
import { type Run, RunStore } from '../runs/index.ts';
import { SnapshotIngest, TaskBroker, WorkerStore } from '../workers/index.ts';
import { TokenStore } from '../tokens/index.ts';
import { WebPageFiles } from './web-page-files.ts';
import { DeadLetters, RunQueue } from '../queues/index.ts';

export interface ApiDependencies {
  readonly definitions: DefinitionStore;
  readonly runs: RunStore;
  readonly workers: WorkerStore;
  readonly items: ItemStore;
  readonly tokens: TokenStore;
  readonly expander: Pick<Expander, 'runNow'>;
  readonly queue: RunQueue;
  readonly broker: TaskBroker;
  readonly ingest: SnapshotIngest;
  readonly deadLetters: DeadLetters;
  readonly stats: PipelineStats;
  readonly throughput: RunThroughput;
  /** Alarms in state ALARM (CloudWatch when deployed, the local evaluator locally). */
  readonly alarms: AlarmSource;
  readonly webPage: WebPageFiles;
  readonly clock: () => number;
  readonly newRequestId: () => string;
  /** Where unexpected errors (answered 500) are logged; the handler passes its Powertools Logger. */
  readonly logError: (message: string, details: Record<string, unknown>) => void;
}

export interface ApiOptions {
  readonly clock?: () => number;
  readonly newRequestId?: () => string;
  /** How long a worker's lease lasts without news. Default: 30 minutes (seed 004). */
  readonly workerLeaseMs?: number;
  /** Called with every run a worker finishes (the lead wires the EventBridge summary to it). */
  readonly onRunFinished?: (run: Run) => Promise<void> | void;
  readonly logError?: ApiDependencies['logError'];
  /** Default: none available (the page says so). */
  readonly alarmSource?: AlarmSource;
  /** Folder of the web page's files. Default: SHELFWATCH_WEB_ROOT, else the repository's web/. */
  readonly webRoot?: string;
}

export function createApiDependencies(
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents' | 'sqs'>,
  options: ApiOptions = {},
): ApiDependencies {
  const { documents, sqs } = clients;
  const byPriority = (url: (r: ResourceEnvironment, p: Priority) => string) =>
    Object.fromEntries(PRIORITIES.map((p) => [p, url(resources, p)])) as Record<Priority, string>;
  const queueUrls = byPriority(requireQueueUrl);
  const deadLetterQueueUrls = byPriority(requireDeadLetterQueueUrl);
  const definitions = new DefinitionStore({
    documents,
    tables: {
      definitions: requireTable(resources, 'definitions'),
      dueIndex: requireTable(resources, 'dueIndex'),
      control: requireTable(resources, 'control'),
    },
  });
  const runs = new RunStore({
    documents,
    tableName: requireTable(resources, 'runs'),
    retentionDays: resources.runRetentionDays,
  });
  const workers = new WorkerStore({ documents, tableName: requireTable(resources, 'workers') });
  const items = new ItemStore({ documents, tableName: requireTable(resources, 'items') });
  const queue = new RunQueue({ sqs, queueUrls });
  return {
    definitions,
    runs,
    workers,
    items,
    tokens: new TokenStore({ documents, tableName: requireTable(resources, 'control') }),
    expander: createExpander(resources, clients),
    queue,
    broker: new TaskBroker({
      runs,
      definitions,
      workers,
      queue,
      ...(options.workerLeaseMs !== undefined ? { leaseMs: options.workerLeaseMs } : {}),
      ...(options.onRunFinished ? { onRunFinished: options.onRunFinished } : {}),
      ...(options.logError ? { logError: options.logError } : {}),
    }),
    ingest: new SnapshotIngest({ runs, workers, items, itemRetentionDays: resources.itemRetentionDays }),
    deadLetters: new DeadLetters({ sqs, queueUrls, deadLetterQueueUrls, runs }),
    stats: new PipelineStats({
      documents,
      runsTable: requireTable(resources, 'runs'),
      sqs,
      queueUrls,
      deadLetterQueueUrls,
      workers,
    }),
    throughput: new RunThroughput({ documents, runsTable: requireTable(resources, 'runs') }),
    alarms: options.alarmSource ?? UNAVAILABLE_ALARM_SOURCE,
    webPage: new WebPageFiles(options.webRoot),
    clock: options.clock ?? Date.now,
    newRequestId: options.newRequestId ?? randomUUID,
    logError: options.logError ?? (() => undefined),
  };
}
