import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  addSlots,
  instantOfWallClock,
  isDue,
  isSlot,
  localHoursDueIn,
  type Schedule,
  scheduleKeyOf,
  scheduleKeysDueIn,
  type Slot,
  slotOf,
  slotsBetween,
  wallClockOf,
} from '../../shared/schedule/index.ts';

const every = (everyHours: number, startHour: number, timeZone: string): Schedule => ({
  kind: 'every',
  everyHours,
  startHour,
  timeZone,
});

/** Slots (UTC hours) in which a schedule is due, between two slots inclusive. */
const dueSlots = (schedule: Schedule, from: Slot, to: Slot): string[] =>
  slotsBetween(from, to).filter((slot) => isDue(schedule, slot));

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Europe/London',
];

describe('slots', () => {
  it('are UTC hours written 2026-11-23T19:00Z', () => {
    assert.equal(slotOf(Date.parse('2026-11-23T19:59:59.999Z')), '2026-11-23T19:00Z');
    assert.equal(addSlots('2026-12-31T23:00Z', 1), '2027-01-01T00:00Z');
    assert.ok(isSlot('2026-11-23T19:00Z'));
    for (const bad of [
      '2026-11-23T19:30Z',
      '2026-11-23 19:00Z',
      '2026-02-30T01:00Z',
      '2026-13-01T00:00Z',
      '2026-01-01T25:00Z',
      'x',
    ]) {
      assert.ok(!isSlot(bad), bad);
    }
    assert.deepEqual(slotsBetween('2026-11-23T22:00Z', '2026-11-24T01:00Z').length, 4);
  });
});

