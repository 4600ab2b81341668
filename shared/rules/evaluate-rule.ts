/**
 * The rule evaluator, pure: (rule, a change, what the rule remembers of the item) → fire, stay
 * quiet or re-arm, and why. No clock and no I/O: times are the observations' own.
 *
 *   condition true  ── armed (or never decided for this item) ──▶ FIRE, disarm
 *                   └─ disarmed ──────────────────────────────────▶ quiet (it already fired)
 *   condition false ── disarmed ──────────────────────────────────▶ RE-ARM
 *   the change says nothing about the condition ──────────────────▶ quiet, nothing remembered
 *
 * A rule never decided for an item counts as armed: a condition that already holds at the first
 * observation fires once (changedetection.io #3851: never-fires and fires-every-run both avoided).
 * State conditions re-arm only when seen false; move conditions (a drop, a rank move) also once
 * their cool-down has passed since they fired. A cool-down also keeps an armed rule quiet until
 * it has passed since the last firing: the next true observation after it fires.
 */
import { type Change, ITEM_CHANGE_KINDS, type ItemState } from '../changes/index.ts';
import { type ConditionKind, isInScope, type Rule, type RuleCondition } from './rule.ts';

/** What a rule remembers of one item: the arm state. Absent: never decided, which counts as armed. */
export interface ArmState {
  readonly armed: boolean;
  /** Detection time of the change that last flipped it (fired or re-armed). */
  readonly observedAt: string;
  readonly firedAt?: string;
  readonly firedChangeId?: string;
}

export type Decision = 'fire' | 'quiet' | 're-arm';

export interface Evaluation {
  readonly decision: Decision;
  /** The condition at this change: true, false, or undefined when the change says nothing of it. */
  readonly holds: boolean | undefined;
  readonly reason: string;
  /** The arm state to store: present only when it changes (fire or re-arm). */
  readonly next?: ArmState;
}

export interface EvaluationContext {
  readonly arm?: ArmState;
  /** The item's state; used for values the change does not carry, see `valuesOf`. */
  readonly state?: ItemState;
  /** For `price_drop_from_lowest`: the lowest price of the item in its window before this change. */
  readonly lowestPrice?: number;
}

/** Conditions about a move (a drop, a rank move): re-armed also once their cool-down has passed. */
export const MOVE_CONDITIONS: ReadonlySet<ConditionKind> = new Set([
  'price_drop',
  'price_drop_from_lowest',
  'rank_moved',
]);

/** Every item change: each carries (through the item's state) its latest price and stock. */
const ITEM_KINDS: ReadonlySet<Change['kind']> = new Set(ITEM_CHANGE_KINDS);

/** Change kinds that can decide each condition; any other change is not even read for it. */
export const DECIDING_KINDS: Record<ConditionKind, ReadonlySet<Change['kind']>> = {
  // Any change of the item carries (through its state) the price and stock of its first observation.
  price_below: ITEM_KINDS,
  back_in_stock: ITEM_KINDS,
  out_of_stock: ITEM_KINDS,
  price_drop: new Set(['price_up', 'price_down']),
  price_drop_from_lowest: new Set(['price_up', 'price_down']),
  entered_top: new Set(['entered_listing', 'rank_moved', 'left_listing']),
  left_top: new Set(['entered_listing', 'rank_moved', 'left_listing']),
  rank_moved: new Set(['rank_moved']),
  new_on_listing: new Set(['entered_listing', 'left_listing']),
};

export const isDecidedBy = (condition: RuleCondition, change: Pick<Change, 'kind'>): boolean =>
  DECIDING_KINDS[condition.kind].has(change.kind);

/**
 * Whether the item's state may fill in what the change does not carry: when it was written from
 * this very snapshot, or on the first observation (no arm state yet: the latest values decide).
 */
export const mayUseState = (change: Change, context: EvaluationContext): boolean =>
  context.state !== undefined &&
  (context.state.snapshotId === change.snapshotId || context.arm === undefined);

/** Price, currency and stock as of the change: the change's own values first, then the state's. */
function valuesOf(change: Change, context: EvaluationContext) {
  const state = mayUseState(change, context) ? context.state : undefined;
  const isPriceMove = change.kind === 'price_up' || change.kind === 'price_down';
  const stockOfChange =
    change.kind === 'back_in_stock' ? true : change.kind === 'out_of_stock' ? false : undefined;
  return {
    price: isPriceMove && typeof change.to === 'number' ? change.to : state?.price,
    currency: isPriceMove ? (change.currency ?? state?.currency) : state?.currency,
    inStock: stockOfChange ?? state?.inStock,
  };
}

const rankTo = (change: Change): number | undefined =>
  change.kind === 'rank_moved' ? (change.to as number | undefined) : change.rank;

