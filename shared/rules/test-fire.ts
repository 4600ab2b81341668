/**
 * Test-firing a rule: what it would do for one item, recording nothing. Replays the item's recent
 * changes in order through the evaluator as if the rule were new for the item (no arm state), and
 * judges the item's current state. Values a change does not carry come from the current state only
 * for the change of the state's own snapshot.
 */
import type { Change, ChangeRecord, ItemState } from '../changes/index.ts';
import { itemKeyOf } from '../results/index.ts';
import { type ArmState, conditionHolds, type Decision, evaluateRule } from './evaluate-rule.ts';
import { lowestPriceBefore, type RuleStores } from './evaluate-rules.ts';
import type { Rule } from './rule.ts';

export interface TestFireStores {
  readonly states: RuleStores['states'];
  readonly items: RuleStores['items'];
  readonly changes: {
    changesOf(
      platform: string,
      marketplace: string,
      itemId: string,
      range: { fromSlot: string; toSlot: string; limit?: number; cursor?: string },
    ): Promise<{ changes: ChangeRecord[]; cursor?: string }>;
  };
}

export interface TestFireStep {
  readonly changeId: string;
  readonly kind: Change['kind'];
  readonly detectedAt: string;
  readonly decision: Decision;
  readonly holds: boolean | null;
  readonly reason: string;
}

export interface TestFireResult {
  readonly ruleId: string;
  readonly itemKey: string;
  readonly enabled: boolean;
  readonly inScope: boolean;
  /** The condition on the item's current state (state conditions only; null: the state cannot say). */
  readonly holdsNow: boolean | null;
  readonly state: ItemState | null;
  /** The replayed changes, oldest first, and what the rule would have done at each. */
  readonly steps: TestFireStep[];
  /** The changes at which it would have fired. */
  readonly wouldFire: string[];
}

/** At most this many changes are replayed (the newest ones of the window). */
export const TEST_FIRE_MAX_CHANGES = 500;

const slotOf = (ms: number): string => `${new Date(ms).toISOString().slice(0, 13)}:00Z`;

export async function testFireRule(
  rule: Rule,
  item: { platform: string; marketplace: string; itemId: string },
  stores: TestFireStores,
  options: { nowMs: number; days: number },
): Promise<TestFireResult> {
  const itemKey = itemKeyOf(item.platform, item.marketplace, item.itemId);
  const state = await stores.states.state(item.platform, item.marketplace, item.itemId);
  const changes: ChangeRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await stores.changes.changesOf(item.platform, item.marketplace, item.itemId, {
      fromSlot: slotOf(options.nowMs - options.days * 86_400_000),
      toSlot: slotOf(options.nowMs),
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    changes.push(...page.changes);
    cursor = page.cursor;
  } while (cursor && changes.length < TEST_FIRE_MAX_CHANGES * 4);
  const replayed = changes
    .sort((a, b) => a.detectedAt.localeCompare(b.detectedAt) || a.changeId.localeCompare(b.changeId))
    .slice(-TEST_FIRE_MAX_CHANGES);
  const asEnabled: Rule = { ...rule, enabled: true };
  const steps: TestFireStep[] = [];
  let arm: ArmState | undefined;
  for (const change of replayed) {
    const lowestPrice =
      rule.condition.kind === 'price_drop_from_lowest' && change.kind === 'price_down'
        ? await lowestPriceBefore(stores.items, change, rule.condition.days)
        : undefined;
    const evaluation = evaluateRule(asEnabled, change, {
      ...(arm ? { arm } : {}),
      // The current state speaks only for its own snapshot: older changes are judged on what they carry.
      ...(state && state.snapshotId === change.snapshotId ? { state } : {}),
      ...(lowestPrice === undefined ? {} : { lowestPrice }),
    });
    if (evaluation.next) arm = evaluation.next;
    steps.push({
      changeId: change.changeId,
      kind: change.kind,
      detectedAt: change.detectedAt,
      decision: evaluation.decision,
      holds: evaluation.holds ?? null,
      reason: evaluation.reason,
    });
  }
  const { scope } = rule;
  const inScope =
    scope.kind === 'all' ||
    (scope.kind === 'item' && scope.itemKey === itemKey) ||
    (scope.kind === 'definition' &&
      (state?.seenOn.definitionId === scope.definitionId ||
        replayed.some((change) => change.definitionId === scope.definitionId)));
  const holdsNow = state ? conditionHolds(rule.condition, currentOf(state), { state }) : undefined;
  return {
    ruleId: rule.ruleId,
    itemKey,
    enabled: rule.enabled,
    inScope,
    holdsNow: holdsNow ?? null,
    state: state ?? null,
    steps,
    wouldFire: steps.filter((step) => step.decision === 'fire').map((step) => step.changeId),
  };
}

/** The current state as an observation: a `first_seen`-like change at the state's snapshot. */
const currentOf = (state: ItemState): Change => ({
  itemKey: state.itemKey,
  changeId: `${state.snapshotId}#current`,
  kind: 'first_seen',
  platform: state.platform,
  marketplace: state.marketplace,
  itemId: state.itemId,
  definitionId: state.seenOn.definitionId,
  runId: '',
  slot: state.snapshotId.slice(0, 17),
  crawlType: state.seenOn.crawlType,
  snapshotId: state.snapshotId,
  detectedAt: state.capturedAt,
});
