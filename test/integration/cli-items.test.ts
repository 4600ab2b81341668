/**
 * `shelfwatch items show|history|changes` and `shelfwatch changes` as operators run them: a child process
 * against a real API server on DynamoDB Local + fauxqs. The item's snapshots and changes are
 * written through the real stores (items table, change store), hours apart on the test's clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeRecord, ItemState } from '../../shared/changes/index.ts';
import { type ItemSnapshot, snapshotOf } from '../../shared/results/index.ts';
import { slotOf } from '../../shared/schedule/index.ts';
import { type ApiStage, T0 } from '../helpers/api.ts';
import { type CliOutcome, jsonOf, useShelfwatchCli } from '../helpers/cli.ts';
import { HOUR_MS } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

const KETTLE = 'B0CLIKET01';
const KEY = `amazon:UK:${KETTLE}`;
/** The kettle's price each hour, oldest first (hours ago: 4, 3, 2, 1). */
const PRICES = [20, 18, 18, 25] as const;

/** A snapshot of `definitionId`'s run `hoursAgo`, saved and its changes recorded as a scraper does. */
async function observe(
  api: ApiStage,
  definitionId: string,
  hoursAgo: number,
  item: { id: string; price: number; availability?: string },
): Promise<void> {
  const atMs = T0 - hoursAgo * HOUR_MS;
  const slot = slotOf(atMs);
  const snapshot = snapshotOf(
    {
      runId: `${definitionId}@${slot}`,
      definitionId,
      slot,
      platform: 'amazon',
      marketplace: 'UK',
      crawlType: 'product_details',
      pageNumber: 1,
      capturedBy: 'test',
    },
    {
      position: 1,
      title: 'Kettle 1.7 l',
      currency: 'GBP',
      seller: 'Kettles Ltd',
      rating: 4.4,
      reviewCount: 310,
      ...item,
      availability: item.availability ?? 'in_stock',
    },
    atMs,
    90,
  );
  await api.deps.items.save([snapshot]);
  await api.deps.changes.record([snapshot], { nowMs: atMs });
}

