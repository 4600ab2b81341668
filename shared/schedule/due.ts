/**
 * When is a definition due? Schedules are wall-clock schedules:
 *
 *  - `once`: due in the slot containing `at`.
 *  - `every N hours from start hour H in zone Z`: due at the local hours h of each day with
 *    h ≡ H (mod N), i.e. H, H+N, H+2N... below 24, restarting at H every local day (when N does
 *    not divide 24 the last gap of the day is shorter). Each such local hour is turned into an
 *    instant with `instantOfWallClock` — a skipped hour runs when the clocks jump, a repeated hour
 *    runs once, at its first occurrence — and the run belongs to the UTC slot containing that
 *    instant. In a half-hour zone (Asia/Kolkata, UTC+5:30) local 01:00 is 19:30Z, so it runs in
 *    the 19:00Z slot.
 *
 * For the index, a schedule reduces to a *schedule key*: `once#<slot>` or
 * `every#<zone>#<N>#<H mod N>`. A slot is due for a key iff one of the zone's local hours due in
 * that slot is ≡ H (mod N). The expander reads the (few) keys in use, keeps those due in the
 * slot and queries only their definitions, so a slot costs reads for what is due in it.
 */
import type { Schedule } from './schedule.ts';
import { HOUR_MS, type Slot, slotOf, slotStartMs } from './slot.ts';
import { addWallClockHours, instantOfWallClock, type WallClock, wallClockOf } from './zoned-time.ts';

/** Local hours (0-23) whose due instant, in this zone, falls in the slot. Usually one; two or zero around DST. */
export function localHoursDueIn(slot: Slot, timeZone: string): number[] {
  const start = slotStartMs(slot);
  const end = start + HOUR_MS;
  const first = wallClockOf(start - 3 * HOUR_MS, timeZone);
  const firstMark: WallClock = { ...first, minute: 0 };
  const hours: number[] = [];
  for (let step = 0; step <= 8; step += 1) {
    const mark = addWallClockHours(firstMark, step);
    const instant = instantOfWallClock(mark, timeZone);
    if (instant >= start && instant < end && !hours.includes(mark.hour)) hours.push(mark.hour);
  }
  return hours;
}

export type ScheduleKey = string;

export function scheduleKeyOf(schedule: Schedule): ScheduleKey {
  if (schedule.kind === 'once') return `once#${slotOf(Date.parse(schedule.at))}`;
  return `every#${schedule.timeZone}#${schedule.everyHours}#${schedule.startHour % schedule.everyHours}`;
}

interface ParsedKey {
  readonly kind: 'once' | 'every';
  readonly slot?: Slot;
  readonly timeZone?: string;
  readonly everyHours?: number;
  readonly phase?: number;
}

function parseScheduleKey(key: ScheduleKey): ParsedKey {
  const parts = key.split('#');
  if (parts[0] === 'once' && parts.length === 2) return { kind: 'once', slot: parts[1] };
  if (parts[0] === 'every' && parts.length === 4) {
    return { kind: 'every', timeZone: parts[1], everyHours: Number(parts[2]), phase: Number(parts[3]) };
  }
  throw new TypeError(`"${key}" is not a schedule key`);
}

/** Keys due in a slot, among those in use. `memo` caches local hours per zone for this slot. */
export function scheduleKeysDueIn(slot: Slot, keys: Iterable<ScheduleKey>): ScheduleKey[] {
  const hoursByZone = new Map<string, number[]>();
  const due: ScheduleKey[] = [];
  for (const key of keys) {
    const parsed = parseScheduleKey(key);
    if (parsed.kind === 'once') {
      if (parsed.slot === slot) due.push(key);
      continue;
    }
    const zone = parsed.timeZone as string;
    let hours = hoursByZone.get(zone);
    if (!hours) {
      hours = localHoursDueIn(slot, zone);
      hoursByZone.set(zone, hours);
    }
    const everyHours = parsed.everyHours as number;
    if (hours.some((hour) => hour % everyHours === parsed.phase)) due.push(key);
  }
  return due;
}

export const isDue = (schedule: Schedule, slot: Slot): boolean =>
  scheduleKeysDueIn(slot, [scheduleKeyOf(schedule)]).length === 1;

/** The period of a schedule in hours (for staleness: no success within twice the period). */
export const periodHours = (schedule: Schedule): number | undefined =>
  schedule.kind === 'every' ? schedule.everyHours : undefined;
