import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { bucketExpiry, DomainBudget } from '../../shared/scraping/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { thisHour } from '../helpers/clock.ts';

const T0 = thisHour();

describe('the per-domain request budget on DynamoDB Local', () => {
  const local = useLocalInfrastructure();
  let budget: DomainBudget;
  before(() => {
    budget = new DomainBudget({
      documents: local().clients.documents,
      controlTable: local().resources.tables.control,
      policies: { 'www.ozon.ru': { ratePerSecond: 2, burst: 3 } },
      maxRaces: 50,
    });
  });

  it('grants at most the burst to 20 consumers asking at the same instant, and tells the rest when to return', async () => {
    const decisions = await Promise.all(Array.from({ length: 20 }, () => budget.take('www.amazon.com', T0)));
    const granted = decisions.filter((decision) => decision.granted).length;
    assert.equal(granted, 5, 'the default burst');
    for (const decision of decisions) {
      if (!decision.granted) assert.ok(decision.retryAfterMs > 0 && decision.retryAfterMs <= 1000);
    }
  });

  it('grants several requests in one take, never more than the bucket holds', async () => {
    const policy = { 'www.amazon.de': { ratePerSecond: 1, burst: 5 } };
    const batched = new DomainBudget({
      documents: local().clients.documents,
      controlTable: local().resources.tables.control,
      policies: policy,
    });
    assert.deepEqual(await batched.take('www.amazon.de', T0, 4), { granted: true, count: 4 });
    assert.deepEqual(await batched.take('www.amazon.de', T0, 4), { granted: true, count: 1 });
    assert.equal((await batched.take('www.amazon.de', T0, 4)).granted, false);
    assert.deepEqual(await batched.take('www.amazon.de', T0 + 2_000, 4), { granted: true, count: 2 });
  });

  it('refills at the domain rate: over budget means later, not never', async () => {
    for (let index = 0; index < 3; index += 1) assert.ok((await budget.take('www.ozon.ru', T0)).granted);
    const over = await budget.take('www.ozon.ru', T0);
    assert.deepEqual(over, { granted: false, retryAfterMs: 500 });
    assert.equal((await budget.take('www.ozon.ru', T0 + 499)).granted, false);
    assert.equal((await budget.take('www.ozon.ru', T0 + 500)).granted, true);
    // A long quiet period refills only up to the burst.
    const later = T0 + 60_000;
    const burst = await Promise.all(Array.from({ length: 6 }, () => budget.take('www.ozon.ru', later)));
    assert.equal(burst.filter((decision) => decision.granted).length, 3);
  });

  it('keeps domains apart', async () => {
    assert.ok((await budget.take('detail.1688.com', T0)).granted);
  });

  it('lets TTL delete a bucket only once it is full again, so a deletion grants nothing extra', async () => {
    const policy = { ratePerSecond: 0.5, burst: 4 };
    const slow = new DomainBudget({
      documents: local().clients.documents,
      controlTable: local().resources.tables.control,
      policies: { 'slow.example': policy },
    });
    assert.deepEqual(await slow.take('slow.example', T0, 4), { granted: true, count: 4 });
    const key = { pk: 'domain-budget', sk: 'slow.example' };
    const { Item } = await local().clients.documents.send(
      new GetCommand({ TableName: local().resources.tables.control, Key: key, ConsistentRead: true }),
    );
    // Empty at T0, full 8 s later at 0.5 tokens/s: the record may go a day after that, not before.
    assert.equal(Item?.expiresAt, Math.ceil((T0 + 8_000) / 1000) + 86_400);
    assert.equal(Item?.expiresAt, bucketExpiry(policy, 0, T0));
    const atExpiry = Number(Item?.expiresAt) * 1000;
    assert.equal((await slow.take('slow.example', T0 + 1_000)).granted, false, 'still empty a second later');
    // Whether the sweeper deleted it at its expiry or not, a consumer then gets the same grant.
    const kept = await slow.take('slow.example', atExpiry, 4);
    await local().clients.documents.send(
      new DeleteCommand({ TableName: local().resources.tables.control, Key: key }),
    );
    const deleted = await slow.take('slow.example', atExpiry, 4);
    assert.deepEqual(kept, { granted: true, count: 4 });
    assert.deepEqual(deleted, kept);
  });
});