describe('shelfwatch items and changes against a local API', () => {
  const local = useLocalInfrastructure();
  const cli = useShelfwatchCli(local, 'shelfwatch-cli-items-', async (stage) => {
    for (const [index, price] of PRICES.entries()) {
      await observe(stage, 'kettle-uk', PRICES.length - index, { id: KETTLE, price });
    }
    await observe(stage, 'toaster-uk', 2, { id: 'B0CLITOA01', price: 40 });
    await observe(stage, 'toaster-uk', 1, { id: 'B0CLITOA01', price: 35, availability: 'out_of_stock' });
    stage.now = T0;
  });
  const { shelfwatch } = cli;
  const json = jsonOf;

  /** Several invocations, three at a time: more at once outlast the timeout on a busy machine. */
  async function shelfwatchAll<const L extends readonly (readonly string[])[]>(
    argsList: L,
  ): Promise<{ -readonly [K in keyof L]: CliOutcome }> {
    const outcomes: CliOutcome[] = [];
    for (let start = 0; start < argsList.length; start += 3) {
      outcomes.push(...(await Promise.all(argsList.slice(start, start + 3).map((args) => shelfwatch(args)))));
    }
    return outcomes as { -readonly [K in keyof L]: CliOutcome };
  }

  it("shows an item's latest state as text and as JSON", async () => {
    const [text, asJson] = await shelfwatchAll([
      ['items', 'show', KEY],
      ['--json', 'items', 'show', `amazon#UK#${KETTLE}`],
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^item {10}amazon UK ${KETTLE}$`, 'm'));
    assert.match(text.stdout, /^price {9}25 GBP$/m);
    assert.match(text.stdout, /^availability {2}in_stock$/m);
    assert.match(text.stdout, /^seller {8}Kettles Ltd$/m);
    assert.match(text.stdout, /^seen on {7}kettle-uk \(product_details\), page 1, position 1$/m);
    const state = json<ItemState>(asJson);
    assert.deepEqual(
      [state.itemId, state.price, state.firstSeenAt, state.capturedAt],
      [KETTLE, 25, new Date(T0 - 4 * HOUR_MS).toISOString(), new Date(T0 - HOUR_MS).toISOString()],
    );
  });

  it('lists the history newest first, in pages of --limit, within --since/--until', async () => {
    const [all, page, window, table] = await shelfwatchAll([
      ['--json', 'items', 'history', KEY],
      ['--json', 'items', 'history', KEY, '--limit', '3'],
      [
        '--json',
        'items',
        'history',
        KEY,
        '--since',
        new Date(T0 - 3 * HOUR_MS).toISOString(),
        '--until',
        new Date(T0 - 2 * HOUR_MS).toISOString(),
      ],
      ['items', 'history', KEY, '--limit', '2'],
    ]);
    type History = { snapshots: ItemSnapshot[]; cursor?: string };
    const prices = (history: History) => history.snapshots.map((snapshot) => snapshot.item.price);
    const everything = json<History>(all);
    assert.deepEqual(prices(everything), [...PRICES].reverse());
    assert.equal(everything.cursor, undefined, 'all of it in one page');
    const first = json<History>(page);
    assert.deepEqual(prices(first), [25, 18, 18]);
    assert.ok(first.cursor, 'more follow: the JSON carries the cursor');
    assert.deepEqual(prices(json<History>(window)), [18, 18]);

    assert.equal(table.code, 0, table.stderr);
    const rows = table.stdout.split('\n').filter((line) => line.includes('kettle-uk@'));
    assert.equal(rows.length, 2);
    assert.match(rows[0] ?? '', /25 GBP\s+in_stock\s+4\.4\s+310\s+/);
    assert.match(table.stdout, /^more: add --cursor [A-Za-z0-9_-]+ for the next page$/m);
  });

  it('pages on with --cursor: the line it prints, or the JSON cursor, gives the next page', async () => {
    type History = { snapshots: ItemSnapshot[]; cursor?: string };
    type Changes = { changes: ChangeRecord[]; cursor?: string };
    // History: two pages of two through the printed line (text), the same through --json.
    const firstText = await shelfwatch(['items', 'history', KEY, '--limit', '2']);
    assert.equal(firstText.code, 0, firstText.stderr);
    const printed = /^more: add --cursor ([A-Za-z0-9_-]+) for the next page$/m.exec(firstText.stdout)?.[1];
    assert.ok(printed, firstText.stdout);
    const [secondText, secondJson] = await shelfwatchAll([
      ['items', 'history', KEY, '--limit', '2', '--cursor', printed],
      ['--json', 'items', 'history', KEY, '--limit', '2', '--cursor', printed],
    ]);
    assert.equal(secondText.code, 0, secondText.stderr);
    assert.equal(secondText.stdout.split('\n').filter((line) => line.includes('kettle-uk@')).length, 2);
    const second = json<History>(secondJson);
    assert.deepEqual(
      second.snapshots.map((snapshot) => snapshot.item.price),
      [PRICES[1], PRICES[0]],
      'the two oldest, after the two newest',
    );

    // Changes: every page through --json's cursor adds up to the whole listing, nothing twice.
    const whole = json<Changes>(await shelfwatch(['--json', 'changes', '--definition', 'kettle-uk']));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page: Changes = json<Changes>(
        await shelfwatch([
          '--json',
          'changes',
          '--definition',
          'kettle-uk',
          '--limit',
          '1',
          ...(cursor ? ['--cursor', cursor] : []),
        ]),
      );
      seen.push(...page.changes.map((change) => change.changeId));
      cursor = page.cursor;
      pages += 1;
    } while (cursor && pages < 10);
    assert.deepEqual(
      seen,
      whole.changes.map((change) => change.changeId),
    );
    // One item's changes: the printed cursor works for `items changes` too.
    const itemFirst = await shelfwatch(['items', 'changes', KEY, '--limit', '2']);
    const itemCursor = /--cursor ([A-Za-z0-9_-]+)/.exec(itemFirst.stdout)?.[1];
    assert.ok(itemCursor, itemFirst.stdout);
    const itemRest = json<Changes>(
      await shelfwatch(['--json', 'items', 'changes', KEY, '--limit', '2', '--cursor', itemCursor]),
    );
    assert.deepEqual(
      itemRest.changes.map((change) => change.kind),
      ['first_seen'],
    );
  });

  it('lists changes newest first, filtered by --definition, --kind and window', async () => {
    type Changes = { changes: ChangeRecord[]; cursor?: string };
    const [everyone, kettle, drops, early, table, paged] = await shelfwatchAll([
      ['--json', 'changes'],
      ['--json', 'changes', '--definition', 'kettle-uk'],
      ['--json', 'changes', '--kind', 'price_down'],
      ['--json', 'changes', '--until', new Date(T0 - 3 * HOUR_MS).toISOString()],
      ['changes', '--definition', 'toaster-uk'],
      ['--json', 'changes', '--limit', '2'],
    ]);
    const kinds = (answer: Changes) => answer.changes.map((change) => `${change.kind}:${change.itemId}`);
    const all = json<Changes>(everyone);
    assert.deepEqual(
      kinds(all).sort(),
      [
        `first_seen:B0CLITOA01`,
        `first_seen:${KETTLE}`,
        'out_of_stock:B0CLITOA01',
        'price_down:B0CLITOA01',
        `price_down:${KETTLE}`,
        `price_up:${KETTLE}`,
      ].sort(),
    );
    assert.ok(
      all.changes.every(
        (change, index) => index === 0 || (all.changes[index - 1]?.detectedAt ?? '') >= change.detectedAt,
      ),
      'newest first',
    );
    assert.deepEqual(kinds(json<Changes>(kettle)), [
      `price_up:${KETTLE}`,
      `price_down:${KETTLE}`,
      `first_seen:${KETTLE}`,
    ]);
    const priceDrops = json<Changes>(drops).changes;
    assert.deepEqual(
      priceDrops.map((change) => [change.itemId, change.from, change.to, change.percent]).sort(),
      [
        [KETTLE, 20, 18, -10],
        ['B0CLITOA01', 40, 35, -12.5],
      ],
    );
    assert.deepEqual(kinds(json<Changes>(early)), [`price_down:${KETTLE}`, `first_seen:${KETTLE}`]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /out_of_stock\s+amazon:UK:B0CLITOA01\s+→ out_of_stock\s+toaster-uk/);
    assert.match(table.stdout, /price_down\s+amazon:UK:B0CLITOA01\s+40 → 35 \(-12\.5%\)\s+toaster-uk/);
    const firstPage = json<Changes>(paged);
    assert.equal(firstPage.changes.length, 2);
    assert.ok(firstPage.cursor);
  });

  it("lists one item's changes newest first, filtered by --kind and window, as a table and as JSON", async () => {
    type Changes = { changes: ChangeRecord[]; cursor?: string };
    const [all, drops, early, table, paged] = await shelfwatchAll([
      ['--json', 'items', 'changes', KEY],
      ['--json', 'items', 'changes', `amazon#UK#${KETTLE}`, '--kind', 'price_down'],
      ['--json', 'items', 'changes', KEY, '--until', new Date(T0 - 3 * HOUR_MS).toISOString()],
      ['items', 'changes', 'amazon:UK:B0CLITOA01'],
      ['--json', 'items', 'changes', KEY, '--limit', '2'],
    ]);
    const kinds = (answer: Changes) => answer.changes.map((change) => change.kind);
    const everything = json<Changes>(all);
    assert.deepEqual(
      kinds(everything),
      ['price_up', 'price_down', 'first_seen'],
      'the kettle only, newest first',
    );
    assert.ok(everything.changes.every((change) => change.itemId === KETTLE));
    assert.equal(everything.cursor, undefined);
    assert.deepEqual(
      json<Changes>(drops).changes.map((change) => [change.from, change.to, change.percent]),
      [[20, 18, -10]],
    );
    assert.deepEqual(kinds(json<Changes>(early)), ['price_down', 'first_seen']);
    assert.equal(table.code, 0, table.stderr);
    const rows = table.stdout.split('\n').filter((line) => line.includes('toaster-uk'));
    assert.equal(rows.length, 3, table.stdout);
    // The two changes of the newest snapshot first (in either order), then its first sighting.
    const newest = rows.slice(0, 2).join('\n');
    assert.match(newest, /out_of_stock\s+→ out_of_stock\s+toaster-uk\s+/);
    assert.match(newest, /price_down\s+40 → 35 \(-12\.5%\)\s+toaster-uk/);
    assert.match(rows[2] ?? '', /first_seen\s+.*toaster-uk/);
    const firstPage = json<Changes>(paged);
    assert.deepEqual(kinds(firstPage), ['price_up', 'price_down']);
    assert.ok(firstPage.cursor, 'more follow: the JSON carries the cursor');
  });

  it('exits 2 naming the flag or field on bad input, 4 for an unknown item, and changes nothing', async () => {
    const before = await cli.api().dump();
    const cases: [string[], number, RegExp][] = [
      [['items', 'show', 'not-a-key'], 2, /key/],
      [['items', 'history', KEY, '--limit', '0'], 2, /--limit/],
      [['items', 'history', KEY, '--since', 'yesterday'], 2, /since/],
      [['changes', '--kind', 'price_sideways'], 2, /kind/],
      [['changes', '--limit', 'many'], 2, /--limit/],
      [
        ['changes', '--since', new Date(T0).toISOString(), '--until', new Date(T0 - HOUR_MS).toISOString()],
        2,
        /since/,
      ],
      [['changes', '--definition', ''], 2, /definitionId/],
      [['changes', '--colour', 'red'], 2, /unknown option '--colour'/],
      [['items', 'history', KEY, '--cursor', 'not a cursor'], 2, /--cursor/],
      [['changes', '--cursor', 'x'.repeat(3000)], 2, /--cursor/],
      [['items', 'changes', KEY, '--cursor', 'abc%2F'], 2, /--cursor/],
      // Well-formed but not one this listing handed out: the API's 400, reported against the flag.
      [['changes', '--cursor', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'], 2, /^ {2}--cursor: /m],
      [['items', 'history', KEY, '--cursor', 'eyJpdGVtS2V5IjoieCJ9'], 2, /^ {2}--cursor: /m],
      [['items', 'show', 'amazon:UK:B0NOTHERE1'], 4, /B0NOTHERE1/],
      [['items', 'history', 'amazon:UK:B0NOTHERE1'], 4, /B0NOTHERE1/],
      [['items', 'changes', 'not-a-key'], 2, /key/],
      [['items', 'changes', KEY, '--kind', 'price_sideways'], 2, /kind/],
      [['items', 'changes', KEY, '--limit', '1001'], 2, /--limit/],
      [['items', 'changes', KEY, '--until', 'tomorrow'], 2, /until/],
      [['items', 'changes', 'amazon:UK:B0NOTHERE1'], 4, /B0NOTHERE1/],
    ];
    const outcomes = await shelfwatchAll(cases.map(([args]) => args));
    outcomes.forEach((outcome, index) => {
      const [args, code, names] = cases[index] ?? assert.fail();
      assert.equal(outcome.code, code, `${args.join(' ')}: ${outcome.stderr}`);
      assert.match(outcome.stderr, names, args.join(' '));
    });
    assert.equal(await cli.api().dump(), before, 'nothing changed');
  });
});
