/** `shelfwatch items show|history|changes`, `shelfwatch changes` */
import type { Command } from 'commander';
import type { ChangeRecord, ItemState } from '../../shared/changes/index.ts';
import type { ItemSnapshot } from '../../shared/results/index.ts';
import { segment } from '../api-client.ts';
import { contextOf, nextPageLine, PAGE_LIMIT, pageOptions, withCursorFlag } from '../context.ts';
import type { Output } from '../output.ts';

const KEY_HELP = '<platform>:<marketplace>:<item id>, e.g. amazon:US:B0CHX1W1XY';

function printState(output: Output, state: ItemState): void {
  const rows: [string, string | number | boolean | undefined][] = [
    ['item', `${state.platform} ${state.marketplace} ${state.itemId}`],
    ['title', state.title],
    ['price', state.price === undefined ? undefined : `${state.price} ${state.currency ?? ''}`.trim()],
    ['list price', state.listPrice],
    ['availability', state.availability],
    ['in stock', state.inStock],
    ['rating', state.rating],
    ['reviews', state.reviewCount],
    ['seller', state.seller],
    [
      'seen on',
      `${state.seenOn.definitionId} (${state.seenOn.crawlType}), page ${state.seenOn.pageNumber}, position ${state.seenOn.position}${state.seenOn.rank === undefined ? '' : `, rank ${state.seenOn.rank}`}`,
    ],
    ['last seen', state.capturedAt],
    ['first seen', state.firstSeenAt],
  ];
  for (const [name, value] of rows)
    output.line(`${name.padEnd(14)}${value === undefined ? '-' : String(value)}`);
}

const CHANGE_KINDS_HELP =
  'first_seen, price_up, price_down, back_in_stock, out_of_stock, rating_moved, review_count_moved, rank_moved, entered_listing, left_listing';

const moveOf = (change: ChangeRecord): string => {
  if (change.from !== undefined || change.to !== undefined) {
    const percent =
      change.percent === undefined ? '' : ` (${change.percent > 0 ? '+' : ''}${change.percent}%)`;
    // A stock change knows only where it went (`to`): no "?" for a `from` it never had.
    const from = change.from === undefined ? '' : `${change.from} `;
    return `${from}→ ${change.to ?? '?'}${percent}`;
  }
  return change.rank === undefined ? '' : `rank ${change.rank}`;
};

export function addItemCommands(program: Command): void {
  const items = program.command('items').description('Items: latest state, history, changes');
  items
    .command('show')
    .description("An item's latest state: price, stock, rating, reviews, where it was seen last")
    .argument('<key>', KEY_HELP)
    .action(async (key: string, _options: unknown, command: Command) => {
      const { output, client } = contextOf(command);
      const state = await client().get<ItemState>(`/items/${segment(key)}`);
      output.result(state, () => printState(output, state));
    });
  pageOptions(
    items
      .command('history')
      .description("An item's snapshots, newest first")
      .argument('<key>', KEY_HELP)
      .option('--since <time>', 'ISO time: snapshots of slots at or after')
      .option('--until <time>', 'ISO time: at or before'),
  ).action(
    async (
      key: string,
      options: { since?: string; until?: string; limit?: number; cursor?: string },
      command: Command,
    ) => {
      const { output, client } = contextOf(command);
      const page = await withCursorFlag(
        client().get<{ snapshots: ItemSnapshot[]; cursor?: string }>(`/items/${segment(key)}/history`, {
          since: options.since,
          until: options.until,
          limit: options.limit ?? PAGE_LIMIT,
          cursor: options.cursor,
        }),
      );
      output.result(page, () => {
        output.table(
          ['captured', 'price', 'availability', 'rating', 'reviews', 'rank', 'run'],
          page.snapshots.map((s) => [
            s.capturedAt,
            s.item.price === undefined ? undefined : `${s.item.price} ${s.item.currency ?? ''}`.trim(),
            s.item.availability,
            s.item.rating,
            s.item.reviewCount,
            s.listingRank ?? s.item.rank,
            s.runId,
          ]),
          'No snapshots in this window.',
        );
        if (page.cursor) output.line(nextPageLine(page.cursor));
      });
    },
  );
  pageOptions(
    items
      .command('changes')
      .description("An item's changes, newest first (default: every change kept)")
      .argument('<key>', KEY_HELP)
      .option('--kind <kind>', CHANGE_KINDS_HELP)
      .option('--since <time>', 'ISO time: changes of snapshots of slots at or after')
      .option('--until <time>', 'ISO time: at or before'),
  ).action(
    async (
      key: string,
      options: { kind?: string; since?: string; until?: string; limit?: number; cursor?: string },
      command: Command,
    ) => {
      const { output, client } = contextOf(command);
      const page = await withCursorFlag(
        client().get<{ changes: ChangeRecord[]; cursor?: string }>(`/items/${segment(key)}/changes`, {
          kind: options.kind,
          since: options.since,
          until: options.until,
          limit: options.limit ?? PAGE_LIMIT,
          cursor: options.cursor,
        }),
      );
      output.result(page, () => {
        output.table(
          ['detected', 'kind', 'move', 'definition', 'slot'],
          page.changes.map((c) => [c.detectedAt, c.kind, moveOf(c), c.definitionId, c.slot]),
          'No changes in this window.',
        );
        if (page.cursor) output.line(nextPageLine(page.cursor));
      });
    },
  );

  pageOptions(
    program
      .command('changes')
      .description(
        "Changes, newest first: of one --definition (any window), or everyone's (within 31 days; default the last 24 hours)",
      )
      .option('--definition <id>', "one definition's changes")
      .option('--kind <kind>', CHANGE_KINDS_HELP)
      .option('--since <time>', 'ISO time: detected at or after')
      .option('--until <time>', 'ISO time: at or before (default now)'),
  ).action(
    async (
      options: {
        definition?: string;
        kind?: string;
        since?: string;
        until?: string;
        limit?: number;
        cursor?: string;
      },
      command: Command,
    ) => {
      const { output, client } = contextOf(command);
      const page = await withCursorFlag(
        client().get<{ changes: ChangeRecord[]; cursor?: string }>('/changes', {
          definitionId: options.definition,
          kind: options.kind,
          since: options.since,
          until: options.until,
          limit: options.limit ?? PAGE_LIMIT,
          cursor: options.cursor,
        }),
      );
      output.result(page, () => {
        output.table(
          ['detected', 'kind', 'item', 'move', 'definition'],
          page.changes.map((c) => [
            c.detectedAt,
            c.kind,
            `${c.platform}:${c.marketplace}:${c.itemId}`,
            moveOf(c),
            c.definitionId,
          ]),
          'No changes match.',
        );
        if (page.cursor) output.line(nextPageLine(page.cursor));
      });
    },
  );
}
