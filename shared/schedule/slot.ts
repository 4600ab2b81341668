/**
 * A slot is one UTC hour, written `2026-11-23T19:00Z`. Runs are created per (definition, slot).
 */
export type Slot = string;

export const HOUR_MS = 3_600_000;
const SLOT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:00Z$/;

export function isSlot(value: string): boolean {
  if (!SLOT_PATTERN.test(value)) return false;
  const epochMs = Date.parse(value);
  return Number.isFinite(epochMs) && slotOf(epochMs) === value;
}

/** The slot containing an instant (epoch milliseconds). */
export function slotOf(epochMs: number): Slot {
  const start = Math.floor(epochMs / HOUR_MS) * HOUR_MS;
  return `${new Date(start).toISOString().slice(0, 13)}:00Z`;
}

export function slotStartMs(slot: Slot): number {
  if (!isSlot(slot)) throw new TypeError(`"${slot}" is not a slot (expected e.g. 2026-11-23T19:00Z)`);
  return Date.parse(slot);
}

export const addSlots = (slot: Slot, count: number): Slot => slotOf(slotStartMs(slot) + count * HOUR_MS);

/** Slots from `first` to `last` inclusive, oldest first. */
export function slotsBetween(first: Slot, last: Slot): Slot[] {
  const slots: Slot[] = [];
  for (let at = slotStartMs(first); at <= slotStartMs(last); at += HOUR_MS) slots.push(slotOf(at));
  return slots;
}
