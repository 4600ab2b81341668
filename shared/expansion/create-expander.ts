import { type AwsClients, requireTable, type ResourceEnvironment } from '../aws/index.ts';
import type { DefinitionStore } from '../definitions/index.ts';
import type { RunQueue } from '../queues/index.ts';
import type { RunStore } from '../runs/index.ts';
import { Expander, type ExpanderOptions } from './expander.ts';
import { catchUpHoursSetting } from './settings.ts';
import { Watermark } from './watermark.ts';

/** The stores the expander works with (the composition root passes its `createStores(...)`). */
export interface ExpanderStores {
  readonly definitions: DefinitionStore;
  readonly runs: RunStore;
  readonly queue: RunQueue;
}

/**
 * The expander wired to the stores and resources of a function's environment (Lambda or local).
 * The expander function passes its `readExpansionSettings()` as overrides; others (the API's run
 * now) never catch up, so the setting's default serves them.
 */
export function createExpander(
  stores: ExpanderStores,
  resources: ResourceEnvironment,
  clients: Pick<AwsClients, 'documents'>,
  overrides: Partial<Pick<ExpanderOptions, 'catchUpHours' | 'roundSize' | 'sendConcurrency'>> = {},
): Expander {
  return new Expander({
    definitions: stores.definitions,
    runs: stores.runs,
    batches: { documents: clients.documents, tableName: requireTable(resources, 'runs') },
    watermark: new Watermark(clients.documents, requireTable(resources, 'control')),
    queue: stores.queue,
    catchUpHours: catchUpHoursSetting.parse(undefined),
    ...overrides,
  });
}
