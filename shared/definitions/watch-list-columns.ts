/**
 * The columns of a CSV watch list (watch-list.ts). Plain data with no imports, so the CLI's help
 * text can name them without loading the definition schema (zod) or the store (the AWS SDK).
 */
export const WATCH_LIST_REQUIRED_COLUMNS = [
  'id',
  'platform',
  'marketplace',
  'crawlType',
  'target',
  'schedule',
] as const;
export const WATCH_LIST_OPTIONAL_COLUMNS = [
  'priority',
  'maxAttempts',
  'maxPages',
  'maxItems',
  'enabled',
  'fetchMode',
] as const;
