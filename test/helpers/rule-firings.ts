/**
 * Rule firings against the demo shop's catalogue: which firings a set of watch rules should
 * record, given the snapshots the runs saved and the shop version each was read at (expected),
 * and whether the ruleFirings table holds exactly those (fired, duplicated, missing, unexpected).
 *
 * The expectation is built from the catalogue (prices and stock per version, demo-shop/catalog.ts),
 * not from the changes recorded: each item's snapshots in capture order give its changes (first
 * seen, price up/down with their percentage, out of / back in stock), and each rule is walked over
 * them with the documented semantics (docs/rules.md): it fires when its condition becomes true
 * (armed, or never decided for the item: a condition true at the first sighting fires once), stays
 * quiet while it holds, and re-arms once it was seen false. No cool-down (the e2e's rules have none).
 */
import { CURRENCY, productOf } from '../../demo-shop/index.ts';
import { inStockOf } from '../../shared/changes/index.ts';
import { isSponsoredSnapshot, type ItemSnapshot } from '../../shared/results/index.ts';
import type { NewRule } from '../../shared/rules/index.ts';
import { shownPriceOf } from './price-changes.ts';

/** A firing, as the ruleFirings table keys it. */
export interface FiringKey {
  readonly ruleId: string;
  readonly itemKey: string;
  readonly changeId: string;
}

export interface FiringTally {
  readonly expected: readonly FiringKey[];
  /** Firings in the table (for the rules in question). */
  readonly fired: number;
  /** Firings beyond the first for one (rule, item, snapshot): one observation fired twice. */
  readonly duplicated: number;
  /** Expected firings not in the table (`ruleId itemKey changeId`). */
  readonly missing: readonly string[];
  /** Firings in the table no expectation accounts for. */
  readonly unexpected: readonly string[];
}

/** What an item looked like in one snapshot, from the catalogue at the version it was read at. */
interface Observation {
  readonly snapshot: ItemSnapshot;
  readonly price: number;
  readonly currency: string;
  /** Undefined when the page does not show stock (listings). */
  readonly inStock: boolean | undefined;
}

