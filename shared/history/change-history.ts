/**
 * The changes history table, version 1: one row per change recorded in the changes table (price
 * up or down, stock, rating, reviews, rank, entered or left a listing, first seen), partitioned
 * like the snapshots by the UTC date of the run's slot, the platform and the marketplace.
 *
 * `dt` is the slot's date, not the detection time's, for the reason the snapshots use it: every
 * copy of a change (a redelivered stream record, a retried batch) lands in the same partition, so
 * de-duplication on read by (item_key, change_id) holds for a query of one day. A `left_listing`
 * found by a run that ended after midnight UTC sits under its slot's day; `detected_at` says when.
 */
import type { ChangeRecord } from '../changes/index.ts';
import type { HistoryTable } from './history-table.ts';

export const CHANGE_HISTORY_VERSION = 1;

const numberOrNull = (value: number | string | undefined): number | null =>
  typeof value === 'number' ? value : null;
const textOrNull = (value: number | string | undefined): string | null =>
  value === undefined ? null : String(value);

export const CHANGE_HISTORY: HistoryTable<ChangeRecord> = {
  name: 'changes',
  version: CHANGE_HISTORY_VERSION,
  columns: [
    { name: 'item_key', type: 'string', comment: 'platform#MARKETPLACE#item_id', valueOf: (c) => c.itemKey },
    {
      name: 'change_id',
      type: 'string',
      comment: 'snapshot_id#kind: one per item, snapshot and kind',
      valueOf: (c) => c.changeId,
    },
    {
      name: 'kind',
      type: 'string',
      comment:
        'first_seen, price_up, price_down, back_in_stock, out_of_stock, rating_moved, review_count_moved, entered_listing, left_listing, rank_moved',
      valueOf: (c) => c.kind,
    },
    { name: 'item_id', type: 'string', comment: 'ASIN, 1688 offer id, Ozon SKU', valueOf: (c) => c.itemId },
    {
      name: 'detected_at',
      type: 'timestamp',
      comment: "the observation that revealed it (UTC): the snapshot's capture, a run's end for left_listing",
      valueOf: (c) => Date.parse(c.detectedAt),
    },
    { name: 'slot', type: 'string', comment: 'the run slot, e.g. 2026-11-23T19:00Z', valueOf: (c) => c.slot },
    { name: 'run_id', type: 'string', comment: 'the run that noticed it', valueOf: (c) => c.runId },
    {
      name: 'definition_id',
      type: 'string',
      comment: 'the watch-list definition',
      valueOf: (c) => c.definitionId,
    },
    {
      name: 'crawl_type',
      type: 'string',
      comment: 'product_details, category, search_result, bestsellers...',
      valueOf: (c) => c.crawlType,
    },
    {
      name: 'snapshot_id',
      type: 'string',
      comment: 'the snapshot it came from (snapshots.snapshot_id)',
      valueOf: (c) => c.snapshotId,
    },
    {
      name: 'from_value',
      type: 'string',
      comment: 'old value as text: a price, rating, count, rank or availability',
      valueOf: (c) => textOrNull(c.from),
    },
    { name: 'to_value', type: 'string', comment: 'new value as text', valueOf: (c) => textOrNull(c.to) },
    {
      name: 'from_number',
      type: 'double',
      comment: 'old value when it is a number',
      valueOf: (c) => numberOrNull(c.from),
    },
    {
      name: 'to_number',
      type: 'double',
      comment: 'new value when it is a number',
      valueOf: (c) => numberOrNull(c.to),
    },
    {
      name: 'delta',
      type: 'double',
      comment: 'to - from (a rank going 5 → 2 is -3)',
      valueOf: (c) => c.delta ?? null,
    },
    {
      name: 'percent',
      type: 'double',
      comment: 'delta as a percentage of from (prices); null when from is 0',
      valueOf: (c) => c.percent ?? null,
    },
    {
      name: 'currency',
      type: 'string',
      comment: 'ISO 4217 of a price change',
      valueOf: (c) => c.currency ?? null,
    },
    {
      name: 'rank',
      type: 'int',
      comment: 'rank on the listing when it entered it',
      valueOf: (c) => c.rank ?? null,
    },
    {
      name: 'schema_version',
      type: 'int',
      comment: 'version of this schema',
      valueOf: () => CHANGE_HISTORY_VERSION,
    },
  ],
  partitionKeys: [
    { name: 'dt', comment: 'UTC date of the slot, YYYY-MM-DD', valueOf: (c) => c.slot.slice(0, 10) },
    {
      name: 'platform',
      comment: 'amazon, 1688, ozon... (text: 1688 is not a number)',
      valueOf: (c) => c.platform,
    },
    { name: 'marketplace', comment: 'marketplace code as in the definition', valueOf: (c) => c.marketplace },
  ],
  identity: ['item_key', 'change_id'],
  latestBy: 'detected_at',
};
