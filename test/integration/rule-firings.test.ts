import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Change } from '../../shared/changes/index.ts';
import {
  evaluateRules,
  type Firing,
  type NewRule,
  RuleStore,
  type RuleStores,
} from '../../shared/rules/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { countRequests } from '../helpers/request-counter.ts';
import { familyIds, ruleTestStoresOf, runAt, type RuleTestStores } from '../helpers/rule-stores.ts';

/** Ids unique to one test: items never seen, rules and definitions nobody else uses. */
const newFamily = familyIds('R');

describe('rule firings on DynamoDB Local', () => {
  const local = useLocalInfrastructure();
  let changes: RuleTestStores['changes'];
  let items: RuleTestStores['items'];
  let rules: RuleStore;
  let stores: RuleStores;
  let save: RuleTestStores['save'];
  before(() => {
    ({ changes, items, rules, save } = ruleTestStoresOf(local()));
    stores = { rules, states: changes, items };
  });

  const evaluate = (batch: readonly Change[]) => evaluateRules(batch, stores, { nowMs: Date.now() });
  const create = (rule: NewRule) => rules.create(rule, Date.now());

  it('records a firing once when the same changes are evaluated again, and once when two evaluators race', async () => {
    const f = newFamily();
    const rule = await create({
      name: 'under 10',
      scope: { kind: 'definition', definitionId: f },
      condition: { kind: 'price_below', amount: 10, currency: 'USD' },
    });
    const ids = [`${f}a`, `${f}b`, `${f}c`];
    const first = await save(
      f,
      3,
      ids.map((id) => ({ id, price: 12, currency: 'USD' })),
    );
    assert.deepEqual(await evaluate(first), []);
    const drop = await save(
      f,
      2,
      ids.map((id) => ({ id, price: 8, currency: 'USD' })),
    );
    const fired = await evaluate(drop);
    assert.deepEqual(fired.map((firing) => firing.itemId).sort(), ids);
    // A retried batch, and two evaluators racing on it: nothing new.
    assert.deepEqual(await evaluate(drop), []);
    const [a, b] = await Promise.all([evaluate(drop), evaluate(drop)]);
    assert.deepEqual([...a, ...b], []);
    // Fresh changes raced by two evaluators: each firing is reported by exactly one of them.
    const rise = await save(
      f,
      1,
      ids.map((id) => ({ id, price: 11, currency: 'USD' })),
    );
    assert.deepEqual(await evaluate(rise), []);
    const again = await save(
      f,
      0,
      ids.map((id) => ({ id, price: 7, currency: 'USD' })),
    );
    const raced = await Promise.all([evaluate(again), evaluate(again), evaluate(again)]);
    const reported = raced.flat().map((firing: Firing) => firing.itemId);
    assert.deepEqual(reported.sort(), ids);
    for (const id of ids) {
      const stored = await rules.firingsOf(rule.ruleId, `amazon#US#${id}`);
      assert.deepEqual(
        stored.map((firing) => firing.firedAt),
        [new Date(runAt(2)).toISOString(), new Date(runAt(0)).toISOString()],
      );
    }
  });

  it('re-arms only after the condition was false again', async () => {
    const f = newFamily();
    const rule = await create({
      name: 'under 10',
      scope: { kind: 'item', itemKey: `amazon#US#${f}` },
      condition: { kind: 'price_below', amount: 10, currency: 'USD' },
    });
    const decisions: number[] = [];
    for (const [hoursAgo, price] of [
      [5, 12],
      [4, 8],
      [3, 9],
      [2, 8.5],
      [1, 11],
      [0, 7],
    ] as const) {
      const batch = await save('anything', hoursAgo, [{ id: f, price, currency: 'USD' }]);
      decisions.push((await evaluate(batch)).length);
    }
    assert.deepEqual(decisions, [0, 1, 0, 0, 0, 1]);
    const arm = await rules.arm(rule.ruleId, `amazon#US#${f}`);
    assert.equal(arm?.armed, false);
    assert.equal(arm?.firedAt, new Date(runAt(0)).toISOString());
    // Two flips written (fire, re-arm, fire): the version counts the writes.
    assert.equal(arm?.version, 3);
  });

  it('fires a back-in-stock rule once for an item first seen in stock, then never while it stays in stock', async () => {
    const f = newFamily();
    const rule = await create({
      name: 'restock',
      scope: { kind: 'definition', definitionId: f },
      condition: { kind: 'back_in_stock' },
    });
    const counts: number[] = [];
    for (const [hoursAgo, price] of [
      [3, 20],
      [2, 21],
      [1, 19],
    ] as const) {
      const batch = await save(f, hoursAgo, [
        { id: `${f}a`, price, currency: 'USD', availability: 'in_stock' },
      ]);
      counts.push((await evaluate(batch)).filter((firing) => firing.ruleId === rule.ruleId).length);
    }
    assert.deepEqual(counts, [1, 0, 0]);
  });

  it('fires a drop against the lowest price of the window from one history Query', async () => {
    const f = newFamily();
    await create({
      name: '10% under the 7-day low',
      scope: { kind: 'item', itemKey: `amazon#US#${f}` },
      condition: { kind: 'price_drop_from_lowest', percent: 10, days: 7 },
    });
    for (const [hoursAgo, price] of [
      [4, 100],
      [3, 95],
      [2, 97],
    ] as const) {
      assert.deepEqual(await evaluate(await save('x', hoursAgo, [{ id: f, price, currency: 'USD' }])), []);
    }
    const notEnough = await save('x', 1, [{ id: f, price: 88, currency: 'USD' }]);
    assert.deepEqual(await evaluate(notEnough), []);
    const enough = await save('x', 0, [{ id: f, price: 79, currency: 'USD' }]);
    const counter = countRequests(local().clients.documents);
    const { result, requests } = await counter.during(() => evaluate(enough));
    // 88 > 95 × 0.9 = 85.5: quiet; then the lowest before it is 88, and 79 ≤ 88 × 0.9 = 79.2.
    assert.deepEqual(
      result.map((firing) => firing.changeKind),
      ['price_down'],
    );
    // The rules (one Scan for three scope keys) + history + arm BatchGet + the firing transaction.
    assert.deepEqual(requests, { Scan: 1, Query: 1, BatchGetItem: 1, TransactWriteItems: 1 });
  });

  it('costs only the rules read for changes no rule in scope can decide', async () => {
    const f = newFamily();
    await create({
      name: 'new on the list',
      scope: { kind: 'definition', definitionId: f },
      condition: { kind: 'new_on_listing' },
    });
    const batch = await save(f, 1, [
      { id: `${f}a`, price: 5, currency: 'USD' },
      { id: `${f}b`, price: 6, currency: 'USD' },
    ]);
    const counter = countRequests(local().clients.documents);
    const { result, requests } = await counter.during(() => evaluate(batch));
    assert.deepEqual(result, []);
    // One Scan for the four scope keys (all, definition, 2 items); no arm read, no write.
    assert.deepEqual(requests, { Scan: 1 });
    // Rules taking more pages than the four Queries less one: the Queries after all, same result.
    for (const other of ['x', 'y', 'z']) {
      await create({
        name: other,
        scope: { kind: 'definition', definitionId: `${f}${other}` },
        condition: { kind: 'new_on_listing' },
      });
    }
    const paged = new RuleStore({
      documents: local().clients.documents,
      rulesTable: local().resources.tables.rules,
      firingsTable: local().resources.tables.ruleFirings,
      retentionDays: 90,
      scopeScanPageSize: 1,
    });
    const fallback = await counter.during(() =>
      evaluateRules(batch, { ...stores, rules: paged }, { nowMs: Date.now() }),
    );
    assert.deepEqual(fallback.result, []);
    assert.deepEqual(fallback.requests, { Scan: 3, Query: 4 });
    assert.deepEqual(
      (await paged.rulesOfScopes(['all', `definition#${f}`, `definition#${f}x`]))
        .map((rule) => rule.name)
        .sort(),
      (await rules.rulesOfScopes(['all', `definition#${f}`, `definition#${f}x`]))
        .map((rule) => rule.name)
        .sort(),
    );
  });

  it('keeps rules apart: a disabled rule and a rule of another scope stay quiet', async () => {
    const f = newFamily();
    const disabled = await create({
      name: 'off',
      enabled: false,
      scope: { kind: 'definition', definitionId: f },
      condition: { kind: 'price_below', amount: 100, currency: 'USD' },
    });
    await create({
      name: 'elsewhere',
      scope: { kind: 'definition', definitionId: `${f}-other` },
      condition: { kind: 'price_below', amount: 100, currency: 'USD' },
    });
    const batch = await save(f, 1, [{ id: `${f}a`, price: 5, currency: 'USD' }]);
    assert.deepEqual(await evaluate(batch), []);
    await rules.update(disabled.ruleId, { enabled: true }, Date.now());
    const fired = await evaluate(batch);
    assert.deepEqual(
      fired.map((firing) => firing.ruleId),
      [disabled.ruleId],
    );
  });
});
