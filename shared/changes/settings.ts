/**
 * The changes concept's deployment setting, its one default (like shared/results/settings.ts):
 * how long item states and changes are kept. The snapshots themselves (the history) keep
 * `itemRetentionDays`.
 */
import { z } from 'zod';

export const CHANGE_RETENTION_DAYS_VARIABLE = 'SHELFWATCH_CHANGE_RETENTION_DAYS';

/**
 * Days a change is kept, and an item's state after it was last seen (an item unseen that long is
 * "first seen" again). Strings are coerced: variables and `-c key=value` are text.
 */
export const changeRetentionDaysSetting = z.coerce
  .number()
  .int()
  .min(1)
  .max(3650)
  .default(90)
  .describe(
    'Days item changes, and the state of an item no longer seen, are kept before DynamoDB TTL removes them.',
  );
