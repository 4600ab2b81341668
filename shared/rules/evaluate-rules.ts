/**
 * `evaluateRules(changes, stores)`: the entry point a delivery step calls with each batch of newly
 * recorded changes (a stream on the changes table). Returns the firings THIS call recorded: a
 * change evaluated again (a retried batch, a redelivered stream record, a second evaluator racing)
 * records nothing new, so whatever the caller delivers from the result is delivered once.
 *
 * Requests for a batch (c changes over i items, r rules in scope, p (rule, item) pairs decided):
 *   the rules in scope: 1 Scan of the byScope index (a Query per scope key when there are at
 *   most two distinct keys, or the rules take more pages than there are keys less one)
 *   + ⌈p / 100⌉ BatchGetItem (arm states)
 *   + ⌈s / 100⌉ BatchGetItem for the s items whose state a state condition needs (1 GetItem if one)
 *   + 1 Query per item and page for `price_drop_from_lowest` on a price move (the window's history)
 *   + 1 TransactWriteItems per firing + 1 PutItem per re-arm (a lost race: one re-read and retry).
 * The minimum for a batch that fires f and re-arms a: (the rules must be found) 1 + (arm states
 * must be read) ⌈p / 100⌉ + f + a. A batch no rule in scope can decide costs only the rules' read.
 */
import type { Change, ItemState } from '../changes/index.ts';
import { UnavailableError } from '../errors/index.ts';
import type { ItemSnapshot } from '../results/index.ts';
import {
  type ArmState,
  evaluateRule,
  type Evaluation,
  isArmForgotten,
  isDecidedBy,
} from './evaluate-rule.ts';
import { isInScope, type Rule, scopeKeysOf } from './rule.ts';
import { type Firing, pairKeyOf, type RuleStore, type StoredArm } from './rule-store.ts';

/** Races lost on one (rule, item) before giving up: the batch is retried by its caller. */
const MAX_ATTEMPTS = 6;

export interface RuleStores {
  readonly rules: RuleStore;
  /** The item's latest state (ChangeStore.state). */
  readonly states: {
    state(platform: string, marketplace: string, itemId: string): Promise<ItemState | undefined>;
    /** Many states at once (ChangeStore.statesOf): read for a whole batch when present. */
    statesOf?(itemKeys: readonly string[]): Promise<Map<string, ItemState>>;
  };
  /** The item's history in a slot range (ItemStore.history: one Query per page). */
  readonly items: {
    history(
      platform: string,
      marketplace: string,
      itemId: string,
      options: { fromSlot?: string; toSlot?: string; limit?: number; cursor?: string },
    ): Promise<{ snapshots: ItemSnapshot[]; cursor?: string }>;
  };
}

export interface EvaluateOptions {
  /** When the firings are recorded (their `recordedAt`). */
  readonly nowMs: number;
}

/** Slot `YYYY-MM-DDTHH:00Z` some days before a slot. */
const slotDaysBefore = (slot: string, days: number): string =>
  `${new Date(Date.parse(slot) - days * 86_400_000).toISOString().slice(0, 13)}:00Z`;

