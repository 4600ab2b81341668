/**
 * The notifier on DynamoDB Local + fauxqs: changes recorded by a real ChangeStore go through the
 * changes table's stream (read by the changes pump, as the event source mapping would), become one
 * event each on a local event bus, and the rules they fire are published to the alerts topic,
 * read back from a queue subscribed to it. Redelivery and a failed publish are exercised too.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import {
  type AlertMessage,
  CHANGE_DETAIL_TYPES,
  ChangeEventPublisher,
  FiringDeliveries,
  type NotifierDependencies,
  SnsAlertPublisher,
} from '../../shared/alerts/index.ts';
import { createAwsClients } from '../../shared/aws/index.ts';
import type { Change } from '../../shared/changes/index.ts';
import type { Firing, RuleStore } from '../../shared/rules/index.ts';
import { ChangesPump } from '../../local/changes-pump.ts';
import { LOCAL_CREDENTIALS } from '../../local/emulators.ts';
import { type LocalEventBus, startLocalEventBus } from '../../local/event-bus.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { drainQueue } from '../helpers/queues.ts';
import { familyIds, ruleTestStoresOf, type RuleTestStores } from '../helpers/rule-stores.ts';

const newFamily = familyIds('N');

describe('notifier: changes stream → events on the bus, fired rules on the alerts topic', () => {
  const local = useLocalInfrastructure();
  let bus: LocalEventBus;
  let rules: RuleStore;
  let save: RuleTestStores['save'];
  let inbox = '';
  /** Publishes to refuse before publishing for real, per rule id. */
  const refusals = new Map<string, number>();
  let publishAttempts = 0;
  let notifier: NotifierDependencies;
  const pumps: ChangesPump[] = [];
  const destroyers: (() => void)[] = [];

  const newPump = () => {
    const pump = new ChangesPump({
      dynamodb: local().clients.dynamodb,
      endpoint: local().endpoints.dynamodb,
      tableName: local().resources.tables.changes,
      notifier,
    });
    pumps.push(pump);
    return pump;
  };

  before(async () => {
    bus = await startLocalEventBus();
    const { tables, alertTopic } = local().resources;
    const { documents, sns, sqs } = local().clients;
    const stores = ruleTestStoresOf(local());
    ({ rules, save } = stores);
    const events = createAwsClients({
      region: local().region,
      credentials: LOCAL_CREDENTIALS,
      endpoints: { events: bus.endpoint },
    });
    destroyers.push(() => events.destroy());
    const alerts = new SnsAlertPublisher({ sns, topicArn: alertTopic });
    notifier = {
      events: new ChangeEventPublisher({ events: events.events, busName: 'shelfwatch-test-runs' }),
      rules: { rules, states: stores.changes, items: stores.items },
      deliveries: new FiringDeliveries({ documents, firingsTable: tables.ruleFirings }),
      publishAlert: async (firing: Firing) => {
        publishAttempts += 1;
        const left = refusals.get(firing.ruleId) ?? 0;
        if (left > 0) {
          refusals.set(firing.ruleId, left - 1);
          throw new Error('SNS refused (test)');
        }
        await alerts.publish(firing);
      },
      sendToWebhooks: () => Promise.resolve(),
      nowMs: Date.now,
      warn: () => undefined,
    };
    inbox =
      (await sqs.send(new CreateQueueCommand({ QueueName: `alerts-${randomUUID().slice(0, 8)}` })))
        .QueueUrl ?? '';
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: inbox, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: alertTopic,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
  });

  after(async () => {
    for (const pump of pumps) await pump.stop();
    for (const destroy of destroyers) destroy();
    await bus?.stop();
  });

  const eventsOf = (definitionId: string) =>
    bus.events.filter((event) => (event.detail as { definitionId?: string }).definitionId === definitionId);
  const alertsOf = (messages: readonly string[], ruleId: string) =>
    messages.map((body) => JSON.parse(body) as AlertMessage).filter((message) => message.ruleId === ruleId);

  it('puts exactly one event per recorded change on the bus, with the change as its detail', async () => {
    const pump = pumps[0] ?? newPump();
    await pump.drain(); // what earlier files of this stage left: none here, but the place is set
    const countedBefore = pump.totals.changesSinceStart;
    const f = newFamily();
    const recorded = [
      ...(await save(f, 3, [
        { id: `${f}a`, price: 12, currency: 'USD', availability: 'in_stock' },
        { id: `${f}b`, price: 20, currency: 'USD', availability: 'in_stock' },
      ])),
      ...(await save(f, 2, [
        { id: `${f}a`, price: 9, currency: 'USD', availability: 'in_stock' },
        { id: `${f}b`, price: 20, currency: 'USD', availability: 'out_of_stock' },
      ])),
    ];
    assert.ok(recorded.some((change) => change.kind === 'price_down'));
    assert.ok(recorded.some((change) => change.kind === 'out_of_stock'));
    await pump.drain();
    assert.equal(pump.totals.changesSinceStart - countedBefore, recorded.length, 'each change counted once');
    const events = eventsOf(f);
    assert.equal(events.length, recorded.length, 'one event per change');
    const byId = new Map(
      events.map((event) => [(event.detail as Change).changeId + (event.detail as Change).itemKey, event]),
    );
    assert.equal(byId.size, recorded.length, 'no change twice');
    for (const change of recorded) {
      const event = byId.get(change.changeId + change.itemKey);
      assert.ok(event, `event of ${change.changeId}`);
      assert.equal(event.source, 'shelfwatch');
      assert.equal(event.bus, 'shelfwatch-test-runs');
      assert.equal(event.detailType, CHANGE_DETAIL_TYPES[change.kind]);
      assert.deepEqual(event.detail, { v: 1, ...change });
      assert.equal(event.time, change.detectedAt);
    }
  });

  it('publishes a firing to the alerts topic once, and not again when the batch is redelivered', async () => {
    const pump = pumps[0] ?? newPump();
    await pump.drain();
    const f = newFamily();
    const rule = await rules.create(
      {
        name: 'under 10',
        scope: { kind: 'definition', definitionId: f },
        condition: { kind: 'price_below', amount: 10, currency: 'USD' },
        delivery: { sns: true, webhooks: [] },
      },
      Date.now(),
    );
    await save(f, 3, [{ id: `${f}a`, price: 12, currency: 'USD' }]);
    await save(f, 2, [{ id: `${f}a`, price: 8, currency: 'USD' }]);
    const before = pump.totals.rulesFired;
    await pump.drain();
    assert.equal(pump.totals.rulesFired - before, 1);
    const published = alertsOf(await drainQueue(local().clients.sqs, inbox), rule.ruleId);
    assert.equal(published.length, 1);
    assert.equal(published[0]?.itemId, `${f}a`);
    assert.equal(published[0]?.firingId, `${rule.ruleId}#amazon#US#${f}a#${published[0]?.changeId}`);
    const [stored] = await rules.firingsOf(rule.ruleId, `amazon#US#${f}a`);
    assert.ok((stored as Firing & { snsPublishedAt?: string }).snsPublishedAt, 'marked as published');

    // A second reader from the stream's oldest record: every batch delivered again.
    const eventsBefore = eventsOf(f).length;
    const redelivery = newPump();
    await redelivery.drain();
    assert.equal(redelivery.totals.rulesFired, 0, 'nothing recorded twice');
    assert.ok(redelivery.totals.changes >= 2, 'the changes written before it are notified again');
    assert.equal(redelivery.totals.changesSinceStart, 0, 'but not counted as changes since its start');
    assert.deepEqual(alertsOf(await drainQueue(local().clients.sqs, inbox), rule.ruleId), []);
    // Events are at-least-once: the redelivered changes are sent again, with their ids to dedupe on.
    assert.equal(eventsOf(f).length, 2 * eventsBefore);
  });

  it('publishes a firing whose first publish failed when the batch is retried, once', async () => {
    const pump = pumps[0] ?? newPump();
    await pump.drain();
    const f = newFamily();
    const rule = await rules.create(
      {
        name: 'back in stock',
        scope: { kind: 'definition', definitionId: f },
        condition: { kind: 'back_in_stock' },
        delivery: { sns: true, webhooks: [] },
      },
      Date.now(),
    );
    await save(f, 3, [{ id: `${f}a`, price: 5, currency: 'USD', availability: 'out_of_stock' }]);
    // Notified before the next save: a state condition is judged on the item's state when evaluated.
    await pump.drain();
    const countedBefore = pump.totals.changesSinceStart;
    const restocked = await save(f, 2, [
      { id: `${f}a`, price: 5, currency: 'USD', availability: 'in_stock' },
    ]);
    refusals.set(rule.ruleId, 1);
    const failuresBefore = pump.totals.batchFailures;
    const attemptsBefore = publishAttempts;
    await pump.drain();
    assert.equal(pump.totals.batchFailures - failuresBefore, 1, 'the batch failed at the firing');
    assert.deepEqual(alertsOf(await drainQueue(local().clients.sqs, inbox), rule.ruleId), []);
    const [recorded] = await rules.firingsOf(rule.ruleId, `amazon#US#${f}a`);
    assert.ok(recorded, 'the firing is recorded even though its publish failed');
    assert.equal((recorded as Firing & { snsPublishedAt?: string }).snsPublishedAt, undefined);

    await pump.drain(); // the mapping's retry, from the record that failed
    const published = alertsOf(await drainQueue(local().clients.sqs, inbox), rule.ruleId);
    assert.equal(published.length, 1, 'published on retry, not lost');
    assert.equal(published[0]?.changeKind, 'back_in_stock');
    assert.equal(publishAttempts - attemptsBefore, 2);
    assert.equal(pump.totals.batchFailures - failuresBefore, 1, 'the retry succeeded');
    assert.equal(
      pump.totals.changesSinceStart - countedBefore,
      restocked.length,
      'a change read again by the retry is counted once',
    );
    await pump.drain();
    assert.deepEqual(alertsOf(await drainQueue(local().clients.sqs, inbox), rule.ruleId), []);
  });
});
