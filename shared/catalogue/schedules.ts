/** The EventBridge Scheduler schedules. */
import type { FunctionName } from './functions.ts';

export interface ScheduleDeclaration {
  readonly purpose: string;
  readonly target: FunctionName;
  /** EventBridge Scheduler expression: `cron(...)` or `rate(...)`. Overridable per deployment. */
  readonly expression: string;
  /** IANA zone the expression is evaluated in. */
  readonly timeZone: string;
}

export const SCHEDULES = {
  expander: {
    purpose: 'Start of every UTC hour: expand the slot that just began (and catch up missed ones).',
    target: 'expander',
    expression: 'cron(0 * * * ? *)',
    timeZone: 'UTC',
  },
  monitor: {
    purpose: 'Health metrics, repair and dead-letter marking.',
    target: 'monitor',
    expression: 'rate(5 minutes)',
    timeZone: 'UTC',
  },
  historyCompactor: {
    purpose:
      "Daily at 03:30 UTC: compact the history's finished days (yesterday ended 3.5 h before, past the 2-hour grace for late records).",
    target: 'historyCompactor',
    expression: 'cron(30 3 * * ? *)',
    timeZone: 'UTC',
  },
} as const satisfies Record<string, ScheduleDeclaration>;

export type ScheduleName = keyof typeof SCHEDULES;
