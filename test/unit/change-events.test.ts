import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CHANGE_DETAIL_TYPES,
  ChangeEventPublisher,
  changeEventOf,
  changesOfStreamRecords,
  notifierDatapoints,
  undeliveredTargetsOf,
} from '../../shared/alerts/index.ts';
import { type Change, CHANGE_KINDS } from '../../shared/changes/index.ts';
import type { Firing } from '../../shared/rules/index.ts';
import { marshall } from '@aws-sdk/util-dynamodb';

const change = (n: number, kind: Change['kind'] = 'price_down'): Change => ({
  itemKey: `amazon#US#B00${n}`,
  changeId: `snap-${n}#${kind}`,
  kind,
  platform: 'amazon',
  marketplace: 'US',
  itemId: `B00${n}`,
  definitionId: 'demo',
  runId: 'demo@2026-12-06T10:00Z',
  slot: '2026-12-06T10:00Z',
  crawlType: 'product_details',
  snapshotId: `snap-${n}`,
  detectedAt: '2026-12-06T10:05:00.000Z',
  from: 12,
  to: 9,
  delta: -3,
  percent: -25,
  currency: 'USD',
});

describe('change events', () => {
  it('name a distinct detail-type for every change kind', () => {
    assert.deepEqual(Object.keys(CHANGE_DETAIL_TYPES).sort(), [...CHANGE_KINDS].sort());
    const types = Object.values(CHANGE_DETAIL_TYPES);
    assert.equal(new Set(types).size, types.length);
  });

  it('carry source shelfwatch, the kind’s detail-type, the detection time and the change (with its id) as detail', () => {
    const entry = changeEventOf(change(1), 'shelfwatch-prod-runs');
    assert.equal(entry.Source, 'shelfwatch');
    assert.equal(entry.DetailType, 'Price dropped');
    assert.equal(entry.EventBusName, 'shelfwatch-prod-runs');
    assert.equal(entry.Time.toISOString(), '2026-12-06T10:05:00.000Z');
    assert.deepEqual(JSON.parse(entry.Detail), { v: 1, ...change(1) });
  });

  it('are put ten at most per request, and entries EventBridge refused are sent again', async () => {
    const events = new EventBridgeClient({ region: 'us-east-1' });
    const mock = mockClient(events);
    let refusedOnce = false;
    mock.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((entry) => {
        const refuse = !refusedOnce && (JSON.parse(entry.Detail) as Change).itemId === 'B0013';
        if (refuse) refusedOnce = true;
        return refuse ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' } : { EventId: 'e' };
      }),
    }));
    const publisher = new ChangeEventPublisher({ events, busName: 'bus', backoffMs: 1 });
    const batch = Array.from({ length: 23 }, (_, n) => change(n));
    const outcome = await publisher.publish(batch);
    const calls = mock.commandCalls(PutEventsCommand);
    assert.deepEqual(
      calls.map((call) => call.args[0].input.Entries?.length),
      [10, 10, 3, 1],
    );
    assert.equal(outcome.published, 23);
    assert.deepEqual(outcome.failed, []);
    assert.equal(outcome.requests, 4);
  });

  it('return the changes still refused after the last attempt, never dropping one', async () => {
    const events = new EventBridgeClient({ region: 'us-east-1' });
    mockClient(events).on(PutEventsCommand).rejects(new Error('AccessDeniedException'));
    const publisher = new ChangeEventPublisher({ events, busName: 'bus', maxAttempts: 2, backoffMs: 1 });
    const outcome = await publisher.publish([change(1), change(2)]);
    assert.equal(outcome.published, 0);
    assert.deepEqual(
      outcome.failed.map((failed) => failed.change.changeId),
      ['snap-1#price_down', 'snap-2#price_down'],
    );
    assert.match(outcome.failed[0]?.reason ?? '', /AccessDenied/);
  });
});

describe('changes stream records', () => {
  it('give the change of each INSERT without its storage fields, skip other events and report unreadable ones', () => {
    const image = marshall({ ...change(1), detectedDay: '2026-12-06', expiresAt: 1 });
    const read = changesOfStreamRecords([
      { eventName: 'INSERT', dynamodb: { NewImage: image, SequenceNumber: '100' } },
      { eventName: 'REMOVE', dynamodb: { SequenceNumber: '101' } },
      { eventName: 'INSERT', dynamodb: { NewImage: marshall({ kind: 'nope' }), SequenceNumber: '102' } },
    ]);
    assert.deepEqual(read.changes, [{ change: change(1), sequenceNumber: '100' }]);
    assert.equal(read.ignored, 1);
    assert.deepEqual(
      read.unreadable.map((record) => record.sequenceNumber),
      ['102'],
    );
  });
});

describe('firing deliveries', () => {
  const firing = (delivery: Firing['delivery'], marks: Record<string, string> = {}) =>
    ({ delivery, ...marks }) as unknown as Firing;
  it('owe each target the rule names until it is marked', () => {
    assert.deepEqual(undeliveredTargetsOf(firing({ sns: true, webhooks: ['w1'] })), ['sns', 'webhooks']);
    assert.deepEqual(undeliveredTargetsOf(firing({ sns: true, webhooks: ['w1'] }, { snsPublishedAt: 'x' })), [
      'webhooks',
    ]);
    assert.deepEqual(undeliveredTargetsOf(firing({ sns: false, webhooks: [] })), []);
  });

  it('metrics: changes by kind, rules fired, alert publish failures', () => {
    const datapoints = notifierDatapoints({
      changes: 3,
      changesByKind: { price_down: 2, first_seen: 1 },
      eventsPublished: 3,
      firingsRecorded: [firing({ sns: true, webhooks: [] })],
      firingsRedelivered: 0,
      alertsPublished: 0,
      webhookFiringsSent: 0,
      alertPublishFailures: 1,
    });
    assert.deepEqual(datapoints, [
      { name: 'ChangesDetected', unit: 'Count', value: 2, dimensions: { Kind: 'price_down' } },
      { name: 'ChangesDetected', unit: 'Count', value: 1, dimensions: { Kind: 'first_seen' } },
      { name: 'RulesFired', unit: 'Count', value: 1 },
      { name: 'AlertPublishFailures', unit: 'Count', value: 1 },
    ]);
  });
});
