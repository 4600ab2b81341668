import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorBody } from '../../shared/api/index.ts';
import { snapshotOf } from '../../shared/results/index.ts';
import type { Rule, TestFireResult } from '../../shared/rules/index.ts';
import { slotOf } from '../../shared/schedule/index.ts';
import { apiStage, T0 } from '../helpers/api.ts';
import { HOUR_MS } from '../helpers/clock.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';

const restock = {
  id: 'kettle-restock',
  name: 'Kettle back in stock',
  scope: { kind: 'item', itemKey: 'amazon#US#B0KETTLE01' },
  condition: { kind: 'back_in_stock' },
  delivery: { sns: true, webhooks: ['ops-slack'] },
};

describe('the rules API', () => {
  const local = useLocalInfrastructure();

  it('creates, lists a page at a time, gets, updates and deletes rules', async () => {
    const api = await apiStage(local());
    const created = await api.call<Rule>('POST', '/rules', { body: restock });
    assert.equal(created.status, 201);
    assert.equal(created.body.ruleId, 'kettle-restock');
    assert.equal(created.body.enabled, true);
    assert.equal(created.body.version, 1);
    const second = await api.call<Rule>('POST', '/rules', {
      body: {
        name: 'Cheap kettles',
        scope: { kind: 'definition', definitionId: 'kettles-us' },
        condition: { kind: 'price_below', amount: 20, currency: 'USD' },
        coolDownMinutes: 60,
      },
    });
    assert.equal(second.status, 201);
    assert.match(second.body.ruleId, /^rule-[0-9a-f]{12}$/);
    const duplicate = await api.call<ErrorBody>('POST', '/rules', { body: restock });
    assert.equal(duplicate.status, 409);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.call<{ rules: Rule[]; cursor?: string }>(
        'GET',
        `/rules?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      assert.equal(page.status, 200);
      seen.push(...page.body.rules.map((rule) => rule.ruleId));
      cursor = page.body.cursor;
    } while (cursor);
    assert.deepEqual(seen.sort(), [second.body.ruleId, 'kettle-restock'].sort());

    const got = await api.call<Rule>('GET', '/rules/kettle-restock');
    assert.deepEqual(got.body, created.body);
    const patched = await api.call<Rule>('PATCH', `/rules/${second.body.ruleId}`, {
      body: { enabled: false, coolDownMinutes: null },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.enabled, false);
    assert.equal(patched.body.coolDownMinutes, undefined);
    assert.equal(patched.body.version, 2);

    const deleted = await api.call('DELETE', '/rules/kettle-restock');
    assert.equal(deleted.status, 200);
    assert.equal((await api.call<ErrorBody>('GET', '/rules/kettle-restock')).status, 404);
    assert.equal((await api.call<ErrorBody>('DELETE', '/rules/kettle-restock')).status, 404);
  });

  it('refuses bad rules with a 400 naming the field, and changes nothing', async () => {
    const api = await apiStage(local());
    const before = await api.dump();
    const cases: [string, string, unknown, string][] = [
      [
        'POST',
        '/rules',
        { ...restock, condition: { kind: 'price_below', amount: -1, currency: 'USD' } },
        'condition.amount',
      ],
      ['POST', '/rules', { ...restock, condition: { kind: 'left_top' } }, 'condition.top'],
      ['POST', '/rules', { ...restock, scope: { kind: 'everything' } }, 'scope.kind'],
      ['POST', '/rules', { ...restock, delivery: { webhooks: ['no spaces'] } }, 'delivery.webhooks.0'],
      ['POST', '/rules', { ...restock, id: '-bad' }, 'id'],
      ['PATCH', '/rules/kettle-restock', { coolDownMinutes: 0 }, 'coolDownMinutes'],
      ['PATCH', '/rules/kettle-restock', {}, '(body)'],
      ['POST', '/rules/kettle-restock/test', { itemKey: 'B0KETTLE01' }, 'itemKey'],
      ['POST', '/rules/kettle-restock/test', { itemKey: 'amazon#US#B0KETTLE01', days: 365 }, 'days'],
    ];
    for (const [method, path, body, field] of cases) {
      const answer = await api.call<ErrorBody>(method, path, { body });
      assert.equal(answer.status, 400, `${method} ${path} ${JSON.stringify(body)}`);
      assert.ok(
        answer.body.error.issues.some((issue) => issue.field === field),
        `${field} named in ${JSON.stringify(answer.body.error.issues)}`,
      );
    }
    assert.equal(await api.dump(), before);
  });

  it('needs an operator token on every rules route', async () => {
    const api = await apiStage(local());
    for (const [method, path] of [
      ['GET', '/rules'],
      ['POST', '/rules'],
      ['GET', '/rules/x'],
      ['PATCH', '/rules/x'],
      ['DELETE', '/rules/x'],
      ['POST', '/rules/x/test'],
    ] as const) {
      assert.equal(
        (await api.call(method, path, { token: null, body: {} })).status,
        401,
        `${method} ${path}`,
      );
      assert.equal((await api.call(method, path, { token: api.workerToken, body: {} })).status, 403);
    }
  });

  it('test-fires a rule against an item: what would fire and why, recording nothing', async () => {
    const api = await apiStage(local());
    await api.call('POST', '/rules', { body: restock });
    const snapshotAt = (hoursAgo: number, availability: string, price: number) => {
      const slot = slotOf(T0 - hoursAgo * HOUR_MS);
      return snapshotOf(
        {
          runId: `kettles-us@${slot}`,
          definitionId: 'kettles-us',
          slot,
          platform: 'amazon',
          marketplace: 'US',
          crawlType: 'product_details',
          pageNumber: 1,
          capturedBy: 'test',
        },
        { id: 'B0KETTLE01', position: 1, availability, price, currency: 'USD' },
        T0 - hoursAgo * HOUR_MS,
        90,
      );
    };
    for (const [hoursAgo, availability, price] of [
      [4, 'out_of_stock', 30],
      [3, 'out_of_stock', 30],
      [2, 'in_stock', 30],
      [1, 'in_stock', 28],
    ] as const) {
      await api.deps.changes.record([snapshotAt(hoursAgo, availability, price)], { nowMs: api.now });
    }
    const before = await api.dump();
    const answer = await api.call<TestFireResult>('POST', '/rules/kettle-restock/test', {
      body: { itemKey: 'amazon#US#B0KETTLE01' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.holdsNow, true);
    assert.equal(answer.body.inScope, true);
    assert.deepEqual(
      answer.body.steps.map((step) => `${step.kind}:${step.decision}`),
      ['first_seen:quiet', 'back_in_stock:fire', 'price_down:quiet'],
    );
    assert.equal(answer.body.wouldFire.length, 1);
    assert.match(answer.body.steps[1]!.reason, /back_in_stock holds/);
    assert.match(answer.body.steps[0]!.reason, /says nothing/);
    assert.equal(await api.dump(), before);
    const unknown = await api.call<TestFireResult>('POST', '/rules/kettle-restock/test', {
      body: { itemKey: 'amazon#US#NEVERSEEN' },
    });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.body.state, null);
    assert.deepEqual(unknown.body.steps, []);
    assert.equal(
      (await api.call('POST', '/rules/missing/test', { body: { itemKey: 'amazon#US#X1' } })).status,
      404,
    );
  });
});
