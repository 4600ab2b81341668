/** `shelfwatch definitions add|import|list|show|enable|disable|rm|run-now` */
import type { Command } from 'commander';
import type { Definition } from '../../shared/definitions/index.ts';
import { segment } from '../api-client.ts';
import { contextOf, wholeNumber } from '../context.ts';
import { usageError } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { addImportCommand } from './definitions-import.ts';
// The file, not the index: the schedule index loads zod, which only `add` and `import` need.
import { SCHEDULE_TEXT_HELP, scheduleText } from '../../shared/schedule/schedule-text.ts';

interface AddOptions {
  readonly id: string;
  readonly platform: string;
  readonly marketplace: string;
  readonly crawlType: string;
  readonly target: string;
  readonly schedule: string;
  readonly priority?: string;
  readonly maxAttempts?: string;
  readonly maxPages?: string;
  readonly maxItems?: string;
  readonly disabled?: boolean;
  readonly fetchMode?: string;
}

function printDefinitions(output: Output, definitions: readonly Definition[]): void {
  output.table(
    ['id', 'platform', 'market', 'crawl type', 'schedule', 'priority', 'enabled', 'target'],
    definitions.map((d) => [
      d.id,
      d.platform,
      d.marketplace,
      d.crawlType,
      scheduleText(d.schedule),
      d.priority,
      d.enabled ? 'yes' : 'no',
      d.target,
    ]),
    'No definitions.',
  );
}

export function printDefinition(output: Output, d: Definition): void {
  const rows: [string, string | number | undefined][] = [
    ['id', d.id],
    ['platform', `${d.platform} ${d.marketplace}`],
    ['crawl type', d.crawlType],
    ['target', d.target],
    ['schedule', scheduleText(d.schedule)],
    ['priority', d.priority],
    ['max attempts', d.maxAttempts],
    ['params', `maxPages ${d.params.maxPages}, maxItems ${d.params.maxItems}`],
    ['enabled', d.enabled ? 'yes' : 'no'],
    ['fetch mode', d.fetchMode ?? "the extractor's"],
    ['version', d.version],
    ['updated', d.updatedAt],
    ['last succeeded', d.lastSucceededAt ?? '-'],
  ];
  for (const [name, value] of rows) output.line(`${name.padEnd(15)}${String(value)}`);
}