/** The condition at this change: true, false, or undefined (the change says nothing of it). */
export function conditionHolds(
  condition: RuleCondition,
  change: Change,
  context: EvaluationContext = {},
): boolean | undefined {
  if (!isDecidedBy(condition, change)) return undefined;
  switch (condition.kind) {
    case 'price_below': {
      const { price, currency } = valuesOf(change, context);
      if (price === undefined || currency === undefined) return undefined;
      if (currency !== condition.currency) return undefined;
      return price < condition.amount;
    }
    case 'back_in_stock':
      return valuesOf(change, context).inStock;
    case 'out_of_stock': {
      const { inStock } = valuesOf(change, context);
      return inStock === undefined ? undefined : !inStock;
    }
    case 'price_drop':
      if (change.kind === 'price_up') return false;
      return change.percent === undefined ? undefined : -change.percent >= condition.percent;
    case 'price_drop_from_lowest': {
      if (change.kind === 'price_up') return false;
      if (context.lowestPrice === undefined || typeof change.to !== 'number') return undefined;
      return change.to <= context.lowestPrice * (1 - condition.percent / 100);
    }
    case 'entered_top': {
      if (change.kind === 'left_listing') return false;
      const rank = rankTo(change);
      return rank === undefined ? undefined : rank <= condition.top;
    }
    case 'left_top': {
      if (change.kind === 'left_listing')
        return change.rank === undefined ? undefined : change.rank <= condition.top;
      const rank = rankTo(change);
      if (rank === undefined) return undefined;
      if (rank <= condition.top) return false;
      // Outside the top now: it LEFT only if it was inside before.
      const from = change.kind === 'rank_moved' ? (change.from as number | undefined) : undefined;
      return from !== undefined && from <= condition.top ? true : undefined;
    }
    case 'rank_moved':
      return change.delta === undefined ? undefined : Math.abs(change.delta) >= condition.by;
    case 'new_on_listing':
      return change.kind === 'entered_listing';
  }
}

/** An arm state the rule has not touched for longer than the retention is forgotten (first observation again). */
export const isArmForgotten = (arm: { expiresAt: number }, change: Pick<Change, 'detectedAt'>): boolean =>
  Date.parse(change.detectedAt) >= arm.expiresAt * 1000;

const minutesAfter = (iso: string, minutes: number): string =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** Decides what one change does to one rule for one item. */
export function evaluateRule(rule: Rule, change: Change, context: EvaluationContext = {}): Evaluation {
  if (!rule.enabled) return { decision: 'quiet', holds: undefined, reason: 'the rule is disabled' };
  if (!isInScope(rule.scope, change)) {
    return { decision: 'quiet', holds: undefined, reason: 'the item is outside the rule’s scope' };
  }
  const { arm } = context;
  if (arm && change.detectedAt < arm.observedAt) {
    return {
      decision: 'quiet',
      holds: undefined,
      reason: `the change (${change.detectedAt}) is older than the rule’s last decision (${arm.observedAt})`,
    };
  }
  const holds = conditionHolds(rule.condition, change, context);
  if (holds === undefined) {
    return {
      decision: 'quiet',
      holds,
      reason: `a ${change.kind} change says nothing about ${rule.condition.kind}`,
    };
  }
  const coolDown = rule.coolDownMinutes;
  const coolDownEnds = arm?.firedAt && coolDown ? minutesAfter(arm.firedAt, coolDown) : undefined;
  if (!holds) {
    if (arm && !arm.armed) {
      return {
        decision: 're-arm',
        holds,
        reason: `${rule.condition.kind} no longer holds: re-armed`,
        next: { ...arm, armed: true, observedAt: change.detectedAt },
      };
    }
    return { decision: 'quiet', holds, reason: `${rule.condition.kind} does not hold` };
  }
  const reArmedByCoolDown =
    MOVE_CONDITIONS.has(rule.condition.kind) &&
    coolDownEnds !== undefined &&
    change.detectedAt >= coolDownEnds;
  if (arm && !arm.armed && !reArmedByCoolDown) {
    return {
      decision: 'quiet',
      holds,
      reason: `already fired at ${arm.firedAt ?? arm.observedAt}; re-arms once ${rule.condition.kind} no longer holds${
        MOVE_CONDITIONS.has(rule.condition.kind) && coolDown ? ' or its cool-down has passed' : ''
      }`,
    };
  }
  if (coolDownEnds !== undefined && change.detectedAt < coolDownEnds) {
    return { decision: 'quiet', holds, reason: `within the cool-down (until ${coolDownEnds})` };
  }
  return {
    decision: 'fire',
    holds,
    reason: arm
      ? `${rule.condition.kind} became true (armed)`
      : `${rule.condition.kind} holds and the rule never fired for this item`,
    next: {
      armed: false,
      observedAt: change.detectedAt,
      firedAt: change.detectedAt,
      firedChangeId: change.changeId,
    },
  };
}
