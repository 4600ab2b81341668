/**
 * A schedule: `once` at an instant, or every N hours from a start hour in an IANA time zone.
 * One zod schema gives validation and the types; the definition schema embeds it.
 */
import { z } from 'zod';
import { canonicalTimeZone, isTimeZone } from './zoned-time.ts';

export const onceScheduleSchema = z.object({
  kind: z.literal('once'),
  /** The instant the single run is due (ISO 8601 with offset); it runs in the slot containing it. */
  at: z.iso.datetime({
    offset: true,
    message: 'must be an ISO 8601 date-time with seconds and offset, e.g. 2026-12-01T08:00:00Z',
  }),
});

export const everyScheduleSchema = z.object({
  kind: z.literal('every'),
  everyHours: z.number().int().min(1).max(24),
  /** First local hour of each day's cycle (0-23). */
  startHour: z.number().int().min(0).max(23).default(0),
  /** Stored canonical (`utc` → `UTC`, `US/Eastern` → `America/New_York`), so one zone is one schedule key. */
  timeZone: z
    .string()
    .refine(isTimeZone, { message: 'must be an IANA time zone such as UTC, Europe/Berlin or Asia/Kolkata' })
    .transform((zone) => canonicalTimeZone(zone) as string)
    .default('UTC'),
});

export const scheduleSchema = z.discriminatedUnion('kind', [onceScheduleSchema, everyScheduleSchema], {
  error: "must be { kind: 'once', at } or { kind: 'every', everyHours, startHour?, timeZone? }",
});

export type Schedule = z.infer<typeof scheduleSchema>;
export type EverySchedule = z.infer<typeof everyScheduleSchema>;
export type OnceSchedule = z.infer<typeof onceScheduleSchema>;