export function addDefinitionCommands(program: Command): void {
  const group = program
    .command('definitions')
    .alias('defs')
    .description('The watch list: create, import, list, show, enable/disable, delete, run now');

  group
    .command('add')
    .description('Create one definition from flags')
    .requiredOption('--id <id>', 'definition id (letters, digits, . _ -)')
    .requiredOption('--platform <platform>', 'amazon, ozon, 1688')
    .requiredOption('--marketplace <code>', 'e.g. DE, UK, RU, CN')
    .requiredOption('--crawl-type <type>', 'product_details, category, search_result, bestsellers')
    .requiredOption('--target <target>', 'URL, ASIN, keyword or category id')
    .requiredOption('--schedule <text>', '"every 6h from 8 Europe/Berlin" or "once 2026-12-01T08:00:00Z"')
    .option('--priority <priority>', 'high, normal (default), low')
    .option('--max-attempts <n>', 'attempts per run (default 3)')
    .option('--max-pages <n>', 'pages per run (default 1)')
    .option('--max-items <n>', 'items per run (default 100)')
    .option('--disabled', 'create it disabled')
    .option('--fetch-mode <mode>', "http, browser or auto (default: the extractor's own)")
    .action(async (options: AddOptions, command: Command) => {
      const { output, client } = contextOf(command);
      const cells: Record<string, string> = {
        id: options.id,
        platform: options.platform,
        marketplace: options.marketplace,
        crawlType: options.crawlType,
        target: options.target,
        schedule: options.schedule,
        ...(options.priority ? { priority: options.priority } : {}),
        ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        ...(options.maxPages ? { maxPages: options.maxPages } : {}),
        ...(options.maxItems ? { maxItems: options.maxItems } : {}),
        ...(options.disabled ? { enabled: 'false' } : {}),
        ...(options.fetchMode ? { fetchMode: options.fetchMode } : {}),
      };
      // The file, not the index: the definitions index loads the DynamoDB SDK, which `add` does not use.
      const { definitionFromCells } = await import('../../shared/definitions/watch-list.ts');
      const { definition, issues } = definitionFromCells(cells);
      if (!definition) throw usageError('the definition is not valid; nothing was written', issues);
      const answer = await client().post<{ definitions: Definition[] }>('/definitions', {
        definitions: [definition],
      });
      output.result(answer.definitions[0], () => output.line(`Created ${options.id}.`));
    })
    .addHelpText('after', `\nSchedule: ${SCHEDULE_TEXT_HELP}.`);

  addImportCommand(group);

  group
    .command('list')
    .description('List definitions (all pages unless --limit)')
    .option('--platform <platform>', 'only this platform')
    .option('--crawl-type <type>', 'only this crawl type')
    .option('--enabled', 'only enabled ones')
    .option('--disabled', 'only disabled ones')
    .option('--limit <n>', 'at most this many', wholeNumber('--limit', 1, 1000))
    .action(
      async (
        options: {
          platform?: string;
          crawlType?: string;
          enabled?: boolean;
          disabled?: boolean;
          limit?: number;
        },
        command: Command,
      ) => {
        const { output, client } = contextOf(command);
        if (options.enabled && options.disabled) throw usageError('give --enabled or --disabled, not both');
        const api = client();
        const definitions: Definition[] = [];
        let cursor: string | undefined;
        do {
          const page = await api.get<{ definitions: Definition[]; cursor?: string }>('/definitions', {
            platform: options.platform,
            crawlType: options.crawlType,
            enabled: options.enabled ? true : options.disabled ? false : undefined,
            limit: options.limit ?? 1000,
            cursor,
          });
          definitions.push(...page.definitions);
          cursor = options.limit ? undefined : page.cursor;
        } while (cursor);
        output.result({ definitions }, () => printDefinitions(output, definitions));
      },
    );

  group
    .command('show')
    .description('Show one definition')
    .argument('<id>', 'definition id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { output, client } = contextOf(command);
      const definition = await client().get<Definition>(`/definitions/${segment(id)}`);
      output.result(definition, () => printDefinition(output, definition));
    });

  for (const verb of ['enable', 'disable'] as const) {
    group
      .command(verb)
      .description(`${verb === 'enable' ? 'Enable' : 'Disable'} a definition`)
      .argument('<id>', 'definition id')
      .action(async (id: string, _options: unknown, command: Command) => {
        const { output, client } = contextOf(command);
        const definition = await client().post<Definition>(`/definitions/${segment(id)}/${verb}`);
        output.result(definition, () =>
          output.line(`${id} is ${definition.enabled ? 'enabled' : 'disabled'}.`),
        );
      });
  }

  group
    .command('rm')
    .description('Delete a definition (its runs stay)')
    .argument('<id>', 'definition id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { output, client } = contextOf(command);
      const answer = await client().delete<{ deleted: string }>(`/definitions/${segment(id)}`);
      output.result(answer, () => output.line(`Deleted ${id}.`));
    });

  group
    .command('run-now')
    .description('Queue a manual run of a definition now')
    .argument('<id>', 'definition id')
    .option('--request-id <id>', 'idempotency key: the same key gives the same run (8-64 letters, digits, -)')
    .action(async (id: string, options: { requestId?: string }, command: Command) => {
      const { output, client } = contextOf(command);
      const run = await client().post<{ runId: string; status: string; priority: string }>(
        `/definitions/${segment(id)}/run`,
        options.requestId ? { requestId: options.requestId } : {},
      );
      output.result(run, () => output.line(`Queued ${run.runId} (${run.status}, ${run.priority} priority).`));
    });
}