describe('wall clock in a time zone', () => {
  it('resolves a skipped wall time to the instant the clocks jump', () => {
    // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00Z; 02:30 never happens.
    const skipped = instantOfWallClock(
      { year: 2026, month: 3, day: 8, hour: 2, minute: 30 },
      'America/New_York',
    );
    assert.equal(new Date(skipped).toISOString(), '2026-03-08T07:00:00.000Z');
  });

  it('resolves a repeated wall time to its first occurrence', () => {
    // New York, 2026-11-01: 01:00-02:00 happens in EDT (05:00Z) and again in EST (06:00Z).
    const repeated = instantOfWallClock(
      { year: 2026, month: 11, day: 1, hour: 1, minute: 15 },
      'America/New_York',
    );
    assert.equal(new Date(repeated).toISOString(), '2026-11-01T05:15:00.000Z');
  });

  it('round-trips every instant that is not in a repeated hour', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2035-01-01') }),
        (zone, epochMs) => {
          const minute = Math.floor(epochMs / 60_000) * 60_000;
          const back = instantOfWallClock(wallClockOf(minute, zone), zone);
          // Either the same instant, or the earlier occurrence of the same wall time (fall-back).
          assert.ok(back === minute || (back < minute && minute - back <= 3_600_000));
          assert.deepEqual(wallClockOf(back, zone), wallClockOf(minute, zone));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('due-ness on the days clocks change', () => {
  it('America/New_York spring forward: the skipped 02:00 runs at the jump, together with 03:00', () => {
    assert.deepEqual(localHoursDueIn('2026-03-08T06:00Z', 'America/New_York'), [1]);
    assert.deepEqual(localHoursDueIn('2026-03-08T07:00Z', 'America/New_York'), [2, 3]);
    assert.deepEqual(dueSlots(every(24, 2, 'America/New_York'), '2026-03-08T00:00Z', '2026-03-08T23:00Z'), [
      '2026-03-08T07:00Z',
    ]);
    // Hourly: 24 local hours, but 02:00 and 03:00 share a slot: 23 runs on a 23-hour day.
    assert.equal(
      dueSlots(every(1, 0, 'America/New_York'), '2026-03-08T05:00Z', '2026-03-09T03:00Z').length,
      23,
    );
  });

  it('America/New_York fall back: the repeated 01:00 runs once, in its first (EDT) occurrence', () => {
    assert.deepEqual(localHoursDueIn('2026-11-01T05:00Z', 'America/New_York'), [1]);
    assert.deepEqual(localHoursDueIn('2026-11-01T06:00Z', 'America/New_York'), []);
    assert.deepEqual(dueSlots(every(24, 1, 'America/New_York'), '2026-11-01T00:00Z', '2026-11-01T23:00Z'), [
      '2026-11-01T05:00Z',
    ]);
    // Hourly on a 25-hour day: 24 runs, none for the second 01:00.
    assert.equal(
      dueSlots(every(1, 0, 'America/New_York'), '2026-11-01T04:00Z', '2026-11-02T04:00Z').length,
      24,
    );
  });

  it('Europe/Berlin spring forward and fall back', () => {
    assert.deepEqual(localHoursDueIn('2026-03-29T01:00Z', 'Europe/Berlin'), [2, 3]);
    assert.deepEqual(dueSlots(every(24, 2, 'Europe/Berlin'), '2026-03-28T23:00Z', '2026-03-29T21:00Z'), [
      '2026-03-29T01:00Z',
    ]);
    assert.deepEqual(localHoursDueIn('2026-10-25T00:00Z', 'Europe/Berlin'), [2]);
    assert.deepEqual(localHoursDueIn('2026-10-25T01:00Z', 'Europe/Berlin'), []);
    assert.deepEqual(dueSlots(every(24, 2, 'Europe/Berlin'), '2026-10-24T22:00Z', '2026-10-25T22:00Z'), [
      '2026-10-25T00:00Z',
    ]);
  });

  it('Asia/Kolkata (UTC+5:30): local hour marks fall in the middle of UTC slots', () => {
    // 09:00 IST is 03:30Z: due in the 03:00Z slot.
    assert.deepEqual(dueSlots(every(24, 9, 'Asia/Kolkata'), '2026-06-01T00:00Z', '2026-06-01T23:00Z'), [
      '2026-06-01T03:00Z',
    ]);
    assert.deepEqual(dueSlots(every(6, 0, 'Asia/Kolkata'), '2026-06-01T00:00Z', '2026-06-01T23:00Z'), [
      '2026-06-01T00:00Z',
      '2026-06-01T06:00Z',
      '2026-06-01T12:00Z',
      '2026-06-01T18:00Z',
    ]);
  });

  it('Australia/Lord_Howe (30-minute DST): skipped 02:00 runs at the 02:30 jump; repeated half hour runs once', () => {
    // 2026-10-04 02:00 LHST (+10:30) jumps to 02:30 LHDT (+11) at 2026-10-03T15:30Z.
    assert.deepEqual(localHoursDueIn('2026-10-03T15:00Z', 'Australia/Lord_Howe'), [2]);
    assert.deepEqual(
      dueSlots(every(24, 2, 'Australia/Lord_Howe'), '2026-10-03T12:00Z', '2026-10-04T12:00Z'),
      ['2026-10-03T15:00Z'],
    );
    // 2026-04-05 02:00 LHDT falls back to 01:30 LHST at 2026-04-04T15:00Z; 01:30-02:00 repeats.
    assert.deepEqual(localHoursDueIn('2026-04-04T14:00Z', 'Australia/Lord_Howe'), [1]);
    assert.deepEqual(localHoursDueIn('2026-04-04T15:00Z', 'Australia/Lord_Howe'), [2]);
    assert.equal(
      dueSlots(every(1, 0, 'Australia/Lord_Howe'), '2026-04-04T13:00Z', '2026-04-05T12:00Z').length,
      24,
    );
  });

  it('every local hour mark of any day is due in exactly one slot, in every zone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.parse('2024-01-01'), max: Date.parse('2032-01-01') }),
        (zone, epochMs) => {
          // Every hour mark of five local days, mapped to the slot of its instant.
          const marks = new Map<string, number>();
          const today = wallClockOf(epochMs, zone);
          for (let day = -2; day <= 2; day += 1) {
            const date = new Date(Date.UTC(today.year, today.month - 1, today.day + day));
            for (let hour = 0; hour < 24; hour += 1) {
              const wall = {
                year: date.getUTCFullYear(),
                month: date.getUTCMonth() + 1,
                day: date.getUTCDate(),
                hour,
                minute: 0,
              };
              const slot = slotOf(instantOfWallClock(wall, zone));
              // Forward: the slot of a mark's instant lists the mark's hour.
              assert.ok(
                localHoursDueIn(slot, zone).includes(hour),
                `${zone} ${JSON.stringify(wall)} not due in ${slot}`,
              );
              const key = `${slot}|${hour}`;
              marks.set(key, (marks.get(key) ?? 0) + 1);
            }
          }
          // Backward: within the middle day's slots, each hour listed is exactly one mark (no doubles).
          for (const slot of slotsBetween(
            slotOf(epochMs - 12 * 3_600_000),
            slotOf(epochMs + 12 * 3_600_000),
          )) {
            for (const hour of localHoursDueIn(slot, zone)) {
              assert.equal(marks.get(`${slot}|${hour}`), 1, `${zone}: hour ${hour} in ${slot}`);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a daily schedule is due in the slot of its local hour mark and in no slot within 11 hours of it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: Date.parse('2024-01-01'), max: Date.parse('2032-01-01') }),
        (zone, startHour, epochMs) => {
          const schedule = every(24, startHour, zone);
          const mark = instantOfWallClock(
            { ...wallClockOf(epochMs, zone), hour: startHour, minute: 0 },
            zone,
          );
          const expected = slotOf(mark);
          assert.ok(isDue(schedule, expected), `${zone} ${startHour}: not due in ${expected}`);
          for (let offset = 1; offset <= 11; offset += 1) {
            assert.ok(!isDue(schedule, addSlots(expected, offset)), `${zone}: also due ${offset} h later`);
            assert.ok(!isDue(schedule, addSlots(expected, -offset)), `${zone}: also due ${offset} h earlier`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('every N hours', () => {
  it('restarts at the start hour each local day when N does not divide 24', () => {
    const hours = slotsBetween('2026-06-01T00:00Z', '2026-06-01T23:00Z')
      .filter((slot) => isDue(every(5, 2, 'UTC'), slot))
      .map((slot) => Number(slot.slice(11, 13)));
    assert.deepEqual(hours, [2, 7, 12, 17, 22]);
  });

  it('is the same schedule for start hours congruent modulo N', () => {
    assert.equal(scheduleKeyOf(every(5, 2, 'UTC')), scheduleKeyOf(every(5, 7, 'UTC')));
    assert.notEqual(scheduleKeyOf(every(5, 2, 'UTC')), scheduleKeyOf(every(5, 3, 'UTC')));
  });

  it('selects exactly the keys due in a slot', () => {
    const keys = [
      scheduleKeyOf(every(1, 0, 'UTC')),
      scheduleKeyOf(every(2, 1, 'UTC')),
      scheduleKeyOf(every(2, 0, 'UTC')),
      scheduleKeyOf({ kind: 'once', at: '2026-06-01T03:15:00+00:00' }),
      scheduleKeyOf({ kind: 'once', at: '2026-06-01T04:15:00+00:00' }),
      scheduleKeyOf(every(24, 9, 'Asia/Kolkata')),
    ];
    assert.deepEqual(scheduleKeysDueIn('2026-06-01T03:00Z', keys), [
      'every#UTC#1#0',
      'every#UTC#2#1',
      'once#2026-06-01T03:00Z',
      'every#Asia/Kolkata#24#9',
    ]);
  });

  it('agrees with a brute-force reading of the wall clock for random schedules and slots', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: Date.parse('2024-01-01'), max: Date.parse('2032-01-01') }),
        (zone, everyHours, startHour, epochMs) => {
          const slot = slotOf(epochMs);
          const start = Date.parse(slot);
          // Brute force: look at each minute of the slot for an hour mark that is due and that is the
          // mark's first occurrence (or the jump over a skipped mark).
          let expected = false;
          let previous = wallClockOf(start - 60_000, zone);
          for (let minute = start; minute < start + 3_600_000; minute += 60_000) {
            const wall = wallClockOf(minute, zone);
            const crossed =
              Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour) >
              Date.UTC(previous.year, previous.month - 1, previous.day, previous.hour);
            if (crossed) {
              // Every hour mark passed between previous and wall (one, or two across a skip).
              for (let mark = previous.hour + 1; ; mark += 1) {
                const hour = mark % 24;
                const isFirst = instantOfWallClock({ ...wall, hour, minute: 0 }, zone) >= start - 3_600_000;
                if (isFirst && hour % everyHours === startHour % everyHours) expected = true;
                if (hour === wall.hour) break;
              }
            }
            previous = wall;
          }
          assert.equal(isDue(every(everyHours, startHour, zone), slot), expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
