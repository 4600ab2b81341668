/**
 * The definition: one entry of the watch list. One zod schema gives validation, the types and
 * (later) the API's OpenAPI document. A bad definition yields a ValidationError naming each bad
 * field; nothing is stored.
 */
import { z } from 'zod';
import { MAX_ATTEMPTS_LIMIT, PRIORITIES } from '../aws/catalogue.ts';
import { ValidationError } from '../errors/index.ts';
import { canonicalTimeZone, isTimeZone } from '../schedule/zoned-time.ts';
import { crawlTypeIds, findCrawlType, findPlatform, platformIds } from './registry.ts';

export const DEFINITION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

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

export const paramsSchema = z
  .object({
    maxPages: z.number().int().min(1).max(100).default(1),
    maxItems: z.number().int().min(1).max(10_000).default(100),
  })
  .strict();

export const definitionInputSchema = z
  .object({
    id: z
      .string()
      .regex(DEFINITION_ID_PATTERN, 'must be 1-128 letters, digits, ".", "_" or "-", starting alphanumeric'),
    platform: z.string().refine((id) => findPlatform(id) !== undefined, {
      error: () => `must be a registered platform: ${platformIds().join(', ')}`,
    }),
    marketplace: z
      .string()
      .min(1)
      .transform((code) => code.toUpperCase()),
    crawlType: z.string().refine((id) => findCrawlType(id) !== undefined, {
      error: () => `must be a registered crawl type: ${crawlTypeIds().join(', ')}`,
    }),
    target: z.string().trim().min(1, 'must not be empty').max(2048),
    schedule: scheduleSchema,
    priority: z.enum(PRIORITIES).default('normal'),
    maxAttempts: z.number().int().min(1).max(MAX_ATTEMPTS_LIMIT).default(3),
    params: paramsSchema.default({ maxPages: 1, maxItems: 100 }),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((definition, context) => {
    const platform = findPlatform(definition.platform);
    if (platform && !platform.marketplaces.includes(definition.marketplace)) {
      context.addIssue({
        code: 'custom',
        path: ['marketplace'],
        message: `must be one of ${platform.id}'s marketplaces: ${platform.marketplaces.join(', ')}`,
      });
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(definition.target) && !isHttpUrl(definition.target)) {
      context.addIssue({ code: 'custom', path: ['target'], message: 'a URL target must be http(s)' });
    }
  });

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export type Schedule = z.infer<typeof scheduleSchema>;
export type EverySchedule = z.infer<typeof everyScheduleSchema>;
export type OnceSchedule = z.infer<typeof onceScheduleSchema>;
export type DefinitionParams = z.infer<typeof paramsSchema>;
/** What an operator sends: defaults not yet applied. */
export type DefinitionInput = z.input<typeof definitionInputSchema>;

/** A validated definition as stored. `version` grows with every write (optimistic locking). */
export interface Definition extends z.infer<typeof definitionInputSchema> {
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  /** When a run of it last succeeded (set by consumers; read by the monitor for staleness). */
  readonly lastSucceededAt?: string;
}

export type DefinitionFields = z.infer<typeof definitionInputSchema>;

/** Validates untrusted input; throws ValidationError listing every bad field. */
export function parseDefinitionInput(input: unknown): DefinitionFields {
  const parsed = definitionInputSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod('definition', parsed.error);
  return parsed.data;
}