/** A change the detection should record, with the values the evaluator judges it by. */
interface ExpectedChange {
  readonly kind: string;
  readonly changeId: string;
  readonly observation: Observation;
  readonly percent?: number;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
const describe = ({ ruleId, itemKey, changeId }: FiringKey): string => `${ruleId} ${itemKey} ${changeId}`;

/** The shop's version of `version` for what a snapshot shows: price (as shown) and stock. */
function observationOf(snapshot: ItemSnapshot, version: number): Observation {
  const product = productOf(snapshot.platform, snapshot.item.id, version);
  return {
    snapshot,
    price: shownPriceOf(snapshot.platform, snapshot.item.id, version),
    currency: CURRENCY[snapshot.platform] ?? 'USD',
    inStock: inStockOf(snapshot.item.availability) === undefined ? undefined : product.available,
  };
}

/** The item changes each observation reveals against the one before (detect-changes.ts' rules). */
function changesOf(history: readonly Observation[]): ExpectedChange[][] {
  return history.map((now, index) => {
    const id = (kind: string) => `${now.snapshot.snapshotId}#${kind}`;
    const before = history[index - 1];
    if (!before) return [{ kind: 'first_seen', changeId: id('first_seen'), observation: now }];
    const changes: ExpectedChange[] = [];
    if (now.price !== before.price) {
      const kind = now.price > before.price ? 'price_up' : 'price_down';
      const percent = round2(((now.price - before.price) / before.price) * 100);
      changes.push({ kind, changeId: id(kind), observation: now, percent });
    }
    if (before.inStock === false && now.inStock === true) {
      changes.push({ kind: 'back_in_stock', changeId: id('back_in_stock'), observation: now });
    } else if (before.inStock === true && now.inStock === false) {
      changes.push({ kind: 'out_of_stock', changeId: id('out_of_stock'), observation: now });
    }
    // The evaluator reads one snapshot's changes in changeId order.
    return changes.sort((a, b) => a.changeId.localeCompare(b.changeId));
  });
}

const isInScope = (rule: NewRule, snapshot: ItemSnapshot): boolean =>
  rule.scope.kind === 'all' ||
  (rule.scope.kind === 'definition' && rule.scope.definitionId === snapshot.definitionId) ||
  (rule.scope.kind === 'item' && rule.scope.itemKey === snapshot.itemKey);

/** The condition at a change: true, false, or undefined when the change does not decide it. */
function holds(rule: NewRule, change: ExpectedChange): boolean | undefined {
  const { condition } = rule;
  const { price, currency, inStock } = change.observation;
  switch (condition.kind) {
    case 'price_drop':
      if (change.kind === 'price_up') return false;
      if (change.kind !== 'price_down' || change.percent === undefined) return undefined;
      return -change.percent >= condition.percent;
    case 'price_below':
      return currency === condition.currency ? price < condition.amount : undefined;
    case 'back_in_stock':
      return inStock;
    case 'out_of_stock':
    case 'price_drop_from_lowest':
    case 'entered_top':
    case 'left_top':
    case 'rank_moved':
    case 'new_on_listing':
      throw new Error(`the e2e's expectation does not model ${condition.kind} rules`);
  }
}

/**
 * The firings `rules` should record over `snapshots` (every snapshot of the items in question),
 * each read at `versionOf(snapshot)`.
 */
export function expectedFirings(
  rules: readonly NewRule[],
  snapshots: readonly ItemSnapshot[],
  versionOf: (snapshot: ItemSnapshot) => number,
): FiringKey[] {
  const byItem = new Map<string, ItemSnapshot[]>();
  for (const snapshot of snapshots) {
    if (isSponsoredSnapshot(snapshot)) continue; // an ad's changes are its organic twin's
    if (snapshot.item.price === undefined) continue; // no price read: the item keeps its last one
    byItem.set(snapshot.itemKey, [...(byItem.get(snapshot.itemKey) ?? []), snapshot]);
  }
  const firings: FiringKey[] = [];
  for (const [itemKey, history] of byItem) {
    history.sort(
      (a, b) => a.capturedAt.localeCompare(b.capturedAt) || a.snapshotId.localeCompare(b.snapshotId),
    );
    const changes = changesOf(history.map((snapshot) => observationOf(snapshot, versionOf(snapshot))));
    for (const rule of rules) {
      const ruleId = rule.id ?? '';
      /** Absent: never decided for this item (counts as armed). */
      let armed: boolean | undefined;
      for (const change of changes.flat()) {
        if (!isInScope(rule, change.observation.snapshot)) continue;
        const now = holds(rule, change);
        if (now === undefined) continue;
        if (!now) {
          if (armed === false) armed = true;
          continue;
        }
        if (armed === false) continue;
        firings.push({ ruleId, itemKey, changeId: change.changeId });
        armed = false;
      }
    }
  }
  return firings;
}

/** Expected against the firings recorded (the ruleFirings table's `firing#…` records). */
export function tallyFirings(expected: readonly FiringKey[], recorded: readonly FiringKey[]): FiringTally {
  const perObservation = new Map<string, number>();
  for (const firing of recorded) {
    const snapshotId = firing.changeId.slice(0, firing.changeId.lastIndexOf('#'));
    const key = `${firing.ruleId} ${firing.itemKey} ${snapshotId}`;
    perObservation.set(key, (perObservation.get(key) ?? 0) + 1);
  }
  const expectedSet = new Set(expected.map(describe));
  const recordedSet = new Set(recorded.map(describe));
  return {
    expected,
    fired: recorded.length,
    duplicated: [...perObservation.values()].reduce((sum, count) => sum + count - 1, 0),
    missing: [...expectedSet].filter((entry) => !recordedSet.has(entry)).sort(),
    unexpected: [...recordedSet].filter((entry) => !expectedSet.has(entry)).sort(),
  };
}

/**
 * The one version in `candidates` whose catalogue shows every price, and every stock a page
 * shows, that a run attempt's snapshots read (the lowest when several agree), or undefined.
 */
export function versionShownTo(
  attemptSnapshots: readonly ItemSnapshot[],
  candidates: readonly number[],
): number | undefined {
  const organic = attemptSnapshots.filter(
    (snapshot) => !isSponsoredSnapshot(snapshot) && snapshot.item.price !== undefined,
  );
  return candidates.find((version) =>
    organic.every((snapshot) => {
      const shown = observationOf(snapshot, version);
      const stock = inStockOf(snapshot.item.availability);
      return snapshot.item.price === shown.price && (stock === undefined || stock === shown.inStock);
    }),
  );
}
