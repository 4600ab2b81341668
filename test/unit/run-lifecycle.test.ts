import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  BACKOFF,
  canTransition,
  checkpointSchema,
  classifyHttpStatus,
  isTerminal,
  MAX_DELAY_SECONDS,
  nextStepAfterFailure,
  parseCheckpoint,
  RUN_STATUSES,
  retryDelaySeconds,
  runIdOf,
  TERMINAL_STATUSES,
  TRANSITIONS,
  type TransitionName,
} from '../../shared/runs/index.ts';
import { ValidationError } from '../../shared/errors/index.ts';
import { encodeRunMessage, parseRunMessage } from '../../shared/queues/index.ts';

describe('the run state machine', () => {
  it('lets no transition but an operator reopen leave a terminal state', () => {
    for (const [name, transition] of Object.entries(TRANSITIONS)) {
      const leavesTerminal = (transition.from as readonly string[]).some((status) =>
        (TERMINAL_STATUSES as readonly string[]).includes(status),
      );
      assert.equal(leavesTerminal, name === 'reopen', name);
    }
  });

  it('allows the lifecycle of the design and refuses the rest', () => {
    const allowed: [TransitionName, string][] = [
      ['markQueued', 'PENDING'],
      ['acquire', 'QUEUED'],
      ['acquire', 'RETRY_WAIT'],
      ['acquire', 'PENDING'],
      ['release', 'RUNNING'],
      ['succeed', 'RUNNING'],
      ['fail', 'RUNNING'],
      ['cancel', 'QUEUED'],
      ['markDeadLettered', 'RETRY_WAIT'],
      ['reopen', 'DEAD_LETTERED'],
    ];
    for (const [transition, from] of allowed)
      assert.ok(canTransition(transition, from as never), `${transition} ${from}`);
    const refused: [TransitionName, string][] = [
      ['markQueued', 'RUNNING'],
      ['succeed', 'QUEUED'],
      ['release', 'RETRY_WAIT'],
      ['acquire', 'SUCCEEDED'],
      ['cancel', 'FAILED'],
      ['reopen', 'SUCCEEDED'],
      ['reopen', 'RUNNING'],
    ];
    for (const [transition, from] of refused)
      assert.ok(!canTransition(transition, from as never), `${transition} ${from}`);
  });

  it('classifies exactly four statuses as terminal', () => {
    assert.deepEqual(RUN_STATUSES.filter(isTerminal), ['SUCCEEDED', 'FAILED', 'CANCELLED', 'DEAD_LETTERED']);
  });

  it('derives the same run id for the same (definition, slot)', () => {
    assert.equal(runIdOf('amazon-us-1', '2026-11-23T19:00Z'), runIdOf('amazon-us-1', '2026-11-23T19:00Z'));
    assert.notEqual(runIdOf('amazon-us-1', '2026-11-23T19:00Z'), runIdOf('amazon-us-1', '2026-11-23T20:00Z'));
  });
});

describe('failure classes and backoff', () => {
  it('maps HTTP statuses to failure classes', () => {
    assert.equal(classifyHttpStatus(503), 'transient');
    assert.equal(classifyHttpStatus(500), 'transient');
    assert.equal(classifyHttpStatus(408), 'transient');
    assert.equal(classifyHttpStatus(429), 'blocked');
    assert.equal(classifyHttpStatus(403), 'blocked');
    assert.equal(classifyHttpStatus(404), 'permanent');
    assert.equal(classifyHttpStatus(410), 'permanent');
    assert.equal(classifyHttpStatus(200), undefined);
  });

  it('backs off exponentially within [half, whole] of the capped exponential, blocked longer', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('transient' as const, 'blocked' as const),
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failureClass, attempt, random) => {
          const { baseSeconds, capSeconds } = BACKOFF[failureClass];
          const exponential = Math.min(capSeconds, baseSeconds * 2 ** (attempt - 1));
          const delay = retryDelaySeconds(failureClass, attempt, () => random);
          assert.ok(delay >= Math.floor(exponential / 2) && delay <= Math.ceil(exponential));
          assert.ok(delay <= MAX_DELAY_SECONDS);
        },
      ),
    );
    assert.ok(retryDelaySeconds('blocked', 1, () => 0) > retryDelaySeconds('transient', 1, () => 1));
    assert.ok(retryDelaySeconds('transient', 3, () => 0) > retryDelaySeconds('transient', 1, () => 1));
  });

  it('fails at once on a permanent failure and when attempts are used up', () => {
    assert.deepEqual(nextStepAfterFailure({ failureClass: 'permanent' }, 1, 5), { action: 'fail' });
    assert.deepEqual(nextStepAfterFailure({ failureClass: 'transient' }, 3, 3), { action: 'fail' });
    const retry = nextStepAfterFailure({ failureClass: 'blocked' }, 1, 3, () => 0.5);
    assert.equal(retry.action, 'retry');
  });
});

describe('checkpoints', () => {
  it('accept page, items so far, last item, next URL and extractor state', () => {
    const checkpoint = parseCheckpoint({
      page: 2,
      itemsSoFar: 48,
      lastItemId: 'B0CHX1W1XY',
      nextUrl: 'https://www.amazon.com/s?k=kettle&page=3',
      state: { cursor: 'abc', seen: [1, 2, 3] },
    });
    assert.equal(checkpoint.page, 2);
  });

  it('refuse bad fields by name, including an oversized state and a non-http next URL', () => {
    try {
      parseCheckpoint({
        page: -1,
        itemsSoFar: 1.5,
        nextUrl: 'javascript:alert(1)',
        state: { blob: 'x'.repeat(40_000) },
      });
      assert.fail('expected a ValidationError');
    } catch (error) {
      assert.ok(error instanceof ValidationError);
      assert.deepEqual(error.issues.map((issue) => issue.field).sort(), [
        'itemsSoFar',
        'nextUrl',
        'page',
        'state',
      ]);
    }
    assert.ok(!checkpointSchema.safeParse({ page: 1, itemsSoFar: 0, unknown: true }).success);
  });

  it('refuse deeply nested state with a ValidationError, never a stack overflow', () => {
    const nested = (levels: number) => {
      let value: Record<string, unknown> = {};
      for (let level = 0; level < levels; level += 1) value = { next: value };
      return value;
    };
    for (const state of [nested(5_000), nested(30)]) {
      assert.throws(
        () => parseCheckpoint({ page: 1, itemsSoFar: 1, state }),
        (error: unknown) => error instanceof ValidationError && error.issues[0]?.field === 'state',
      );
    }
    assert.doesNotThrow(() => parseCheckpoint({ page: 1, itemsSoFar: 1, state: nested(10) }));
  });
});

describe('run messages', () => {
  it('refuse a malformed body, naming the field, and never throw anything else', () => {
    assert.throws(() => parseRunMessage('{'), ValidationError);
    assert.throws(
      () =>
        parseRunMessage(
          JSON.stringify({ v: 1, runId: 'r', definitionId: 'd', slot: '2026-13-01T00:00Z', attempt: 0 }),
        ),
      (error: unknown) => error instanceof ValidationError && error.issues[0]?.field === 'slot',
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (body) => {
        try {
          parseRunMessage(body);
        } catch (error) {
          assert.ok(error instanceof ValidationError);
        }
      }),
      { numRuns: 500 },
    );
    const body = encodeRunMessage({
      runId: 'd@2026-11-23T19:00Z',
      definitionId: 'd',
      slot: '2026-11-23T19:00Z',
      attempt: 0,
    });
    assert.equal(parseRunMessage(body).v, 1);
  });
});
