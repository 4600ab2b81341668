/** `shelfwatch runs list|show|cancel|retry` */
import type { Command } from 'commander';
import type { Run } from '../../shared/runs/index.ts';
import { segment } from '../api-client.ts';
import { contextOf, nextPageLine, pageOptions, wholeNumber, withCursorFlag } from '../context.ts';
import { usageError } from '../exit-codes.ts';
import type { Output } from '../output.ts';

interface ListOptions {
  readonly status?: string;
  readonly crawlType?: string;
  readonly definition?: string;
  readonly from?: string;
  readonly to?: string;
  readonly order?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** The page size of `runs list` without `--limit` (50, as before it took `--cursor`). */
const RUNS_PAGE_LIMIT = 50;

function printRun(output: Output, run: Run): void {
  const checkpoint = run.checkpoint;
  const rows: [string, string][] = [
    ['run', run.runId],
    ['status', `${run.status} since ${run.statusChangedAt}`],
    ['definition', run.definitionId],
    ['what', `${run.platform} ${run.marketplace} ${run.crawlType}: ${run.target}`],
    ['priority', run.priority],
    ['attempts', `${run.attempts} of ${run.maxAttempts} (blocked ${run.blockedAttempts})`],
    [
      'lease',
      run.lease
        ? `${run.lease.owner}, fencing ${run.lease.fencingToken}, until ${new Date(run.lease.expiresAtMs).toISOString()}`
        : '-',
    ],
    [
      'checkpoint',
      checkpoint
        ? `page ${checkpoint.page} done, ${checkpoint.itemsSoFar} items so far${checkpoint.lastItemId ? `, last ${checkpoint.lastItemId}` : ''}${checkpoint.nextUrl ? `, next ${checkpoint.nextUrl}` : ''}`
        : '-',
    ],
    [
      'counts',
      `scraped ${run.counts.scraped}, saved ${run.counts.saved}, skipped ${run.counts.skipped}, invalid ${run.counts.invalid}`,
    ],
    ['fetch', fetchText(run)],
    [
      'escalation',
      run.escalation
        ? `${run.escalation.reason} on page ${run.escalation.page}, at ${run.escalation.at} (HTTP → browser)`
        : '-',
    ],
    [
      'last failure',
      run.lastFailure
        ? `${run.lastFailure.failureClass} ${run.lastFailure.reason}: ${run.lastFailure.message}`
        : '-',
    ],
    ['next attempt', run.nextAttemptAt ?? '-'],
    ['created', run.createdAt],
    ['finished', run.finishedAt ?? '-'],
  ];
  for (const [name, value] of rows) output.line(`${name.padEnd(14)}${value}`);
}

/** The run's fetch mode and the pages each mode read (totals its checkpoint carries). */
function fetchText(run: Run): string {
  const state = run.checkpoint?.state ?? {};
  const count = (key: string): number => (typeof state[key] === 'number' ? state[key] : 0);
  const mode = run.fetchMode ? `${run.fetchMode} (definition)` : "the extractor's mode";
  return `${mode}; pages over HTTP ${count('pagesHttp')}, in the browser ${count('pagesBrowser')}, escalations ${count('escalations')}`;
}

export function printRuns(output: Output, runs: readonly Run[], empty = 'No runs match.'): void {
  output.table(
    ['run', 'status', 'crawl type', 'attempts', 'saved', 'status changed'],
    runs.map((run) => [
      run.runId,
      run.status,
      run.crawlType,
      `${run.attempts}/${run.maxAttempts}`,
      run.counts.saved,
      run.statusChangedAt,
    ]),
    empty,
  );
}

export function addRunCommands(program: Command): void {
  const group = program.command('runs').description('Runs: list with filters, show, cancel, retry');

  pageOptions(
    group
      .command('list')
      .description('List runs: give --status, --crawl-type or --definition (each selects an index)')
      .option(
        '--status <status>',
        'PENDING, QUEUED, RUNNING, RETRY_WAIT, SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED',
      )
      .option('--crawl-type <type>', 'e.g. category')
      .option('--definition <id>', 'runs of one definition')
      .option('--from <time>', 'ISO time: status change / creation / slot at or after')
      .option('--to <time>', 'ISO time: at or before')
      .option('--order <order>', 'desc (newest first, default) or asc'),
    RUNS_PAGE_LIMIT,
  ).action(async (options: ListOptions, command: Command) => {
    const { output, client } = contextOf(command);
    if (!options.status && !options.crawlType && !options.definition) {
      throw usageError('give --status, --crawl-type or --definition (each selects an index of runs)');
    }
    const page = await withCursorFlag(
      client().get<{ runs: Run[]; cursor?: string }>('/runs', {
        status: options.status,
        crawlType: options.crawlType,
        definitionId: options.definition,
        from: options.from,
        to: options.to,
        order: options.order,
        limit: options.limit ?? RUNS_PAGE_LIMIT,
        cursor: options.cursor,
      }),
    );
    output.result(page, () => {
      // The second filter applies within each page: a page may hold none while more follow.
      printRuns(output, page.runs, page.cursor ? 'No runs match on this page.' : 'No runs match.');
      if (page.cursor) output.line(nextPageLine(page.cursor));
    });
  });

  group
    .command('show')
    .description('Show a run: status, attempts, lease, checkpoint and counts')
    .argument('<runId>', 'e.g. kettles-uk@2026-11-23T19:00Z')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const { output, client } = contextOf(command);
      const run = await client().get<Run>(`/runs/${segment(runId)}`);
      output.result(run, () => printRun(output, run));
    });

  group
    .command('cancel')
    .description('Cancel a run that has not finished (its holder loses the lease)')
    .argument('<runId>', 'run id')
    .action(async (runId: string, _options: unknown, command: Command) => {
      const { output, client } = contextOf(command);
      const run = await client().post<Run>(`/runs/${segment(runId)}/cancel`);
      output.result(run, () => output.line(`${run.runId} is ${run.status}.`));
    });

  group
    .command('retry')
    .description(
      'Retry FAILED, CANCELLED or DEAD_LETTERED runs: by id, or every run of a --status (with optional filters)',
    )
    .argument('[runIds...]', 'run ids')
    .option('--status <status>', 'retry every run in this status: FAILED, CANCELLED or DEAD_LETTERED')
    .option('--crawl-type <type>', 'with --status: only this crawl type')
    .option('--definition <id>', 'with --status: only this definition')
    .option('--from <time>', 'with --status: reached that status at or after')
    .option('--to <time>', 'with --status: at or before')
    .option('--limit <n>', 'with --status: at most this many (default 100)', wholeNumber('--limit', 1, 1000))
    .action(async (runIds: string[], options: ListOptions, command: Command) => {
      const { output, client } = contextOf(command);
      if (runIds.length > 0 === Boolean(options.status)) {
        throw usageError('give run ids, or --status to retry every run in that status (not both)');
      }
      const api = client();
      if (runIds.length > 0) {
        const runs: Run[] = [];
        for (const runId of runIds) runs.push(await api.post<Run>(`/runs/${segment(runId)}/retry`));
        output.result({ retried: runs.map((run) => run.runId), runs }, () => {
          for (const run of runs) output.line(`${run.runId} is ${run.status} again.`);
        });
        return;
      }
      const answer = await api.post<{ retried: string[]; skipped: number; more: boolean }>(
        '/runs/retry-failed',
        {
          status: options.status,
          ...(options.crawlType ? { crawlType: options.crawlType } : {}),
          ...(options.definition ? { definitionId: options.definition } : {}),
          ...(options.from ? { from: options.from } : {}),
          ...(options.to ? { to: options.to } : {}),
          ...(options.limit ? { limit: options.limit } : {}),
        },
      );
      output.result(answer, () => {
        output.line(
          `Retried ${answer.retried.length} runs${answer.skipped ? `, ${answer.skipped} changed meanwhile` : ''}.`,
        );
        for (const runId of answer.retried) output.line(`  ${runId}`);
        if (answer.more) output.line('More match: run it again.');
      });
    });
}
