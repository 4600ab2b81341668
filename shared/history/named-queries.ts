/**
 * The Athena named queries of the history: saved in the stage's workgroup, and the same text runs
 * in DuckDB over the local files (test/integration/history-named-queries.test.ts runs each).
 * Parameters are `?` placeholders, filled in order: Athena's execution parameters (the console
 * asks for them) and DuckDB's prepared-statement values alike. Every query names a `dt` window,
 * so Athena reads only those days' partitions, and only the columns it names (Parquet).
 */

export interface NamedQueryParameter {
  readonly name: string;
  readonly meaning: string;
  /** As typed in Athena's console (a quoted SQL literal). */
  readonly example: string;
}

export interface NamedHistoryQuery {
  /** The named query's name in the workgroup. */
  readonly name: string;
  readonly description: string;
  readonly parameters: readonly NamedQueryParameter[];
  readonly sql: string;
}

const FROM_DAY: NamedQueryParameter = {
  name: 'from_dt',
  meaning: 'first UTC slot date, inclusive (YYYY-MM-DD)',
  example: "'2026-11-01'",
};
const UNTIL_DAY: NamedQueryParameter = {
  name: 'until_dt',
  meaning: 'last UTC slot date, exclusive (YYYY-MM-DD)',
  example: "'2026-12-01'",
};

export const NAMED_HISTORY_QUERIES = {
  priceHistory: {
    name: 'price-history-of-an-item',
    description: 'Every de-duplicated snapshot of one item in a window of days: when, price, stock.',
    parameters: [
      { name: 'item_key', meaning: 'platform#MARKETPLACE#item_id', example: "'amazon#US#B0TEST0001'" },
      FROM_DAY,
      UNTIL_DAY,
    ],
    sql:
      'SELECT captured_at, slot, price, currency, availability, run_id FROM snapshots ' +
      'WHERE item_key = ? AND dt >= ? AND dt < ? ORDER BY captured_at, snapshot_id',
  },
  dailyPriceRange: {
    name: 'daily-min-max-price-per-item',
    description: 'Lowest and highest price of each item per day, with the number of snapshots priced.',
    parameters: [FROM_DAY, UNTIL_DAY],
    sql:
      'SELECT item_key, dt, min(price) AS min_price, max(price) AS max_price, count(price) AS priced_snapshots ' +
      'FROM snapshots WHERE dt >= ? AND dt < ? AND price IS NOT NULL ' +
      'GROUP BY item_key, dt ORDER BY item_key, dt',
  },
  rankHistory: {
    name: 'rank-history-on-a-listing',
    description:
      'Where each item stood on one listing (a category, search or best-seller definition) run after run.',
    parameters: [
      { name: 'definition_id', meaning: 'the listing definition', example: "'kettles-uk'" },
      FROM_DAY,
      UNTIL_DAY,
    ],
    sql:
      'SELECT slot, item_key, rank, page_number, position, title, price FROM snapshots ' +
      'WHERE definition_id = ? AND dt >= ? AND dt < ? ORDER BY slot, page_number, position, item_key',
  },
  completeness: {
    name: 'completeness-per-definition-per-day',
    description:
      'Share of snapshots with a title, a price, a rating and an availability, per definition and day.',
    parameters: [FROM_DAY, UNTIL_DAY],
    sql:
      'SELECT definition_id, dt, count(*) AS snapshots, ' +
      'avg(CASE WHEN title IS NOT NULL THEN 1e0 ELSE 0e0 END) AS title_share, ' +
      'avg(CASE WHEN price IS NOT NULL THEN 1e0 ELSE 0e0 END) AS price_share, ' +
      'avg(CASE WHEN rating IS NOT NULL THEN 1e0 ELSE 0e0 END) AS rating_share, ' +
      'avg(CASE WHEN availability IS NOT NULL THEN 1e0 ELSE 0e0 END) AS availability_share ' +
      'FROM snapshots WHERE dt >= ? AND dt < ? GROUP BY definition_id, dt ORDER BY definition_id, dt',
  },
  priceDrops: {
    name: 'price-drops-over-10-percent',
    description:
      'Price drops of more than 10% in a window of days (one day for "yesterday"), steepest first, from the changes history.',
    parameters: [FROM_DAY, UNTIL_DAY],
    sql:
      'SELECT dt, item_key, definition_id, from_number AS from_price, to_number AS to_price, percent, currency, detected_at ' +
      "FROM changes WHERE kind = 'price_down' AND percent < -10 AND dt >= ? AND dt < ? " +
      'ORDER BY percent, item_key, detected_at',
  },
  leftListing: {
    name: 'items-that-left-a-listing',
    description:
      'Items that left a listing (a search, category or best-seller definition read to its end) in a window of days (seven for "this week").',
    parameters: [FROM_DAY, UNTIL_DAY],
    sql:
      'SELECT dt, definition_id, item_key, from_value AS last_rank, detected_at, run_id ' +
      "FROM changes WHERE kind = 'left_listing' AND dt >= ? AND dt < ? " +
      'ORDER BY definition_id, detected_at, item_key',
  },
} as const satisfies Record<string, NamedHistoryQuery>;

export type NamedHistoryQueryName = keyof typeof NAMED_HISTORY_QUERIES;
