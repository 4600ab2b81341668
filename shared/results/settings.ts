/**
 * The item snapshot's deployment setting, its one default: shared/aws/environment.ts reads the
 * variable and infra/config.ts the context key with this same field, and the README's table is
 * checked against it.
 */
import { z } from 'zod';

export const ITEM_RETENTION_DAYS_VARIABLE = 'SHELFWATCH_ITEM_RETENTION_DAYS';

/** Days an item snapshot is kept (its TTL). Strings are coerced: variables and `-c key=value` are text. */
export const itemRetentionDaysSetting = z.coerce
  .number()
  .int()
  .min(1)
  .max(3650)
  .default(90)
  .describe('Days an item snapshot is kept before DynamoDB TTL removes it.');
