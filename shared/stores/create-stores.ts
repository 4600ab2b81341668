/**
 * Every store a function, the CLI or the local runtime works with, built once from the resources
 * of its environment. Lazy: a store (and each table of the definition store) is required on
 * first use, so a function needs only the resources the catalogue grants it for what it does —
 * the monitor, which scans definitions but never reads the due index, starts without it.
 */
import {
  type AwsClients,
  requireDeadLetterQueueUrl,
  requireQueueUrl,
  requireTable,
  type ResourceEnvironment,
} from '../aws/index.ts';
import { ChangeStore } from '../changes/index.ts';
import { DefinitionStore, PRIORITIES, type Priority } from '../definitions/index.ts';
import { DeadLetters, RunQueue } from '../queues/index.ts';
import { EventBridgeSummaryPublisher, ItemStore, type RunSummaryPublisher } from '../results/index.ts';
import { RuleStore } from '../rules/index.ts';
import { RunStore } from '../runs/index.ts';
import { TokenStore } from '../tokens/index.ts';
// The file, not the folder's index: the index brings the seed-task mapping and with it every
// extractor, which functions that only count workers (monitor, expander) must not bundle.
import { WorkerStore } from '../workers/worker-store.ts';

export interface Stores {
  readonly definitions: DefinitionStore;
  readonly runs: RunStore;
  readonly workers: WorkerStore;
  readonly items: ItemStore;
  /** Item states and changes (change detection on save; the read API). */
  readonly changes: ChangeStore;
  readonly tokens: TokenStore;
  /** Watch rules, their arm states and firings (tables rules, ruleFirings). */
  readonly rules: RuleStore;
  /** The run queues (send now or later, receive, delete). */
  readonly queue: RunQueue;
  /** The DLQs (peek, redrive, read for the monitor). */
  readonly deadLetters: DeadLetters;
  /** Publishes each finished run's summary; undefined when the environment names no run events bus. */
  readonly summaries: RunSummaryPublisher | undefined;
}

export type StoreClients = Pick<AwsClients, 'documents' | 'sqs' | 'events'>;

const once = <T>(build: () => T): (() => T) => {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
};

export function createStores(resources: ResourceEnvironment, clients: StoreClients): Stores {
  const { documents, sqs } = clients;
  const byPriority = (url: (r: ResourceEnvironment, p: Priority) => string) =>
    Object.fromEntries(PRIORITIES.map((p) => [p, url(resources, p)])) as Record<Priority, string>;
  const runs = once(
    () =>
      new RunStore({
        documents,
        tableName: requireTable(resources, 'runs'),
        retentionDays: resources.runRetentionDays,
      }),
  );
  const definitions = once(
    () =>
      new DefinitionStore({
        documents,
        // Getters: each table is required when a call first uses it.
        tables: {
          get definitions() {
            return requireTable(resources, 'definitions');
          },
          get dueIndex() {
            return requireTable(resources, 'dueIndex');
          },
          get control() {
            return requireTable(resources, 'control');
          },
        },
      }),
  );
  const workers = once(() => new WorkerStore({ documents, tableName: requireTable(resources, 'workers') }));
  const items = once(() => new ItemStore({ documents, tableName: requireTable(resources, 'items') }));
  const changes = once(
    () =>
      new ChangeStore({
        documents,
        statesTable: requireTable(resources, 'itemStates'),
        changesTable: requireTable(resources, 'changes'),
        retentionDays: resources.changeRetentionDays,
      }),
  );
  const tokens = once(() => new TokenStore({ documents, tableName: requireTable(resources, 'control') }));
  const rules = once(
    () =>
      new RuleStore({
        documents,
        rulesTable: requireTable(resources, 'rules'),
        firingsTable: requireTable(resources, 'ruleFirings'),
        // Arm states and firings live as long as the changes they come from.
        retentionDays: resources.changeRetentionDays,
      }),
  );
  const queue = once(
    () =>
      new RunQueue({ sqs, queueUrls: byPriority(requireQueueUrl), httpQueueUrls: resources.httpQueueUrls }),
  );
  const deadLetters = once(
    () =>
      new DeadLetters({
        sqs,
        queueUrls: byPriority(requireQueueUrl),
        deadLetterQueueUrls: byPriority(requireDeadLetterQueueUrl),
        runs: runs(),
      }),
  );
  const summaries = once(() =>
    resources.eventBusName
      ? new EventBridgeSummaryPublisher({ events: clients.events, busName: resources.eventBusName })
      : undefined,
  );
  return {
    get definitions() {
      return definitions();
    },
    get runs() {
      return runs();
    },
    get workers() {
      return workers();
    },
    get items() {
      return items();
    },
    get changes() {
      return changes();
    },
    get tokens() {
      return tokens();
    },
    get rules() {
      return rules();
    },
    get queue() {
      return queue();
    },
    get deadLetters() {
      return deadLetters();
    },
    get summaries() {
      return summaries();
    },
  };
}
