/**
 * The definition: one entry of the watch list. One zod schema gives validation, the types and
 * (later) the API's OpenAPI document. A bad definition yields a ValidationError naming each bad
 * field; nothing is stored.
 */
import { z } from 'zod';
import { ValidationError } from '../errors/index.ts';
import { scheduleSchema } from '../schedule/index.ts';
import { crawlTypeIds, findCrawlType, findPlatform, platformIds } from './registry.ts';
import { FETCH_MODES } from './fetch-mode.ts';
import { MAX_ATTEMPTS_LIMIT, PRIORITIES } from './priority.ts';
import { checkVisibleText } from './visible-text.ts';

/** Definitions one request may create (POST /definitions); the CLI's import sends batches of this size. */
export const DEFINITIONS_PER_REQUEST = 100;

export const DEFINITION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

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
    target: z.string().trim().min(1, 'must not be empty').max(2048).superRefine(checkVisibleText),
    schedule: scheduleSchema,
    priority: z.enum(PRIORITIES).default('normal'),
    maxAttempts: z.number().int().min(1).max(MAX_ATTEMPTS_LIMIT).default(3),
    params: paramsSchema.default({ maxPages: 1, maxItems: 100 }),
    enabled: z.boolean().default(true),
    /** Overrides the extractor's fetch mode for this definition's runs; absent: the extractor's. */
    fetchMode: z.enum(FETCH_MODES).optional(),
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
