import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceleratedClock, wallClock } from '../../local/local-clock.ts';
import { addSlots, slotOf } from '../../shared/schedule/index.ts';

describe('the local clock', () => {
  it('is the wall clock in real time', () => {
    assert.equal(wallClock.speed, 1);
    assert.equal(wallClock.ofWallClock(1_234), 1_234);
    assert.equal(wallClock.wallMsOf(60_000), 60_000);
  });

  it('with an hour every 15 s, starts at the first slot and reaches the next one 15 s later', () => {
    const start = Date.parse('2026-11-23T19:42:10Z');
    const clock = acceleratedClock(15, { startWallMs: start });
    assert.equal(clock.speed, 240);
    assert.equal(slotOf(clock.ofWallClock(start)), '2026-11-23T19:00Z');
    assert.equal(clock.ofWallClock(start), Date.parse('2026-11-23T19:00Z'), 'the hour starts now');
    assert.equal(slotOf(clock.ofWallClock(start + 14_999)), '2026-11-23T19:00Z');
    assert.equal(slotOf(clock.ofWallClock(start + 15_000)), addSlots('2026-11-23T19:00Z', 1));
    assert.equal(clock.wallMsOf(5 * 60_000), 1_250, 'a 5-minute alarm period passes in 1.25 s');
  });

  it('can start at a given slot, in the future', () => {
    const clock = acceleratedClock(20, { firstSlot: '2031-03-02T00:00Z', startWallMs: 0 });
    assert.equal(clock.ofWallClock(0), Date.parse('2031-03-02T00:00Z'));
    assert.equal(slotOf(clock.ofWallClock(40_000)), '2031-03-02T02:00Z');
  });

  it('refuses a speed that is not positive', () => {
    assert.throws(() => acceleratedClock(0), RangeError);
  });
});
