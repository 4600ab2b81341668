import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Definition,
  DefinitionConflictError,
  DefinitionExistsError,
  DefinitionNotFoundError,
  DefinitionStore,
} from '../../shared/definitions/index.ts';
import { ValidationError } from '../../shared/errors/index.ts';
import { useLocalInfrastructure } from '../helpers/local-infrastructure.ts';
import { countRequests, type RequestCounter } from '../helpers/request-counter.ts';
import { DAY_MS, HOUR_MS, isoMinute, thisHour, today } from '../helpers/clock.ts';

const NOW = thisHour(10);
/** Calendar days for the due index, from tomorrow (UTC): once-entries expire a week after them. */
const DAY_ONE = today() + DAY_MS;
const dateOf = (day: number): string => new Date(DAY_ONE + (day - 1) * DAY_MS).toISOString().slice(0, 10);
const slotOn = (day: number, hour: number): string =>
  isoMinute(DAY_ONE + (day - 1) * DAY_MS + hour * HOUR_MS);

const input = (id: string, schedule: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id,
  platform: 'amazon',
  marketplace: 'US',
  crawlType: 'search_result',
  target: `keyword ${id}`,
  schedule,
  ...extra,
});

describe('the definition store and its due index on DynamoDB Local', () => {
  const local = useLocalInfrastructure();
  let store: DefinitionStore;
  let counter: RequestCounter;

  before(() => {
    const { clients, resources } = local();
    counter = countRequests(clients.documents);
    store = new DefinitionStore({ documents: clients.documents, tables: resources.tables });
  });

  const dueIds = async (slot: string): Promise<string[]> => {
    const ids: string[] = [];
    for await (const page of store.dueIn(slot)) ids.push(...page.map((entry) => entry.definitionId));
    return ids.sort();
  };

  const countItems = async (table: 'definitions' | 'dueIndex'): Promise<number> => {
    const { Count = 0 } = await local().clients.documents.send(
      new ScanCommand({ TableName: local().resources.tables[table], Select: 'COUNT' }),
    );
    return Count;
  };

  it('stores a valid definition with its defaults and version 1', async () => {
    const created = await store.create(input('hourly', { kind: 'every', everyHours: 1 }), NOW);
    assert.equal(created.version, 1);
    assert.equal(created.priority, 'normal');
    assert.deepEqual(await store.get('hourly'), created);
  });

  it('stores nothing for an invalid definition and names the bad fields', async () => {
    const [definitions, index] = [await countItems('definitions'), await countItems('dueIndex')];
    await assert.rejects(
      store.create(input('bad', { kind: 'every', everyHours: 0 }, { priority: 'asap' }), NOW),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.deepEqual(error.issues.map((issue) => issue.field).sort(), [
          'priority',
          'schedule.everyHours',
        ]);
        return true;
      },
    );
    assert.equal(await countItems('definitions'), definitions);
    assert.equal(await countItems('dueIndex'), index);
  });

  it('refuses a second definition with the same id', async () => {
    await store.create(input('twice', { kind: 'every', everyHours: 24 }), NOW);
    await assert.rejects(
      store.create(input('twice', { kind: 'every', everyHours: 12 }), NOW),
      DefinitionExistsError,
    );
    assert.deepEqual((await store.require('twice')).schedule, {
      kind: 'every',
      everyHours: 24,
      startHour: 0,
      timeZone: 'UTC',
    });
  });

  it('finds exactly the enabled definitions due in a slot, across zones and once-schedules', async () => {
    await store.create(input('every-2-odd', { kind: 'every', everyHours: 2, startHour: 1 }), NOW);
    await store.create(input('every-2-even', { kind: 'every', everyHours: 2, startHour: 0 }), NOW);
    await store.create(
      input('kolkata-9', { kind: 'every', everyHours: 24, startHour: 9, timeZone: 'Asia/Kolkata' }),
      NOW,
    );
    await store.create(input('once-03', { kind: 'once', at: `${dateOf(1)}T03:20:00Z` }), NOW);
    await store.create(input('once-04', { kind: 'once', at: `${dateOf(1)}T04:20:00+01:00` }), NOW);
    await store.create(input('disabled', { kind: 'every', everyHours: 1 }, { enabled: false }), NOW);

    const due = await dueIds(slotOn(1, 3));
    assert.deepEqual(
      due.filter((id) => id !== 'twice'),
      ['every-2-odd', 'hourly', 'kolkata-9', 'once-03', 'once-04'],
    );
    assert.ok(!(await dueIds(slotOn(1, 4))).includes('every-2-odd'));
    assert.ok((await dueIds(slotOn(1, 4))).includes('every-2-even'));
  });

  it('moves a definition in the index when its schedule changes, and drops it when disabled or deleted', async () => {
    await store.create(input('mover', { kind: 'every', everyHours: 24, startHour: 5 }), NOW);
    assert.ok((await dueIds(slotOn(2, 5))).includes('mover'));
    const moved = await store.update(
      'mover',
      { schedule: { kind: 'every', everyHours: 24, startHour: 6 } },
      NOW + 1,
    );
    assert.equal(moved.version, 2);
    assert.ok(!(await dueIds(slotOn(2, 5))).includes('mover'));
    assert.ok((await dueIds(slotOn(2, 6))).includes('mover'));

    await store.setEnabled('mover', false, NOW + 2);
    assert.ok(!(await dueIds(slotOn(2, 6))).includes('mover'));
    await store.setEnabled('mover', true, NOW + 3);
    const [entry] = await (async () => {
      for await (const page of store.dueIn(slotOn(2, 6))) {
        const found = page.filter((e) => e.definitionId === 'mover');
        if (found.length > 0) return found;
      }
      return [];
    })();
    assert.equal(entry?.definition.version, 4, 'the index holds the current snapshot');

    await store.delete('mover');
    assert.ok(!(await dueIds(slotOn(2, 6))).includes('mover'));
    await assert.rejects(store.require('mover'), DefinitionNotFoundError);
  });

  it('validates a change against the whole definition and refuses to change the id', async () => {
    await store.create(input('changing', { kind: 'every', everyHours: 6 }), NOW);
    await assert.rejects(store.update('changing', { marketplace: 'XX' }, NOW), (error: unknown) => {
      assert.ok(error instanceof ValidationError);
      assert.deepEqual(
        error.issues.map((issue) => issue.field),
        ['marketplace'],
      );
      return true;
    });
    await assert.rejects(store.update('changing', { id: 'other' }, NOW), ValidationError);
    assert.equal((await store.require('changing')).version, 1);
  });

  it('lets one of two concurrent updates of the same version win', async () => {
    await store.create(input('contested', { kind: 'every', everyHours: 6 }), NOW);
    const results = await Promise.allSettled([
      store.update('contested', { priority: 'high' }, NOW + 1, 1),
      store.update('contested', { priority: 'low' }, NOW + 2, 1),
    ]);
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
    const rejected = results.find((result) => result.status === 'rejected');
    assert.ok(rejected?.status === 'rejected' && rejected.reason instanceof DefinitionConflictError);
    assert.equal((await store.require('contested')).version, 2);
  });

  it('reads only what is due: a slot costs requests for its due keys, not for all definitions', async () => {
    // 120 definitions due at 07:00 UTC daily, none of them in the 08:00 slot.
    for (let index = 0; index < 120; index += 1) {
      await store.create(input(`daily-07-${index}`, { kind: 'every', everyHours: 24, startHour: 7 }), NOW);
    }
    const keys = await store.scheduleKeys();
    assert.ok(keys.includes('every#UTC#24#7'));

    const quiet = await counter.during(async () => dueIds(slotOn(3, 8)));
    const busy = await counter.during(async () => dueIds(slotOn(3, 7)));
    assert.equal(busy.result.filter((id) => id.startsWith('daily-07-')).length, 120);
    assert.ok(!quiet.result.some((id) => id.startsWith('daily-07-')));
    // One GetItem for the keys in use, one Query per due key (+ once#<slot>); no Scan.
    const dueKeyCount = (slot: string) => store.dueKeys(slot).then((k) => k.length);
    assert.deepEqual(quiet.requests, { GetItem: 1, Query: await dueKeyCount(slotOn(3, 8)) });
    assert.deepEqual(busy.requests, { GetItem: 1, Query: await dueKeyCount(slotOn(3, 7)) });
  });

  it('lists definitions with filters, a page at a time', async () => {
    const all: Definition[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 25, crawlType: 'search_result', ...(cursor ? { cursor } : {}) });
      all.push(...page.definitions);
      cursor = page.cursor;
    } while (cursor);
    assert.equal(new Set(all.map((d) => d.id)).size, all.length);
    assert.ok(all.length >= 120);
    const disabled = await store.list({ enabled: false, limit: 1000 });
    assert.deepEqual(
      disabled.definitions.map((d) => d.id),
      ['disabled'],
    );
  });
});
