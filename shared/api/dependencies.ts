/**
 * What the API works with, wired once from a function's environment (Lambda, the local runtime,
 * tests). Everything the routes touch is here, so a test can replace the clock or observe
 * finished runs.
 */
import { randomUUID } from 'node:crypto';
import { AthenaClient } from '@aws-sdk/client-athena';
import { type AwsClients, requireTable, type ResourceEnvironment } from '../aws/index.ts';
import { ChangeRecorder, type ChangeStore, ItemChangeReader } from '../changes/index.ts';
import type { DefinitionStore } from '../definitions/index.ts';
import { CursorKeyStore, CursorSeal } from '../paging/index.ts';
import { createExpander, type Expander } from '../expansion/index.ts';
import {
  type AlarmSource,
  PipelineStats,
  RunThroughput,
  UNAVAILABLE_ALARM_SOURCE,
} from '../monitoring/index.ts';
import type { DeadLetters, RunQueue } from '../queues/index.ts';
import type { ItemStore } from '../results/index.ts';
import type { RuleStore } from '../rules/index.ts';
import type { Run, RunStore } from '../runs/index.ts';
import type { Stores } from '../stores/index.ts';
import type { TokenStore } from '../tokens/index.ts';
import { SnapshotIngest, TaskBroker, type WorkerStore } from '../workers/index.ts';
import { TargetGuard, type TargetUrlCheckOptions } from '../scraping/index.ts';
import { WebPageFiles } from './web-page-files.ts';
// Not the history index: it loads DuckDB, which the API function does not bundle.
import { AthenaHistoryExports, type HistoryExports } from '../history/history-exports.ts';

export interface ApiDependencies {
  readonly definitions: DefinitionStore;
  readonly runs: RunStore;
  readonly workers: WorkerStore;
  readonly items: ItemStore;
  /** Item states and changes: recorded on ingest, read by /items and /changes. */
  readonly changes: ChangeStore;
  /** One item's changes, newest first (GET /items/{key}/changes: one Query per page). */
  readonly itemChanges: ItemChangeReader;
  readonly tokens: TokenStore;
  /** Watch rules (CRUD, test-fire). */
  readonly rules: RuleStore;
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
  /** GET /exports: Athena and presigned URLs when deployed; the local history folder under npm start. */
  readonly historyExports: HistoryExports;
  /** Seals the cursors of paged listings to their listing (key: the control table's). */
  readonly cursors: CursorSeal;
  /** The SSRF guard on URLs stored as work: definition targets and seed task urls. */
  readonly targetGuard: TargetGuard;
  readonly clock: () => number;
  readonly newRequestId: () => string;
  /** Where unexpected errors (answered 500) are logged; the handler passes its Powertools Logger. */
  readonly logError: (message: string, details: Record<string, unknown>) => void;
}

export interface ApiOptions {
  readonly clock?: () => number;
  readonly newRequestId?: () => string;
  /** How long a worker's lease lasts without news. Default: DEFAULT_WORKER_LEASE_MS (seed 004). */
  readonly workerLeaseMs?: number;
  /** Called with every run a worker finishes. Default: its summary event (stores.summaries), a lost one logged. */
  readonly onRunFinished?: (run: Run) => Promise<void> | void;
  readonly logError?: ApiDependencies['logError'];
  /** Default: none available (the page says so). */
  readonly alarmSource?: AlarmSource;
  /** Folder of the web page's files. Default: SHELFWATCH_WEB_ROOT, else the repository's web/. */
  readonly webRoot?: string;
  /** The creation-time SSRF guard's options: the local runtime allow-lists its demo shop. */
  readonly urlCheck?: TargetUrlCheckOptions;
  /** Default: Athena in the stage's workgroup, links presigned with the function's role. */
  readonly historyExports?: HistoryExports;
}

export function createApiDependencies(
  stores: Stores,
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents' | 's3'>,
  options: ApiOptions = {},
): ApiDependencies {
  const { definitions, runs, workers, items, queue, deadLetters, changes } = stores;
  const changeRecorder = new ChangeRecorder({ changes, runs, items });
  const logError = options.logError ?? (() => undefined);
  let itemChanges: ItemChangeReader | undefined;
  const summaries = stores.summaries;
  // A worker's finished run gets the same summary event as the scraper's; a lost event is logged.
  const onRunFinished =
    options.onRunFinished ??
    (summaries
      ? (run: Run) =>
          summaries.publish(run).catch((error: unknown) => {
            logError('summary event not published', { runId: run.runId, error: String(error) });
          })
      : undefined);
  return {
    definitions,
    runs,
    workers,
    items,
    changes,
    // Built on first use, as the stores are: the changes table is required only then.
    get itemChanges() {
      return (itemChanges ??= new ItemChangeReader({
        documents: clients.documents,
        changesTable: requireTable(resources, 'changes'),
      }));
    },
    tokens: stores.tokens,
    get rules() {
      return stores.rules;
    },
    expander: createExpander(stores, resources, clients),
    queue,
    broker: new TaskBroker({
      runs,
      definitions,
      workers,
      queue,
      changes: changeRecorder,
      ...(options.workerLeaseMs !== undefined ? { leaseMs: options.workerLeaseMs } : {}),
      ...(onRunFinished ? { onRunFinished } : {}),
      ...(options.logError ? { logError: options.logError } : {}),
    }),
    ingest: new SnapshotIngest({
      runs,
      workers,
      items,
      itemRetentionDays: resources.itemRetentionDays,
      changes: changeRecorder,
    }),
    deadLetters,
    stats: new PipelineStats({
      documents: clients.documents,
      runsTable: requireTable(resources, 'runs'),
      queue,
      deadLetters,
      workers,
    }),
    throughput: new RunThroughput({
      documents: clients.documents,
      runsTable: requireTable(resources, 'runs'),
    }),
    alarms: options.alarmSource ?? UNAVAILABLE_ALARM_SOURCE,
    webPage: new WebPageFiles(options.webRoot),
    historyExports:
      options.historyExports ??
      new AthenaHistoryExports({ athena: new AthenaClient({}), s3: clients.s3, stage: resources.stage }),
    cursors: new CursorSeal(
      new CursorKeyStore({ documents: clients.documents, tableName: requireTable(resources, 'control') }),
    ),
    targetGuard: new TargetGuard(options.urlCheck),
    clock: options.clock ?? Date.now,
    newRequestId: options.newRequestId ?? randomUUID,
    logError,
  };
}
