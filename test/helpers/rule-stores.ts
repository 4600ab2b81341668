/**
 * Changes and rules on DynamoDB Local, as the notifier and rule-firing tests use them: the item,
 * change and rule stores of a local infrastructure, and runs of the last hours saved as the
 * scraper saves them (items, then changes). Times derive from the real clock, so every expiry
 * stays ~90 days ahead of DynamoDB Local's TTL sweeper.
 */
import { type Change, ChangeStore } from '../../shared/changes/index.ts';
import { type Item, ItemStore, type ItemSnapshot, snapshotOf } from '../../shared/results/index.ts';
import { RuleStore } from '../../shared/rules/index.ts';
import { slotOf } from '../../shared/schedule/index.ts';
import type { LocalInfrastructure } from '../../local/infrastructure.ts';
import { HOUR_MS, thisHour } from './clock.ts';

/** The time of a run `hoursAgo` hours before this hour (five minutes past it). */
export const runAt = (hoursAgo: number): number => thisHour(5) - hoursAgo * HOUR_MS;

/** Ids unique to one test (`<prefix><n>x<time>`): items never seen, rules and definitions nobody else uses. */
export function familyIds(prefix: string): () => string {
  let family = 0;
  return () => `${prefix}${(family += 1)}x${Date.now().toString(36)}`;
}

/** One amazon/US product-details run's snapshots of `items`, captured `hoursAgo` hours ago. */
export function snapshotsAt(
  definitionId: string,
  hoursAgo: number,
  items: readonly Partial<Item>[],
): ItemSnapshot[] {
  const slot = slotOf(runAt(hoursAgo));
  return items.map((item, index) =>
    snapshotOf(
      {
        runId: `${definitionId}@${slot}`,
        definitionId,
        slot,
        platform: 'amazon',
        marketplace: 'US',
        crawlType: 'product_details',
        pageNumber: 1,
        capturedBy: 'test',
      },
      { id: 'missing', position: index + 1, ...item },
      runAt(hoursAgo),
      90,
    ),
  );
}

export interface RuleTestStores {
  readonly changes: ChangeStore;
  readonly items: ItemStore;
  readonly rules: RuleStore;
  /** Saves one run's snapshots as the scraper does (items, then changes); returns the new changes. */
  readonly save: (
    definitionId: string,
    hoursAgo: number,
    page: readonly Partial<Item>[],
  ) => Promise<Change[]>;
}

/** The stores on `local`'s tables, with a 90-day retention. */
export function ruleTestStoresOf(local: LocalInfrastructure): RuleTestStores {
  const { tables } = local.resources;
  const { documents } = local.clients;
  const changes = new ChangeStore({
    documents,
    statesTable: tables.itemStates,
    changesTable: tables.changes,
    retentionDays: 90,
  });
  const items = new ItemStore({ documents, tableName: tables.items });
  const rules = new RuleStore({
    documents,
    rulesTable: tables.rules,
    firingsTable: tables.ruleFirings,
    retentionDays: 90,
  });
  const save = async (definitionId: string, hoursAgo: number, page: readonly Partial<Item>[]) => {
    const snapshots = snapshotsAt(definitionId, hoursAgo, page);
    await items.save(snapshots);
    return [...(await changes.record(snapshots, { nowMs: runAt(hoursAgo) })).recorded];
  };
  return { changes, items, rules, save };
}
