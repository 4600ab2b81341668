/**
 * The local runtime's clock. In real time it is the wall clock. With `--slot-every N` an hour
 * passes in N seconds: the clock starts at the beginning of the current UTC hour and runs
 * 3600/N times faster, so slots follow one another every N seconds and alarm periods (5 minutes,
 * 1 hour) shrink with them. Only the runtime's own timing uses it (which slot to expand, when the
 * monitor fires, alarm periods); the handlers keep the wall clock.
 */
import { HOUR_MS, type Slot, slotOf, slotStartMs } from '../shared/schedule/index.ts';

export interface LocalClock {
  /** Local time now (epoch ms). */
  now(): number;
  /** Local time of a wall-clock instant. */
  ofWallClock(wallMs: number): number;
  /** Wall-clock milliseconds that `localMs` of local time take. */
  wallMsOf(localMs: number): number;
  /** How many times faster than the wall clock: 1 in real time. */
  readonly speed: number;
}

export const wallClock: LocalClock = {
  now: () => Date.now(),
  ofWallClock: (wallMs) => wallMs,
  wallMsOf: (localMs) => localMs,
  speed: 1,
};

/**
 * A clock on which one hour passes every `slotEverySeconds`, starting now at the start of
 * `firstSlot` (default: the current UTC hour).
 */
export function acceleratedClock(
  slotEverySeconds: number,
  { firstSlot, startWallMs = Date.now() }: { firstSlot?: Slot; startWallMs?: number } = {},
): LocalClock {
  if (!(slotEverySeconds > 0)) throw new RangeError('slotEverySeconds must be positive');
  const speed = HOUR_MS / (slotEverySeconds * 1000);
  const origin = slotStartMs(firstSlot ?? slotOf(startWallMs));
  const ofWallClock = (wallMs: number) => origin + (wallMs - startWallMs) * speed;
  return {
    now: () => ofWallClock(Date.now()),
    ofWallClock,
    wallMsOf: (localMs) => localMs / speed,
    speed,
  };
}