/** The lowest price (in the change's currency) of the item in `days` before the change's snapshot. */
export async function lowestPriceBefore(
  items: RuleStores['items'],
  change: Change,
  days: number,
): Promise<number | undefined> {
  let lowest: number | undefined;
  let cursor: string | undefined;
  do {
    const page = await items.history(change.platform, change.marketplace, change.itemId, {
      fromSlot: slotDaysBefore(change.slot, days),
      toSlot: change.slot,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    for (const snapshot of page.snapshots) {
      if (snapshot.snapshotId >= change.snapshotId) continue;
      const { price, currency } = snapshot.item;
      if (price === undefined || (change.currency && currency && currency !== change.currency)) continue;
      lowest = lowest === undefined ? price : Math.min(lowest, price);
    }
    cursor = page.cursor;
  } while (cursor);
  return lowest;
}

const firingOf = (rule: Rule, change: Change, evaluation: Evaluation, nowMs: number): Firing => ({
  ruleId: rule.ruleId,
  ruleName: rule.name,
  itemKey: change.itemKey,
  platform: change.platform,
  marketplace: change.marketplace,
  itemId: change.itemId,
  definitionId: change.definitionId,
  changeId: change.changeId,
  changeKind: change.kind,
  condition: rule.condition,
  delivery: rule.delivery,
  reason: evaluation.reason,
  firedAt: change.detectedAt,
  recordedAt: new Date(nowMs).toISOString(),
});

const NEEDS_STATE = new Set(['price_below', 'back_in_stock', 'out_of_stock']);

/** The arm state as the evaluator sees it: a forgotten one (past its retention) is no arm at all. */
const liveArm = (stored: StoredArm | undefined, change: Change): ArmState | undefined =>
  stored && !isArmForgotten(stored, change) ? stored : undefined;

/**
 * Evaluates every enabled rule in scope of each change, in detection order per item, and records
 * each firing and re-arm exactly once. Returns the firings recorded by this call.
 */
export async function evaluateRules(
  changes: readonly Change[],
  stores: RuleStores,
  options: EvaluateOptions,
): Promise<Firing[]> {
  if (changes.length === 0) return [];
  const ordered = [...changes].sort(
    (a, b) => a.detectedAt.localeCompare(b.detectedAt) || a.changeId.localeCompare(b.changeId),
  );
  const rules = (await stores.rules.rulesOfScopes(ordered.flatMap(scopeKeysOf))).filter(
    (rule) => rule.enabled,
  );
  const work = ordered.flatMap((change) =>
    rules
      .filter((rule) => isDecidedBy(rule.condition, change) && isInScope(rule.scope, change))
      .map((rule) => ({ rule, change })),
  );
  if (work.length === 0) return [];
  const arms = await stores.rules.arms(
    work.map(({ rule, change }) => ({ ruleId: rule.ruleId, itemKey: change.itemKey })),
  );
  const states = new Map<string, Promise<ItemState | undefined>>();
  // The states the batch's state conditions need, in one BatchGetItem per 100 items.
  const needingState = [
    ...new Set(
      work
        .filter(({ rule, change }) => NEEDS_STATE.has(rule.condition.kind) && !carriesValue(rule, change))
        .map(({ change }) => change.itemKey),
    ),
  ];
  if (stores.states.statesOf && needingState.length > 1) {
    const read = stores.states.statesOf(needingState);
    for (const itemKey of needingState) {
      const state = read.then((found) => found.get(itemKey));
      // Awaited where a decision needs it; a failed read must not also surface as unhandled.
      state.catch(() => undefined);
      states.set(itemKey, state);
    }
  }
  const stateOf = (change: Change) => {
    let state = states.get(change.itemKey);
    if (!state) {
      state = stores.states.state(change.platform, change.marketplace, change.itemId);
      states.set(change.itemKey, state);
    }
    return state;
  };
  // Pairs of one (rule, item) are decided in order; different pairs are independent.
  const byPair = new Map<string, { rule: Rule; change: Change }[]>();
  for (const entry of work) {
    const key = pairKeyOf({ ruleId: entry.rule.ruleId, itemKey: entry.change.itemKey });
    byPair.set(key, [...(byPair.get(key) ?? []), entry]);
  }
  const firings: Firing[] = [];
  await Promise.all(
    [...byPair.entries()].map(async ([key, entries]) => {
      let stored = arms.get(key);
      for (const { rule, change } of entries) {
        stored = await decideOne(rule, change, stored, { stores, stateOf, firings, nowMs: options.nowMs });
      }
    }),
  );
  return firings;
}

interface DecideContext {
  readonly stores: RuleStores;
  readonly stateOf: (change: Change) => Promise<ItemState | undefined>;
  readonly firings: Firing[];
  readonly nowMs: number;
}

/** One change for one rule: evaluate, write what flips, and on a lost race re-read and decide again. */
async function decideOne(
  rule: Rule,
  change: Change,
  known: StoredArm | undefined,
  context: DecideContext,
): Promise<StoredArm | undefined> {
  const { stores } = context;
  let stored = known;
  for (let attempt = 1; ; attempt += 1) {
    const arm = liveArm(stored, change);
    const needsState = NEEDS_STATE.has(rule.condition.kind) && !carriesValue(rule, change);
    const evaluation = evaluateRule(rule, change, {
      ...(arm ? { arm } : {}),
      ...(needsState ? { state: await context.stateOf(change) } : {}),
      ...(rule.condition.kind === 'price_drop_from_lowest' && change.kind === 'price_down'
        ? { lowestPrice: await lowestPriceBefore(stores.items, change, rule.condition.days) }
        : {}),
    });
    if (!evaluation.next) return stored;
    const firing =
      evaluation.decision === 'fire' ? firingOf(rule, change, evaluation, context.nowMs) : undefined;
    const result = firing
      ? await stores.rules.fire(stored, evaluation.next, firing)
      : await stores.rules.rearm(rule.ruleId, change.itemKey, stored, evaluation.next);
    if (typeof result === 'object') {
      if (firing) context.firings.push(firing);
      return result;
    }
    if (result === 'duplicate') return await stores.rules.arm(rule.ruleId, change.itemKey);
    if (attempt === MAX_ATTEMPTS) {
      throw new UnavailableError(
        'FIRINGS_NOT_RECORDED',
        `the arm state of rule ${rule.ruleId} for ${change.itemKey} kept moving under ${attempt} attempts: retry the batch`,
      );
    }
    stored = await stores.rules.arm(rule.ruleId, change.itemKey);
  }
}

/** Whether the change itself carries the value a state condition needs (then no state read). */
function carriesValue(rule: Rule, change: Change): boolean {
  if (rule.condition.kind === 'price_below') {
    return (change.kind === 'price_up' || change.kind === 'price_down') && change.currency !== undefined;
  }
  return change.kind === 'back_in_stock' || change.kind === 'out_of_stock';
}
