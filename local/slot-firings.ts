/**
 * When the expander fires, locally: on the wall clock, the runtime's schedules (and once at
 * start); on an accelerated clock, an operator's `expandSlot` for each local hour, in order.
 */
import type { SlotReport } from '../shared/expansion/index.ts';
import { addSlots, type Slot, slotOf } from '../shared/schedule/index.ts';
import type { LocalClock } from './local-clock.ts';
import type { LocalRuntime } from './runtime.ts';
import { type ScheduleName, SCHEDULES } from '../shared/catalogue/index.ts';

export interface ExpandedSlot {
  readonly slot: Slot;
  readonly reports: SlotReport[];
}

/**
 * The expander's firings: on the wall clock the runtime's schedules (and once now); on an
 * accelerated clock, an operator's `expandSlot` for each local hour as it begins.
 */
export function startSlotFirings(context: {
  runtime: LocalRuntime;
  clock: LocalClock;
  /** Expanded first; every slot after it up to the clock's is expanded in order (catch-up). */
  firstSlot: Slot;
  accelerated: boolean;
  print: (line: string) => void;
  twice: boolean;
  /**
   * Called as each slot begins, in order, before it is expanded (on the wall clock: at start and
   * at each new hour): the demo shop moves to that slot's version of its catalogue.
   */
  onSlot?: (slot: Slot) => void;
  /** Accelerated clock: called once a slot is expanded (the data folder keeps where the clock is). */
  onExpanded?: (slot: Slot) => void;
}): { expanded: ExpandedSlot[]; stop(): Promise<void> } {
  const { runtime, clock, print } = context;
  const onSlot = context.onSlot ?? (() => undefined);
  const expanded: ExpandedSlot[] = [];
  if (!context.accelerated) {
    let current = slotOf(clock.now());
    onSlot(current);
    const watcher = setInterval(() => {
      const now = slotOf(clock.now());
      if (now === current) return;
      current = now;
      onSlot(now);
    }, 1_000);
    for (const schedule of Object.keys(SCHEDULES) as ScheduleName[]) {
      runtime.fire(schedule).catch(() => undefined); // failures are printed by the runtime
    }
    return { expanded, stop: () => Promise.resolve(clearInterval(watcher)) };
  }
  let next: Slot = context.firstSlot;
  let busy: Promise<void> | undefined;
  let stopped = false;
  const expandDue = () => {
    busy ??= expandFrom().finally(() => {
      busy = undefined;
    });
  };
  const expandFrom = async () => {
    try {
      while (!stopped && next <= slotOf(clock.now())) {
        const slot = next;
        onSlot(slot);
        const firings = context.twice ? 2 : 1;
        const reports = (await Promise.all(
          Array.from({ length: firings }, () => runtime.invoke('expander', { action: 'expandSlot', slot })),
        )) as SlotReport[];
        expanded.push({ slot, reports });
        const created = reports.reduce((sum, report) => sum + report.created, 0);
        print(`✓ slot ${slot} expanded: ${created} run(s) created`);
        next = addSlots(slot, 1);
        context.onExpanded?.(slot);
      }
    } catch {
      // printed by the runtime; the same slot is tried again at the next tick
    }
  };
  expandDue();
  const timer = setInterval(expandDue, 250);
  return {
    expanded,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await busy;
    },
  };
}
