/**
 * The demo rules `npm start` seeds, through the real RuleStore on DynamoDB Local: created once,
 * never duplicated by a restart, and a store that holds any rule is left as it is.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_RULES, seedRules } from '../../local/demo-watch-list.ts';
import { type Rule, RuleStore } from '../../shared/rules/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

describe('demo rules seeded by npm start (DynamoDB Local)', () => {
  const local = useLocalInfrastructure();
  const storeOf = () => {
    const { clients, resources } = local();
    return new RuleStore({
      documents: clients.documents,
      rulesTable: resources.tables.rules,
      firingsTable: resources.tables.ruleFirings,
      retentionDays: 90,
    });
  };
  const all = async (store: RuleStore): Promise<Rule[]> => {
    const rules: Rule[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list(cursor ? { cursor } : {});
      rules.push(...page.rules);
      cursor = page.cursor;
    } while (cursor);
    return rules;
  };

  it('creates the demo rules on a first start and none on a restart, also when two starts race', async () => {
    const store = storeOf();
    const racing = await Promise.all([
      seedRules(store, DEMO_RULES, Date.now()),
      seedRules(store, DEMO_RULES, Date.now()),
    ]);
    const created = racing.reduce((sum, count) => sum + count, 0);
    assert.equal(created, DEMO_RULES.length, 'each rule created by exactly one of the two starts');
    const stored = await all(store);
    assert.deepEqual(stored.map((rule) => rule.ruleId).sort(), DEMO_RULES.map((rule) => rule.id).sort());
    for (const rule of stored) {
      const declared = DEMO_RULES.find((candidate) => candidate.id === rule.ruleId);
      assert.deepEqual(rule.condition, declared?.condition);
      assert.deepEqual(rule.scope, declared?.scope);
      assert.equal(rule.delivery.sns, true);
    }

    assert.equal(await seedRules(store, DEMO_RULES, Date.now()), 0, 'a restart creates nothing');
    await store.delete('demo-back-in-stock');
    assert.equal(await seedRules(store, DEMO_RULES, Date.now()), 0, 'a demo rule deleted stays deleted');
    assert.equal((await all(store)).length, DEMO_RULES.length - 1);
  });
});
