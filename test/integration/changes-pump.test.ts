/**
 * The changes pump of `npm start` on DynamoDB Local: what the progress line counts as changes
 * "since this start" (the records past the stream's end when the pump was made, each once), and
 * a restart on the same data folder (an on-disk DynamoDB Local) that resumes where the pump
 * stopped: no event twice in events.jsonl, the changes written while it was stopped emitted.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ChangeEventPublisher,
  FiringDeliveries,
  type NotifierDependencies,
} from '../../shared/alerts/index.ts';
import { createAwsClients } from '../../shared/aws/index.ts';
import type { Change } from '../../shared/changes/index.ts';
import { ChangesPump } from '../../local/changes-pump.ts';
import { LOCAL_CREDENTIALS } from '../../local/emulators.ts';
import { type BusEvent, type LocalEventBus, startLocalEventBus } from '../../local/event-bus.ts';
import { type LocalInfrastructure, startLocalInfrastructure } from '../../local/infrastructure.ts';
import { eventually, useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { familyIds, ruleTestStoresOf, type RuleTestStores } from '../helpers/rule-stores.ts';

const newFamily = familyIds('P');
const MINUTE_MS = 60_000;

/** A notifier publishing change events on `bus`; `failEvents` may refuse some publishes first. */
function notifierOn(
  local: LocalInfrastructure,
  bus: LocalEventBus,
  stores: RuleTestStores,
  failEvents: (changes: readonly Change[]) => readonly Change[] = () => [],
): { notifier: NotifierDependencies; destroy: () => void } {
  const clients = createAwsClients({
    region: local.region,
    credentials: LOCAL_CREDENTIALS,
    endpoints: { events: bus.endpoint },
  });
  const publisher = new ChangeEventPublisher({ events: clients.events, busName: 'shelfwatch-test-runs' });
  const notifier: NotifierDependencies = {
    events: {
      publish: async (changes) => {
        const refused = new Set(failEvents(changes));
        const outcome = await publisher.publish(changes.filter((change) => !refused.has(change)));
        const failed = [...refused].map((change) => ({ change, reason: 'refused (test)' }));
        return { ...outcome, failed: [...outcome.failed, ...failed] };
      },
    },
    rules: { rules: stores.rules, states: stores.changes, items: stores.items },
    deliveries: new FiringDeliveries({
      documents: local.clients.documents,
      firingsTable: local.resources.tables.ruleFirings,
    }),
    publishAlert: () => Promise.resolve(),
    sendToWebhooks: () => Promise.resolve(),
    nowMs: Date.now,
    warn: () => undefined,
  };
  return { notifier, destroy: () => clients.destroy() };
}

const pumpOn = (local: LocalInfrastructure, notifier: NotifierDependencies, positionFile?: string) =>
  new ChangesPump({
    dynamodb: local.clients.dynamodb,
    endpoint: local.endpoints.dynamodb,
    tableName: local.resources.tables.changes,
    notifier,
    positionFile,
  });

const keyOf = (change: Pick<Change, 'itemKey' | 'changeId'>) => `${change.itemKey} ${change.changeId}`;
const pageOf = (f: string, price: number, availability = 'in_stock') => [
  { id: `${f}a`, price, currency: 'USD', availability },
  { id: `${f}b`, price: price + 10, currency: 'USD', availability },
];

/**
 * Waits, when the minute is nearly over, for the next one: the writes that follow then land in
 * the minute the pump starts in, which DynamoDB Local's stream stamps with the minute's start
 * (its ApproximateCreationDateTime is rounded down to the minute), before the pump's start.
 */
const untilEarlyInAMinute = () =>
  eventually(() => (Date.now() % MINUTE_MS < 40_000 ? true : undefined), {
    timeoutMs: 25_000,
    what: 'the first 40 s of a minute',
  });

