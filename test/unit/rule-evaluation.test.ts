import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type Change,
  detectItemChanges,
  detectListingChanges,
  detectListingExits,
  type ItemState,
  type ListingContext,
  nextStateOf,
} from '../../shared/changes/index.ts';
import { ValidationError } from '../../shared/errors/index.ts';
import { type Item, type ItemSnapshot, snapshotOf } from '../../shared/results/index.ts';
import {
  type ArmState,
  type Decision,
  evaluateRule,
  parseNewRule,
  type Rule,
  type RuleCondition,
} from '../../shared/rules/index.ts';

// Pure code: named calendar times are fine here (nothing is written, no real clock is read).
const T0 = Date.parse('2026-11-23T10:05:00Z');
const HOUR = 3_600_000;

function snapshotAt(n: number, item: Partial<Item>, definitionId = 'kettles'): ItemSnapshot {
  const slot = `${new Date(T0 + n * HOUR).toISOString().slice(0, 13)}:00Z`;
  return snapshotOf(
    {
      runId: `${definitionId}@${slot}`,
      definitionId,
      slot,
      platform: 'amazon',
      marketplace: 'US',
      crawlType: 'bestsellers',
      pageNumber: 1,
      capturedBy: 'test',
    },
    { id: 'B000000001', position: 1, ...item },
    T0 + n * HOUR,
    90,
  );
}

function ruleOf(condition: RuleCondition, extra: Partial<Rule> = {}): Rule {
  return {
    ruleId: 'r1',
    name: 'test rule',
    enabled: true,
    scope: { kind: 'all' },
    condition,
    delivery: { sns: true, webhooks: [] },
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    version: 1,
    ...extra,
  };
}

interface Step {
  readonly change: Change;
  readonly decision: Decision;
  readonly holds: boolean | undefined;
}

/**
 * Feeds snapshots through change detection and the state, as the change store does, and every
 * change through the evaluator with the arm state it left, as evaluateRules does.
 */
function run(
  rule: Rule,
  snapshots: readonly ItemSnapshot[],
  lowest?: (change: Change) => number | undefined,
): Step[] {
  let state: ItemState | undefined;
  let arm: ArmState | undefined;
  const steps: Step[] = [];
  for (const snapshot of snapshots) {
    const changes = detectItemChanges(state, snapshot);
    if (changes.length > 0 || !state) state = nextStateOf(state, snapshot, 90);
    for (const change of changes) {
      const lowestPrice = lowest?.(change);
      const evaluation = evaluateRule(rule, change, {
        ...(arm ? { arm } : {}),
        state,
        ...(lowestPrice === undefined ? {} : { lowestPrice }),
      });
      if (evaluation.next) arm = evaluation.next;
      steps.push({ change, decision: evaluation.decision, holds: evaluation.holds });
    }
  }
  return steps;
}

const fired = (steps: readonly Step[]) => steps.filter((step) => step.decision === 'fire');
const prices = (values: readonly number[]) =>
  values.map((price, n) => snapshotAt(n, { price, currency: 'USD' }));

