import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextFiringMs, UnsupportedScheduleError } from '../../local/schedule-clock.ts';
import { SCHEDULES } from '../../shared/catalogue/index.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('local schedule clock', () => {
  it('fires the catalogue schedules when EventBridge Scheduler would (UTC)', () => {
    assert.equal(
      iso(nextFiringMs(SCHEDULES.expander.expression, at('2026-11-23T19:00:00Z'))),
      '2026-11-23T20:00:00.000Z',
    );
    assert.equal(
      iso(nextFiringMs(SCHEDULES.expander.expression, at('2026-11-23T19:59:59Z'))),
      '2026-11-23T20:00:00.000Z',
    );
    assert.equal(
      iso(nextFiringMs(SCHEDULES.monitor.expression, at('2026-11-23T19:02:00Z'))),
      '2026-11-23T19:05:00.000Z',
    );
  });

  it('handles other rates and crons of the supported shape', () => {
    assert.equal(iso(nextFiringMs('rate(1 hour)', at('2026-11-23T19:30:00Z'))), '2026-11-23T20:00:00.000Z');
    assert.equal(
      iso(nextFiringMs('cron(15 * * * ? *)', at('2026-11-23T19:30:00Z'))),
      '2026-11-23T20:15:00.000Z',
    );
    assert.equal(
      iso(nextFiringMs('cron(30 3 * * ? *)', at('2026-11-23T19:30:00Z'))),
      '2026-11-24T03:30:00.000Z',
    );
  });

  it('says which expressions it cannot emulate', () => {
    for (const expression of [
      'cron(0/5 * * * ? *)',
      'at(2026-11-23T19:00:00)',
      'rate(0 minutes)',
      'cron(61 * * * ? *)',
    ]) {
      assert.throws(() => nextFiringMs(expression, 0), UnsupportedScheduleError, expression);
    }
  });
});
