/**
 * `shelfwatch rules …` as operators run it: a child process against a real API server on
 * DynamoDB Local + fauxqs.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { snapshotOf } from '../../shared/results/index.ts';
import type { Rule } from '../../shared/rules/index.ts';
import { slotOf } from '../../shared/schedule/index.ts';
import { type ApiStage, T0 } from '../helpers/api.ts';
import { jsonOf, useShelfwatchCli } from '../helpers/cli.ts';
import { HOUR_MS } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

describe('shelfwatch rules against a local API', () => {
  const local = useLocalInfrastructure();
  const cli = useShelfwatchCli(local, 'shelfwatch-cli-rules-');
  const { shelfwatch } = cli;
  const json = jsonOf;
  let api: ApiStage;
  before(() => {
    api = cli.api();
  });

  it('adds rules from their text forms, lists them and removes one', async () => {
    const added = await Promise.all([
      shelfwatch([
        '--json',
        'rules',
        'add',
        '--id',
        'kettle-cheap',
        '--name',
        'kettle under 20',
        '--scope',
        'item:amazon#UK#B0ABC12345',
        '--when',
        'price-below 20 GBP',
        '--sns',
        '--webhook',
        'ops-slack',
        'ops-feishu',
      ]),
      shelfwatch([
        '--json',
        'rules',
        'add',
        '--id',
        'slide',
        '--name',
        'slide',
        '--scope',
        'definition:kettles-uk',
        '--when',
        'price-drop 15% from-lowest 30d',
        '--cool-down',
        '120',
      ]),
      shelfwatch([
        '--json',
        'rules',
        'add',
        '--id',
        'top10',
        '--name',
        'top 10',
        '--scope',
        'all',
        '--when',
        'entered-top 10',
        '--disabled',
      ]),
    ]);
    const [cheap, slide, top] = added.map((outcome) => json<Rule>(outcome));
    assert.deepEqual(cheap?.condition, { kind: 'price_below', amount: 20, currency: 'GBP' });
    assert.deepEqual(cheap?.delivery, { sns: true, webhooks: ['ops-slack', 'ops-feishu'] });
    assert.deepEqual(slide?.condition, { kind: 'price_drop_from_lowest', percent: 15, days: 30 });
    assert.equal(slide?.coolDownMinutes, 120);
    assert.equal(top?.enabled, false);

    const table = await shelfwatch(['rules', 'list']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(
      table.stdout,
      /kettle-cheap\s+kettle under 20\s+true\s+item:amazon#UK#B0ABC12345\s+price_below amount=20 currency=GBP/,
    );
    assert.match(table.stdout, /slide .*120 min/);

    assert.equal((await shelfwatch(['rules', 'rm', 'top10'])).code, 0);
    const listed = json<{ rules: Rule[] }>(await shelfwatch(['--json', 'rules', 'list']));
    assert.deepEqual(listed.rules.map((rule) => rule.ruleId).sort(), ['kettle-cheap', 'slide']);
  });

  it('exits 2 naming the flag or field on a bad rule, 4 for a rule that does not exist, and writes nothing', async () => {
    const before = await api.dump();
    const [badWhen, badScope, badCurrency, missing, badItem] = await Promise.all([
      shelfwatch(['rules', 'add', '--name', 'x', '--scope', 'all', '--when', 'price-below twenty EUR']),
      shelfwatch(['rules', 'add', '--name', 'x', '--scope', 'everything', '--when', 'back-in-stock']),
      shelfwatch(['rules', 'add', '--name', 'x', '--scope', 'all', '--when', 'price-below 20 eur']),
      shelfwatch(['rules', 'rm', 'no-such-rule']),
      shelfwatch(['rules', 'test', 'kettle-cheap', '--item', 'B0ABC12345']),
    ]);
    assert.equal(badWhen.code, 2);
    assert.match(badWhen.stderr, /--when/);
    assert.equal(badScope.code, 2);
    assert.match(badScope.stderr, /--scope/);
    assert.equal(badCurrency.code, 2);
    assert.match(badCurrency.stderr, /condition\.currency/);
    assert.equal(missing.code, 4);
    assert.equal(badItem.code, 2);
    assert.match(badItem.stderr, /itemKey/);
    assert.equal(await api.dump(), before);
  });

  it('test-fires a rule against an item and says what would fire and why', async () => {
    await api.deps.rules.create(
      {
        id: 'restock',
        name: 'restock',
        scope: { kind: 'all' },
        condition: { kind: 'back_in_stock' },
      },
      api.now,
    );
    for (const [hoursAgo, availability] of [
      [3, 'out_of_stock'],
      [2, 'in_stock'],
    ] as const) {
      const slot = slotOf(T0 - hoursAgo * HOUR_MS);
      await api.deps.changes.record(
        [
          snapshotOf(
            {
              runId: `k@${slot}`,
              definitionId: 'k',
              slot,
              platform: 'amazon',
              marketplace: 'UK',
              crawlType: 'product_details',
              pageNumber: 1,
              capturedBy: 'test',
            },
            { id: 'B0RESTOCK1', position: 1, availability },
            T0 - hoursAgo * HOUR_MS,
            90,
          ),
        ],
        { nowMs: api.now },
      );
    }
    const outcome = await shelfwatch(['rules', 'test', 'restock', '--item', 'amazon#UK#B0RESTOCK1']);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /back_in_stock\s+fire\s+back_in_stock holds/);
    assert.match(outcome.stdout, /Would fire 1 time\(s\); condition now: true; in scope: true\./);
  });
});
