/**
 * A run to scrape, created in the runs table the way the expander would (without its message),
 * and the queue message a consumer would receive for it.
 */
import type { Run, RunStore } from '../../shared/runs/index.ts';
import type { NewRun } from '../../shared/runs/run.ts';
import { parseRunMessage, type RunMessage, runMessageOf } from '../../shared/queues/index.ts';

export const SCRAPE_SLOT = '2026-11-23T19:00Z';

export async function createRun(
  runs: RunStore,
  definition: Partial<NewRun['definition']> & Pick<NewRun['definition'], 'id' | 'crawlType' | 'target'>,
): Promise<Run> {
  const run = runs.newRun(
    {
      definition: {
        platform: 'amazon',
        marketplace: 'US',
        params: { maxPages: 1, maxItems: 100 },
        priority: 'normal',
        maxAttempts: 3,
        ...definition,
      },
      slot: SCRAPE_SLOT,
    },
    Date.now(),
  );
  await runs.create(run);
  return run;
}

/** The run's queue message, as its consumer parses it. */
export const messageOf = (run: Run): RunMessage => parseRunMessage(runMessageOf(run).body);
