import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALARMS } from '../../shared/catalogue/index.ts';
import { aggregate, evaluateAlarm, LocalAlarms } from '../../local/alarm-evaluator.ts';

const T0 = Date.parse('2026-11-23T00:00:00Z');
const MINUTE = 60_000;

/** An EMF line as Powertools Metrics writes it. */
const emf = (
  stage: string,
  atMs: number,
  values: Record<string, number>,
  dimensions = ['service', 'Stage'],
) =>
  JSON.stringify({
    _aws: {
      Timestamp: atMs,
      CloudWatchMetrics: [
        {
          Namespace: 'Shelfwatch',
          Dimensions: [dimensions],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    service: 'shelfwatch',
    Stage: stage,
    ...values,
  });

describe('alarm evaluation', () => {
  it('aggregates with the alarm statistic', () => {
    assert.equal(aggregate([1, 2, 3], 'Sum'), 6);
    assert.equal(aggregate([1, 2, 3], 'Average'), 2);
    assert.equal(aggregate([1, 5, 3], 'Maximum'), 5);
    assert.equal(
      aggregate(
        Array.from({ length: 100 }, (_, i) => i + 1),
        'p99',
      ),
      99,
    );
    assert.equal(aggregate([], 'Sum'), undefined);
  });

  it('treats a missing heartbeat as breaching: silence is the failure', () => {
    const declaration = ALARMS.MonitorHeartbeatMissing;
    assert.ok(declaration);
    assert.equal(evaluateAlarm(declaration, [], T0).state, 'ALARM');
    const beats = Array.from({ length: 4 }, (_, i) => ({ atMs: T0 - (i + 1) * 5 * MINUTE + 1, value: 1 }));
    assert.equal(evaluateAlarm(declaration, beats, T0).state, 'OK');
  });

  it('goes to ALARM after the required breaching periods and back to OK, reading EMF lines', () => {
    const alarms = new LocalAlarms('local');
    const successRate = (atMs: number, value: number) =>
      alarms.ingestLogLine(emf('local', atMs, { SuccessRate: value, MonitorHeartbeat: 1 }));
    // Healthy for 20 minutes.
    for (let minute = 0; minute < 20; minute += 5) successRate(T0 + minute * MINUTE, 1);
    const first = alarms.evaluate(T0 + 20 * MINUTE);
    assert.equal(alarms.stateOf('SuccessRateLow'), 'OK');
    assert.ok(first.some((t) => t.alarm === 'SuccessRateLow' && t.from === undefined && t.to === 'OK'));
    // Three bad periods (SuccessRateLow: 3 of 3 below 0.8).
    successRate(T0 + 20 * MINUTE, 0.5);
    successRate(T0 + 25 * MINUTE, 0.4);
    assert.deepEqual(
      alarms.evaluate(T0 + 30 * MINUTE).filter((t) => t.alarm === 'SuccessRateLow'),
      [],
    );
    successRate(T0 + 30 * MINUTE, 0.3);
    const down = alarms.evaluate(T0 + 35 * MINUTE);
    assert.ok(down.some((t) => t.alarm === 'SuccessRateLow' && t.from === 'OK' && t.to === 'ALARM'));
    assert.ok(alarms.firing().includes('SuccessRateLow'));
    // Recovery: one good period is enough to leave ALARM (fewer than 3 breaching).
    successRate(T0 + 35 * MINUTE, 0.95);
    const up = alarms.evaluate(T0 + 40 * MINUTE);
    assert.ok(up.some((t) => t.alarm === 'SuccessRateLow' && t.from === 'ALARM' && t.to === 'OK'));
  });

  it('does not judge an alarm before a whole evaluation window has passed since start', () => {
    const alarms = new LocalAlarms('local', ALARMS, { startedAtMs: T0 });
    assert.deepEqual(
      alarms.evaluate(T0 + 10 * MINUTE).filter((t) => t.alarm === 'MonitorHeartbeatMissing'),
      [],
    );
    assert.equal(alarms.stateOf('MonitorHeartbeatMissing'), undefined);
    const later = alarms.evaluate(T0 + 15 * MINUTE);
    assert.ok(
      later.some((t) => t.alarm === 'MonitorHeartbeatMissing' && t.to === 'ALARM'),
      'silence since start',
    );
  });

  it('ignores EMF of another stage, other dimension sets and lines that are not EMF', () => {
    const alarms = new LocalAlarms('local');
    assert.equal(alarms.ingestLogLine(emf('prod', T0, { SuccessRate: 0 })), 0);
    assert.equal(
      alarms.ingestLogLine(emf('local', T0, { SuccessRate: 0 }, ['service', 'Stage', 'CrawlType'])),
      0,
    );
    assert.equal(alarms.ingestLogLine('{"level":"INFO","message":"monitor tick"}'), 0);
    assert.equal(alarms.ingestLogLine('not json'), 0);
    assert.equal(alarms.ingestLogLine(emf('local', T0, { SuccessRate: 0.5, RunsFailed: 2 })), 2);
  });
});
