/**
 * Wall-clock time in IANA time zones, with the platform's Intl (no date library needed).
 *
 * `instantOfWallClock` resolves the two DST anomalies the same way cron does:
 *  - a wall time that does not exist (the skipped hour of spring-forward) resolves to the instant
 *    the clocks jump, i.e. the first instant after the gap;
 *  - a wall time that happens twice (the repeated hour of fall-back) resolves to its first
 *    occurrence.
 */

export interface WallClock {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number; // 0-23
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The canonical IANA name of a zone (`utc` → `UTC`, `US/Eastern` → `America/New_York`), or undefined. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (timeZone.length === 0 || timeZone.length > 64 || /^[+-]/.test(timeZone)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export const isTimeZone = (timeZone: string): boolean => canonicalTimeZone(timeZone) !== undefined;

export function wallClockOf(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
  };
}

/** The wall clock read as if it were UTC: a number that orders wall times within one zone. */
export const wallClockAsUtcMs = (wall: WallClock): number =>
  Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);

/** UTC offset of a zone at an instant, in milliseconds (local = utc + offset). */
export const offsetMsAt = (epochMs: number, timeZone: string): number =>
  wallClockAsUtcMs(wallClockOf(epochMs, timeZone)) - Math.floor(epochMs / 60_000) * 60_000;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The instant a wall time happens in a zone: first occurrence if repeated, the jump if skipped. */
export function instantOfWallClock(wall: WallClock, timeZone: string): number {
  const target = wallClockAsUtcMs(wall);
  const offsets = new Set<number>();
  for (const probe of [-DAY_MS, -DAY_MS / 2, 0, DAY_MS / 2, DAY_MS])
    offsets.add(offsetMsAt(target + probe, timeZone));
  const exact = [...offsets]
    .map((offset) => target - offset)
    .filter((instant) => wallClockAsUtcMs(wallClockOf(instant, timeZone)) === target)
    .sort((a, b) => a - b);
  if (exact.length > 0) return exact[0] as number;

  // Skipped: find the first minute whose wall clock is at or past the target (the jump).
  let low = target - Math.max(...offsets);
  let high = target - Math.min(...offsets);
  if (low > high) [low, high] = [high, low];
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (wallClockAsUtcMs(wallClockOf(middle, timeZone)) >= target) high = middle;
    else low = middle;
  }
  return wallClockAsUtcMs(wallClockOf(low, timeZone)) >= target ? low : high;
}

/** The wall clock `hours` later on the calendar (ignores DST: 01:00 + 1 h is 02:00 even if skipped). */
export function addWallClockHours(wall: WallClock, hours: number): WallClock {
  const shifted = new Date(wallClockAsUtcMs(wall) + hours * 3_600_000);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
  };
}
