/**
 * The run's deployment setting, its one default: shared/aws/environment.ts reads the variable and
 * infra/config.ts the context key with this same field, and the README's table is checked against it.
 */
import { z } from 'zod';

export const RUN_RETENTION_DAYS_VARIABLE = 'SHELFWATCH_RUN_RETENTION_DAYS';

/** Days a terminal run is kept (its TTL). Strings are coerced: variables and `-c key=value` are text. */
export const runRetentionDaysSetting = z.coerce
  .number()
  .int()
  .min(1)
  .max(3650)
  .default(30)
  .describe('Days a finished run is kept before DynamoDB TTL removes it.');
