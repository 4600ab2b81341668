/**
 * A schedule written on one line, for watch-list files and the CLI:
 *
 *   every 6h                          every 6 hours from 00:00 UTC
 *   every 6h from 8 Europe/Berlin     08:00, 14:00, 20:00, 02:00 Berlin time
 *   every 24h Asia/Kolkata            daily at midnight Kolkata time
 *   once 2026-12-01T08:00:00Z         a single run
 *
 * Parsing only gives the shape; ranges and time zones are checked by the definition schema, so a
 * file row and an API body are judged by the same rules.
 */
import type { Schedule } from './schedule.ts';

export const SCHEDULE_TEXT_HELP =
  'must be "every <hours>h [from <hour>] [<time zone>]" or "once <ISO time>", e.g. "every 6h from 8 Europe/Berlin"';

const EVERY = /^every\s+(\d{1,3})\s*h(?:ours?)?(?:\s+from\s+(\d{1,3}))?(?:\s+(\S+))?$/i;
const ONCE = /^once\s+(\S+)$/i;

/** The schedule body the definition schema validates, or undefined when the text has another shape. */
export function parseScheduleText(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  const every = EVERY.exec(trimmed);
  if (every) {
    const [, hours, from, zone] = every;
    return {
      kind: 'every',
      everyHours: Number(hours),
      ...(from !== undefined ? { startHour: Number(from) } : {}),
      ...(zone !== undefined ? { timeZone: zone } : {}),
    };
  }
  const once = ONCE.exec(trimmed);
  if (once) return { kind: 'once', at: once[1] };
  return undefined;
}

/** The one-line form of a schedule (what `parseScheduleText` reads back). */
export function scheduleText(schedule: Schedule): string {
  if (schedule.kind === 'once') return `once ${schedule.at}`;
  const from = schedule.startHour ? ` from ${schedule.startHour}` : '';
  const zone = schedule.timeZone && schedule.timeZone !== 'UTC' ? ` ${schedule.timeZone}` : '';
  return `every ${schedule.everyHours}h${from}${zone}`;
}