describe('rule evaluation (pure)', () => {
  it('fires price below X exactly at each time the price crosses under X, never twice without a rise between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(8, 9.5, 10, 11, 12.5), { minLength: 1, maxLength: 40 }),
        (series) => {
          const steps = run(ruleOf({ kind: 'price_below', amount: 10, currency: 'USD' }), prices(series));
          // The observed price after each change: first observation, then each move.
          let expected = 0;
          let below = false;
          for (const step of steps) {
            const now = step.holds === true;
            if (now && !below) expected += 1;
            if (step.holds !== undefined) below = now;
          }
          assert.equal(fired(steps).length, expected);
          // No storm: between two firings there is an observation where the condition was false.
          let sawFalse = true;
          for (const step of steps) {
            if (step.decision === 'fire') {
              assert.ok(sawFalse, 'fired twice without the condition being false between');
              sawFalse = false;
            }
            if (step.holds === false) sawFalse = true;
          }
        },
      ),
    );
  });

  it('fires once for a price that keeps moving while staying below X (no alert storm)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 100, max: 999 }), { minLength: 2, maxLength: 40 }), (cents) => {
        const steps = run(
          ruleOf({ kind: 'price_below', amount: 10, currency: 'USD' }),
          prices(cents.map((c) => c / 100)),
        );
        assert.equal(fired(steps).length, 1);
        assert.equal(fired(steps)[0]?.change.kind, 'first_seen');
      }),
    );
  });

  it('never fires for a price in another currency', () => {
    const steps = run(ruleOf({ kind: 'price_below', amount: 10, currency: 'EUR' }), prices([12, 8, 7]));
    assert.equal(fired(steps).length, 0);
  });

  it('fires a drop of at least p% once, and again only after a rise re-armed it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 50, max: 150 }), { minLength: 2, maxLength: 40 }), (series) => {
        const rule = ruleOf({ kind: 'price_drop', percent: 10 });
        const steps = run(rule, prices(series));
        const moves = steps.filter(
          (step) => step.change.kind === 'price_up' || step.change.kind === 'price_down',
        );
        let armed = true;
        let expected = 0;
        for (const step of moves) {
          const qualifies = step.change.kind === 'price_down' && -(step.change.percent ?? 0) >= 10;
          if (qualifies && armed) {
            expected += 1;
            armed = false;
          } else if (!qualifies) armed = true;
        }
        assert.equal(fired(steps).length, expected);
      }),
    );
  });

  it('does not fire again when the same change is evaluated again with the arm state it left', () => {
    const rule = ruleOf({ kind: 'price_drop', percent: 10 });
    const [first, drop] = detectItemChangesSeries([100, 80]);
    assert.equal(first?.kind, 'first_seen');
    const once = evaluateRule(rule, drop!, {});
    assert.equal(once.decision, 'fire');
    const again = evaluateRule(rule, drop!, { arm: once.next! });
    assert.equal(again.decision, 'quiet');
  });

  it('re-arms a state condition only once it was seen false, then fires on the next time it holds', () => {
    const rule = ruleOf({ kind: 'back_in_stock' });
    const stock = ['out_of_stock', 'in_stock', 'in_stock', 'out_of_stock', 'in_stock'];
    const snapshots = stock.map((availability, n) =>
      snapshotAt(n, { availability, price: 10 + n, currency: 'USD' }),
    );
    const steps = run(rule, snapshots);
    // Changes of one snapshot come price first, then stock; both see the item's state at that snapshot.
    const decisions = steps.map((step) => `${step.change.kind}:${step.decision}`);
    assert.deepEqual(decisions, [
      'first_seen:quiet',
      'price_up:fire',
      'back_in_stock:quiet',
      'price_up:quiet',
      'price_up:re-arm',
      'out_of_stock:quiet',
      'price_up:fire',
      'back_in_stock:quiet',
    ]);
  });

  it('fires a back-in-stock rule once when the first observation is already in stock, and not on later runs', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 100, max: 999 }), { minLength: 1, maxLength: 20 }), (cents) => {
        const snapshots = cents.map((c, n) =>
          snapshotAt(n, { availability: 'in_stock', price: c / 100, currency: 'USD' }),
        );
        const steps = run(ruleOf({ kind: 'back_in_stock' }), snapshots);
        assert.equal(fired(steps).length, 1);
        assert.equal(fired(steps)[0]?.change.kind, 'first_seen');
      }),
    );
  });

  it('keeps a rule quiet at the first observation when its condition does not hold, and fires when it becomes true', () => {
    const steps = run(ruleOf({ kind: 'back_in_stock' }), [
      snapshotAt(0, { availability: 'out_of_stock' }),
      snapshotAt(1, { availability: 'in_stock' }),
    ]);
    assert.deepEqual(
      steps.map((step) => step.decision),
      ['quiet', 'fire'],
    );
  });

  it('keeps at least the cool-down between two firings of a state condition', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(8, 12), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 600 }),
        (series, coolDownMinutes) => {
          const steps = run(
            ruleOf({ kind: 'price_below', amount: 10, currency: 'USD' }, { coolDownMinutes }),
            prices(series),
          );
          const times = fired(steps).map((step) => Date.parse(step.change.detectedAt));
          for (let i = 1; i < times.length; i += 1) {
            assert.ok(times[i]! - times[i - 1]! >= coolDownMinutes * 60_000);
          }
        },
      ),
    );
  });

  it('re-arms a move condition after its cool-down: a price sliding in big steps fires once per cool-down', () => {
    const series = [100, 80, 60, 45, 30];
    const without = run(ruleOf({ kind: 'price_drop', percent: 10 }), prices(series));
    assert.equal(fired(without).length, 1);
    const withCoolDown = run(
      ruleOf({ kind: 'price_drop', percent: 10 }, { coolDownMinutes: 120 }),
      prices(series),
    );
    // Drops at hours 1, 2, 3, 4: fires at 1, re-armed by the cool-down at 3.
    assert.deepEqual(
      fired(withCoolDown).map((step) => step.change.to),
      [80, 45],
    );
  });

  it('fires a drop against the lowest price of the window only when the new price is p% under it', () => {
    const rule = ruleOf({ kind: 'price_drop_from_lowest', percent: 10, days: 30 });
    const steps = run(rule, prices([100, 95, 90, 85]), () => 95);
    // 90 > 95 × 0.9 = 85.5: no; 85 ≤ 85.5: fires.
    assert.deepEqual(
      fired(steps).map((step) => step.change.to),
      [85],
    );
    const noHistory = run(rule, prices([100, 50]), () => undefined);
    assert.equal(fired(noHistory).length, 0);
  });

  it('stays quiet on a change older than its last decision', () => {
    const rule = ruleOf({ kind: 'price_drop', percent: 10 });
    const [, drop] = detectItemChangesSeries([100, 80]);
    const arm: ArmState = { armed: true, observedAt: new Date(T0 + 10 * HOUR).toISOString() };
    assert.equal(evaluateRule(rule, drop!, { arm }).decision, 'quiet');
  });

  it('decides listing conditions from entered, rank moved and left', () => {
    const listing: ListingContext = {
      definitionId: 'kettles',
      baselineRunId: 'kettles@base',
      baseline: new Map([['amazon#US#B000000001', { itemId: 'B000000001', rank: 12 }]]),
    };
    const moved = detectListingChanges(listing, snapshotAt(1, { rank: 3 }));
    const entered = detectListingChanges({ ...listing, baseline: new Map() }, snapshotAt(1, { rank: 4 }));
    const exits = detectListingExits(
      { ...listing, baseline: new Map([['amazon#US#B000000001', { itemId: 'B000000001', rank: 2 }]]) },
      {
        runId: 'kettles@x',
        definitionId: 'kettles',
        slot: '2026-11-23T12:00Z',
        platform: 'amazon',
        marketplace: 'US',
        crawlType: 'bestsellers',
        isComplete: true,
        itemKeys: new Set(),
        finishedAt: new Date(T0 + 2 * HOUR).toISOString(),
      },
    );
    const decide = (condition: RuleCondition, change: Change | undefined) =>
      evaluateRule(ruleOf(condition), change!, {}).decision;
    assert.equal(decide({ kind: 'entered_top', top: 5 }, moved[0]), 'fire');
    assert.equal(decide({ kind: 'entered_top', top: 2 }, moved[0]), 'quiet');
    assert.equal(decide({ kind: 'entered_top', top: 5 }, entered[0]), 'fire');
    assert.equal(decide({ kind: 'left_top', top: 5 }, exits[0]), 'fire');
    assert.equal(decide({ kind: 'left_top', top: 1 }, exits[0]), 'quiet');
    assert.equal(decide({ kind: 'rank_moved', by: 9 }, moved[0]), 'fire');
    assert.equal(decide({ kind: 'rank_moved', by: 10 }, moved[0]), 'quiet');
    assert.equal(decide({ kind: 'new_on_listing' }, entered[0]), 'fire');
    assert.equal(decide({ kind: 'new_on_listing' }, moved[0]), 'quiet');
    // A rule scoped to another definition never decides.
    assert.equal(
      evaluateRule(
        ruleOf({ kind: 'new_on_listing' }, { scope: { kind: 'definition', definitionId: 'other' } }),
        entered[0]!,
      ).decision,
      'quiet',
    );
  });

  it('stays quiet while disabled', () => {
    const [first] = detectItemChangesSeries([5]);
    const rule = ruleOf({ kind: 'price_below', amount: 10, currency: 'USD' }, { enabled: false });
    assert.equal(evaluateRule(rule, first!, { state: stateAfter([5]) }).decision, 'quiet');
  });
});