describe('changes pump: the changes counted since its start', () => {
  const local = useLocalInfrastructure();
  let bus: LocalEventBus;
  let stores: RuleTestStores;
  const destroyers: (() => Promise<void> | void)[] = [];
  before(async () => {
    bus = await startLocalEventBus();
    stores = ruleTestStoresOf(local());
  });
  after(async () => {
    for (const destroy of destroyers.reverse()) await destroy();
    await bus?.stop();
  });
  const newPump = (failEvents?: (changes: readonly Change[]) => readonly Change[]) => {
    const { notifier, destroy } = notifierOn(local(), bus, stores, failEvents);
    const pump = pumpOn(local(), notifier);
    destroyers.push(destroy, () => pump.stop());
    return pump;
  };
  const eventsOf = (family: string) =>
    bus.events.filter((event) => (event.detail as Change).definitionId === family);

  it('counts the changes written after the start in the starting minute', async () => {
    await untilEarlyInAMinute();
    const pump = newPump();
    await pump.drain(); // the start is marked; the earlier files' changes (none) are read
    const startMinute = Math.floor(Date.now() / MINUTE_MS);
    const f = newFamily();
    const recorded = [
      ...(await stores.save(f, 3, pageOf(f, 20))),
      ...(await stores.save(f, 2, pageOf(f, 15, 'out_of_stock'))),
    ];
    assert.equal(Math.floor(Date.now() / MINUTE_MS), startMinute, 'written in the starting minute');
    assert.ok(recorded.length >= 4, `changes recorded (${recorded.length})`);
    await pump.drain();
    assert.equal(pump.totals.changesSinceStart, recorded.length);
    assert.equal(eventsOf(f).length, recorded.length, 'one event each');
  });

  it('does not count the changes already in the stream when it starts, though it emits them', async () => {
    const f = newFamily();
    const before = await stores.save(f, 3, pageOf(f, 30));
    const eventsBefore = eventsOf(f).length;
    const pump = newPump();
    await pump.drain();
    assert.equal(pump.totals.changesSinceStart, 0, 'nothing written since its start');
    assert.ok(pump.totals.changes >= before.length, 'every change in the stream read');
    assert.equal(eventsOf(f).length - eventsBefore, before.length, "this family's changes emitted");

    const after = await stores.save(f, 2, pageOf(f, 25));
    await pump.drain();
    assert.equal(pump.totals.changesSinceStart, after.length, 'the later ones are');
  });

  it('counts a change once when its batch is read again after a failure', async () => {
    const f = newFamily();
    let refusals = 0;
    // The first publish of this family's changes refuses its last one: the batch is retried from it.
    const pump = newPump((changes) => {
      const mine = changes.filter((change) => change.definitionId === f);
      if (refusals > 0 || mine.length === 0) return [];
      refusals += 1;
      return mine.slice(-1);
    });
    await pump.drain();
    const recorded = [
      ...(await stores.save(f, 3, pageOf(f, 40))),
      ...(await stores.save(f, 2, pageOf(f, 35))),
    ];
    await pump.drain();
    assert.equal(pump.totals.batchFailures, 1, 'the batch failed once');
    assert.equal(pump.totals.changesSinceStart, recorded.length - 1, 'the refused change not yet');
    await pump.drain(); // the retry reads the refused change (and those after it) again
    assert.equal(pump.totals.changesSinceStart, recorded.length, 'each counted once');
    await pump.drain();
    assert.equal(pump.totals.changesSinceStart, recorded.length, 'an idle pass counts nothing');
    const emitted = new Set(eventsOf(f).map((event) => keyOf(event.detail as Change)));
    assert.deepEqual(emitted, new Set(recorded.map(keyOf)), 'every change emitted');
  });
});

describe('changes pump: a restart on the same data folder', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'shelfwatch-changes-pump-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /** One `npm start` of the pump on `dataDir`: on-disk DynamoDB Local, events.jsonl, the pump's place. */
  const startOn = async (dataDir: string) => {
    const local = await startLocalInfrastructure({ stage: 'test', dataDir });
    const bus = await startLocalEventBus({ file: path.join(dataDir, 'events.jsonl') });
    const stores = ruleTestStoresOf(local);
    const { notifier, destroy } = notifierOn(local, bus, stores);
    const pump = pumpOn(local, notifier, path.join(dataDir, 'streams', 'notifier.json'));
    return {
      stores,
      pump,
      stop: async () => {
        await pump.stop();
        destroy();
        await bus.stop();
        await local.stop();
      },
    };
  };
  const emittedIn = (dataDir: string) =>
    readFileSync(path.join(dataDir, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => keyOf((JSON.parse(line) as BusEvent).detail as Change));

  it('emits no change twice and emits those written while it was stopped', async () => {
    const dataDir = path.join(folder, 'data');
    const f = newFamily();
    const first = await startOn(dataDir);
    let beforeStop: Change[];
    let whileStopped: Change[];
    try {
      beforeStop = await first.stores.save(f, 4, pageOf(f, 50));
      await first.pump.drain();
      await first.pump.stop();
      whileStopped = await first.stores.save(f, 3, pageOf(f, 45, 'out_of_stock'));
    } finally {
      await first.stop();
    }
    assert.deepEqual(emittedIn(dataDir), beforeStop.map(keyOf), 'the first run emitted what it read');

    const second = await startOn(dataDir);
    let afterRestart: Change[];
    try {
      await second.pump.drain();
      afterRestart = await second.stores.save(f, 2, pageOf(f, 40, 'in_stock'));
      await second.pump.drain();
      assert.equal(
        second.pump.totals.changes,
        whileStopped.length + afterRestart.length,
        'the second run read only what the first had not',
      );
      assert.equal(
        second.pump.totals.changesSinceStart,
        afterRestart.length,
        'counted: what came after its start',
      );
    } finally {
      await second.stop();
    }
    const emitted = emittedIn(dataDir);
    const expected = [...beforeStop, ...whileStopped, ...afterRestart].map(keyOf);
    assert.equal(new Set(emitted).size, emitted.length, 'no change emitted twice');
    assert.deepEqual(emitted, expected, 'each change emitted once, in order');
  });
});
