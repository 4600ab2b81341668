/**
 * The snapshots history table, version 1: one row per item snapshot as saved in the items
 * table, partitioned by the UTC date of the run's slot, the platform and the marketplace.
 *
 * `dt` comes from the slot, not from the capture time, so every copy of a snapshot (a page
 * re-read after a resume, a redelivered message, an at-least-once delivery to S3) lands in the
 * same partition as the first: de-duplication on read by (item_key, snapshot_id) is then right
 * even for a query that reads one day.
 */
import type { ItemSnapshot } from '../results/index.ts';
import type { HistoryTable } from './history-table.ts';

export const SNAPSHOT_HISTORY_VERSION = 1;

export const SNAPSHOT_HISTORY: HistoryTable<ItemSnapshot> = {
  name: 'snapshots',
  version: SNAPSHOT_HISTORY_VERSION,
  columns: [
    { name: 'item_key', type: 'string', comment: 'platform#MARKETPLACE#item_id', valueOf: (s) => s.itemKey },
    {
      name: 'snapshot_id',
      type: 'string',
      comment: 'slot#run_id: one per item and run',
      valueOf: (s) => s.snapshotId,
    },
    { name: 'item_id', type: 'string', comment: 'ASIN, 1688 offer id, Ozon SKU', valueOf: (s) => s.item.id },
    {
      name: 'captured_at',
      type: 'timestamp',
      comment: 'when the page was read (UTC)',
      valueOf: (s) => Date.parse(s.capturedAt),
    },
    { name: 'slot', type: 'string', comment: 'the run slot, e.g. 2026-11-23T19:00Z', valueOf: (s) => s.slot },
    { name: 'run_id', type: 'string', comment: 'the run that read the page', valueOf: (s) => s.runId },
    {
      name: 'definition_id',
      type: 'string',
      comment: 'the watch-list definition',
      valueOf: (s) => s.definitionId,
    },
    {
      name: 'crawl_type',
      type: 'string',
      comment: 'product_details, category, search_result, bestsellers...',
      valueOf: (s) => s.crawlType,
    },
    { name: 'page_number', type: 'int', comment: 'page of the run (1-based)', valueOf: (s) => s.pageNumber },
    {
      name: 'position',
      type: 'int',
      comment: 'position on the page (1-based)',
      valueOf: (s) => s.item.position,
    },
    { name: 'title', type: 'string', comment: 'as shown', valueOf: (s) => s.item.title ?? null },
    {
      name: 'price',
      type: 'double',
      comment: "in the currency's major unit",
      valueOf: (s) => s.item.price ?? null,
    },
    { name: 'currency', type: 'string', comment: 'ISO 4217', valueOf: (s) => s.item.currency ?? null },
    { name: 'rating', type: 'double', comment: 'stars, 0..5', valueOf: (s) => s.item.rating ?? null },
    { name: 'review_count', type: 'int', comment: 'reviews', valueOf: (s) => s.item.reviewCount ?? null },
    {
      name: 'rank',
      type: 'int',
      comment: 'position in a ranked list (1-based)',
      valueOf: (s) => s.item.rank ?? null,
    },
    {
      name: 'availability',
      type: 'string',
      comment: 'in_stock, out_of_stock, limited, or the page words',
      valueOf: (s) => s.item.availability ?? null,
    },
    { name: 'seller', type: 'string', comment: 'seller name', valueOf: (s) => s.item.seller ?? null },
    { name: 'image_url', type: 'string', comment: 'main image', valueOf: (s) => s.item.imageUrl ?? null },
    { name: 'url', type: 'string', comment: 'item page', valueOf: (s) => s.item.url ?? null },
    {
      name: 'captured_by',
      type: 'string',
      comment: 'scraper invocation or external worker',
      valueOf: (s) => s.capturedBy,
    },
    {
      name: 'schema_version',
      type: 'int',
      comment: 'version of this schema',
      valueOf: () => SNAPSHOT_HISTORY_VERSION,
    },
    // Added to v1 after its first files (richer items, issue #15): nullable, at the end, so
    // files written before read them as null (DuckDB unions by name; Athena reads a column a
    // Parquet file lacks as null).
    {
      name: 'list_price',
      type: 'double',
      comment: 'struck-through list price, same currency as price',
      valueOf: (s) => s.item.listPrice ?? null,
    },
    { name: 'brand', type: 'string', comment: 'brand as shown', valueOf: (s) => s.item.brand ?? null },
    {
      name: 'unit_price_amount',
      type: 'double',
      comment: 'price per unit, e.g. 12.5 (EUR per kg)',
      valueOf: (s) => s.item.unitPrice?.amount ?? null,
    },
    {
      name: 'unit_price_currency',
      type: 'string',
      comment: 'ISO 4217 of the unit price',
      valueOf: (s) => s.item.unitPrice?.currency ?? null,
    },
    {
      name: 'unit_price_unit',
      type: 'string',
      comment: 'the unit priced: kg, 100 ml, count...',
      valueOf: (s) => s.item.unitPrice?.unit ?? null,
    },
    {
      name: 'sponsored',
      type: 'boolean',
      comment: 'an ad tile (its snapshot_id ends in #sponsored)',
      valueOf: (s) => s.item.sponsored ?? null,
    },
    {
      name: 'organic_position',
      type: 'int',
      comment: 'position among organic results only (1-based)',
      valueOf: (s) => s.item.organicPosition ?? null,
    },
    {
      name: 'result_count',
      type: 'bigint',
      comment: 'results the listing says it has',
      valueOf: (s) => s.resultCount ?? null,
    },
    {
      name: 'listing_rank',
      type: 'int',
      comment: 'absolute place on the listing across pages (1-based)',
      valueOf: (s) => s.listingRank ?? null,
    },
  ],
  partitionKeys: [
    { name: 'dt', comment: 'UTC date of the slot, YYYY-MM-DD', valueOf: (s) => s.slot.slice(0, 10) },
    {
      name: 'platform',
      comment: 'amazon, 1688, ozon... (text: 1688 is not a number)',
      valueOf: (s) => s.platform,
    },
    { name: 'marketplace', comment: 'marketplace code as in the definition', valueOf: (s) => s.marketplace },
  ],
  identity: ['item_key', 'snapshot_id'],
  latestBy: 'captured_at',
};