describe('rule schema', () => {
  it('refuses bad rules with a ValidationError naming the field', () => {
    const cases: [unknown, string][] = [
      [
        {
          name: 'x',
          scope: { kind: 'all' },
          condition: { kind: 'price_below', amount: 10, currency: 'eur' },
        },
        'condition.currency',
      ],
      [
        { name: 'x', scope: { kind: 'all' }, condition: { kind: 'price_drop', percent: 0 } },
        'condition.percent',
      ],
      [
        { name: 'x', scope: { kind: 'all' }, condition: { kind: 'price_drop_from_lowest', percent: 5 } },
        'condition.days',
      ],
      [{ name: 'x', scope: { kind: 'all' }, condition: { kind: 'entered_top', top: 0 } }, 'condition.top'],
      [{ name: 'x', scope: { kind: 'all' }, condition: { kind: 'teleported' } }, 'condition.kind'],
      [
        { name: 'x', scope: { kind: 'definition' }, condition: { kind: 'back_in_stock' } },
        'scope.definitionId',
      ],
      [
        { name: 'x', scope: { kind: 'item', itemKey: 'nope' }, condition: { kind: 'back_in_stock' } },
        'scope.itemKey',
      ],
      [{ name: '', scope: { kind: 'all' }, condition: { kind: 'back_in_stock' } }, 'name'],
      [
        { name: 'x', scope: { kind: 'all' }, condition: { kind: 'back_in_stock' }, coolDownMinutes: 0 },
        'coolDownMinutes',
      ],
      [
        {
          name: 'x',
          scope: { kind: 'all' },
          condition: { kind: 'back_in_stock' },
          delivery: { webhooks: ['a', 'a'] },
        },
        'delivery.webhooks',
      ],
      [{ name: 'x', scope: { kind: 'all' }, condition: { kind: 'back_in_stock' }, colour: 'red' }, '(root)'],
    ];
    for (const [input, field] of cases) {
      assert.throws(
        () => parseNewRule(input),
        (error: unknown) =>
          error instanceof ValidationError && error.issues.some((issue) => issue.field === field),
        `expected ${field} to be named for ${JSON.stringify(input)}`,
      );
    }
  });

  it('fills the defaults of a good rule', () => {
    const rule = parseNewRule({
      name: 'kettle under 20',
      scope: { kind: 'item', itemKey: 'amazon#UK#B0ABC12345' },
      condition: { kind: 'price_below', amount: 20, currency: 'GBP' },
    });
    assert.equal(rule.enabled, true);
    assert.deepEqual(rule.delivery, { sns: false, webhooks: [] });
  });
});

function detectItemChangesSeries(series: readonly number[]): Change[] {
  let state: ItemState | undefined;
  const changes: Change[] = [];
  series.forEach((price, n) => {
    const snapshot = snapshotAt(n, { price, currency: 'USD' });
    changes.push(...detectItemChanges(state, snapshot));
    state = nextStateOf(state, snapshot, 90);
  });
  return changes;
}

function stateAfter(series: readonly number[]): ItemState {
  let state: ItemState | undefined;
  series.forEach((price, n) => {
    state = nextStateOf(state, snapshotAt(n, { price, currency: 'USD' }), 90);
  });
  return state!;
}
