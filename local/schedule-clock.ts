/**
 * When a catalogue schedule fires, for the local runtime. Supports the expression forms the
 * catalogue and the deployment configuration use: `rate(N minutes|hours|days)` and
 * `cron(M H * * ? *)` with a fixed minute and a fixed or `*` hour, in UTC.
 */

import { ShelfwatchError } from '../shared/errors/index.ts';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export class UnsupportedScheduleError extends ShelfwatchError {
  constructor(expression: string) {
    super(
      'invalid',
      'UNSUPPORTED_SCHEDULE',
      `the local runtime cannot emulate schedule "${expression}": use rate(N minutes|hours|days) or cron(M H * * ? *) with numbers or * for H`,
    );
  }
}

/** The first firing strictly after `afterMs`. */
export function nextFiringMs(expression: string, afterMs: number): number {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) {
    const interval = Number(rate[1]) * UNIT_MS[rate[2] as keyof typeof UNIT_MS];
    if (interval <= 0) throw new UnsupportedScheduleError(expression);
    return (Math.floor(afterMs / interval) + 1) * interval;
  }
  const cron = /^cron\((\d{1,2}) (\*|\d{1,2}) [*?] \* [*?] \*\)$/.exec(expression);
  if (cron) {
    const minute = Number(cron[1]);
    const hour = cron[2] === '*' ? undefined : Number(cron[2]);
    if (minute > 59 || (hour !== undefined && hour > 23)) throw new UnsupportedScheduleError(expression);
    const stepMs = hour === undefined ? UNIT_MS.hour : UNIT_MS.day;
    const anchor =
      hour === undefined ? minute * UNIT_MS.minute : hour * UNIT_MS.hour + minute * UNIT_MS.minute;
    return Math.floor((afterMs - anchor) / stepMs) * stepMs + anchor + stepMs;
  }
  throw new UnsupportedScheduleError(expression);
}
