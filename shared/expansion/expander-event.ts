import { z } from 'zod';
import { ValidationError } from '../errors/index.ts';
import { isSlot } from '../schedule/index.ts';

/** What may invoke the expander: its schedule, or an operator asking to expand one slot again. */
export const expanderEventSchema = z.union([
  z.object({ source: z.literal('shelfwatch.schedule'), schedule: z.literal('expander') }),
  z.object({
    action: z.literal('expandSlot'),
    slot: z.string().refine(isSlot, 'must be a slot such as 2026-11-23T19:00Z'),
  }),
]);

export type ExpanderEvent = z.infer<typeof expanderEventSchema>;

export function parseExpanderEvent(event: unknown): ExpanderEvent {
  const parsed = expanderEventSchema.safeParse(event);
  if (!parsed.success) throw ValidationError.fromZod('expander event', parsed.error);
  return parsed.data;
}
