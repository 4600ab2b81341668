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

/**
 * Who executes a definition's runs: the Lambda `scraper`s (their runs go on the SQS queues), the
 * external browser `worker`s of seed 004 (their runs wait in the runs table's byWorkerReadiness
 * index, never on a queue), or `any` (both; the first to take the lease has it). Definitions
 * stored before executors existed are the scrapers'.
 */
export const EXECUTORS = ['scraper', 'worker', 'any'] as const;
export type Executor = (typeof EXECUTORS)[number];

export const executorOf = (subject: { readonly executor?: Executor | undefined }): Executor =>
  subject.executor ?? 'scraper';

/** May consumers of this kind take runs executed by `executor`? */
export const mayExecute = (consumer: 'scraper' | 'worker', executor: Executor): boolean =>
  executor === 'any' || executor === consumer;

const MAX_PAYLOAD_DEPTH = 16;

/** Deepest nesting of brackets and braces in JSON text, strings skipped; read before parsing. */
function nestingOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') deepest = Math.max(deepest, (depth += 1));
    else if (char === '}' || char === ']') depth -= 1;
  }
  return deepest;
}

/**
 * Seed 004's `payload_json` as created: a JSON object (text, at most 4 KiB, 16 levels deep) that
 * external workers get back on pull, merged with the progress saved so far.
 */
export const workerPayloadSchema = z
  .string()
  .max(4096)
  .refine((text) => nestingOf(text) <= MAX_PAYLOAD_DEPTH, {
    message: `must nest at most ${MAX_PAYLOAD_DEPTH} levels deep`,
  })
  .refine(
    (text) => {
      try {
        const value = JSON.parse(text) as unknown;
        return value !== null && typeof value === 'object' && !Array.isArray(value);
      } catch {
        return false;
      }
    },
    { message: 'must be a JSON object' },
  );

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
    executor: z.enum(EXECUTORS).default('scraper'),
    /** For external workers: seed 004's payload_json as created. Default: params in seed names. */
    workerPayload: workerPayloadSchema.optional(),
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
