/**
 * The expander's deployment setting, its one default: the expander function reads the variable
 * and infra/config.ts the context key with this same field, and the README's table is checked
 * against it. Read here, not in shared/aws/environment.ts: shared/aws may not import the expander.
 */
import { z } from 'zod';
import { settingFromEnvironment } from '../aws/index.ts';

export const EXPANDER_CATCH_UP_HOURS_VARIABLE = 'SHELFWATCH_EXPANDER_CATCH_UP_HOURS';

/** At most a week: every caught-up slot is a full expansion, and a longer outage is an incident. */
export const catchUpHoursSetting = z.coerce
  .number()
  .int()
  .min(1)
  .max(168)
  .default(24)
  .describe(
    'After an outage, how many missed hourly slots (including the current one) the expander catches up; older ones are skipped and counted.',
  );

export interface ExpansionSettings {
  /** Missed slots (hours, including the current one) the expander catches up after an outage. */
  readonly catchUpHours: number;
}

export function readExpansionSettings(env: NodeJS.ProcessEnv = process.env): ExpansionSettings {
  return {
    catchUpHours: settingFromEnvironment(env, EXPANDER_CATCH_UP_HOURS_VARIABLE, catchUpHoursSetting),
  };
}
