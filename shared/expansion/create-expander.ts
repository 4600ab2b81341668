import { type AwsClients } from '../aws/index.ts';
import { requireQueueUrl, requireTable, type ResourceEnvironment } from '../aws/environment.ts';
import { DefinitionStore, PRIORITIES, type Priority } from '../definitions/index.ts';
import { RunQueue } from '../queues/index.ts';
import { RunStore } from '../runs/index.ts';
import { Expander, type ExpanderOptions } from './expander.ts';
import { Watermark } from './watermark.ts';

/** The expander wired to the resources of a function's environment (Lambda or local). */
export function createExpander(
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents' | 'sqs'>,
  overrides: Partial<Pick<ExpanderOptions, 'catchUpHours' | 'roundSize' | 'sendConcurrency'>> = {},
): Expander {
  const tables = {
    definitions: requireTable(resources, 'definitions'),
    dueIndex: requireTable(resources, 'dueIndex'),
    control: requireTable(resources, 'control'),
  };
  const runsTable = requireTable(resources, 'runs');
  return new Expander({
    definitions: new DefinitionStore({ documents: clients.documents, tables }),
    runs: new RunStore({
      documents: clients.documents,
      tableName: runsTable,
      retentionDays: resources.runRetentionDays,
    }),
    batches: { documents: clients.documents, tableName: runsTable },
    watermark: new Watermark(clients.documents, tables.control),
    queue: new RunQueue({
      sqs: clients.sqs,
      queueUrls: Object.fromEntries(PRIORITIES.map((p) => [p, requireQueueUrl(resources, p)])) as Record<
        Priority,
        string
      >,
    }),
    catchUpHours: resources.expanderCatchUpHours,
    ...overrides,
  });
}
