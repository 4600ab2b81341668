/**
 * Seed 004's contract for external browser workers, field for field: register (and heartbeat),
 * pull, update, complete, create, and snapshot ingest. Answers carry `success: true`; errors
 * keep the API's error shape plus `success: false`. Translation to runs: ../seed-task.ts.
 */
import { z } from 'zod';
import {
  type DefinitionFields,
  definitionInputSchema,
  EXECUTORS,
  MAX_ATTEMPTS_LIMIT,
  PRIORITIES,
  workerPayloadSchema,
} from '../../definitions/index.ts';
import { type FieldIssue, ValidationError } from '../../errors/index.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import { runIdSchema } from '../../runs/index.ts';
import {
  crawlTypeOf,
  ingestBodySchema,
  priorityOf,
  seedStatusOf,
  seedTaskOf,
  workerIdSchema,
} from '../../workers/index.ts';
import { mapWithConcurrency } from '../../concurrency/index.ts';

const TAG = 'market (seed 004)';
const count = z.number().int().min(0);
const MAX_PROGRESS_BYTES = 16 * 1024;

export const registerBody = z
  .object({
    worker_id: workerIdSchema,
    worker_name: z.string().max(200).optional(),
    browser_type: z.string().max(50).optional(),
    browser_version: z.string().max(512).optional(),
    script_version: z.string().max(50).optional(),
  })
  .strict();

export const pullBody = z
  .object({
    worker_id: workerIdSchema,
    /** A worker holds one task at a time. */
    limit: z.literal(1, { error: 'must be 1: a worker holds one task at a time' }).default(1),
  })
  .strict();

/** Seed 004 progress; keys beyond these are kept and handed back in payload_json on resume. */
export const progressSchema = z
  .object({
    current_page: z.number().int().min(1).max(10_000).optional(),
    total_pages: z.number().int().min(0).max(10_000).optional(),
    scraped_count: count.optional(),
    saved_count: count.optional(),
    skipped_count: count.optional(),
    invalid_count: count.optional(),
    last_product_id: z.union([z.string().max(512), z.number()]).optional(),
    next_url: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .max(2048)
      .optional(),
  })
  .catchall(z.json())
  .refine((progress) => Buffer.byteLength(JSON.stringify(progress)) <= MAX_PROGRESS_BYTES, {
    message: `must serialize to at most ${MAX_PROGRESS_BYTES} bytes`,
  });

export const updateBody = z
  .object({
    task_id: runIdSchema,
    worker_id: workerIdSchema,
    status: z.literal('IN_PROGRESS').default('IN_PROGRESS'),
    progress: progressSchema,
  })
  .strict();

export const completeBody = z
  .object({
    task_id: runIdSchema,
    worker_id: workerIdSchema,
    status: z.enum(['DONE', 'FAILED']),
    result: progressSchema
      .and(z.object({ error_message: z.string().max(2000).nullable().optional() }))
      .optional(),
  })
  .strict();

/** Seed 004's defaults, as its worker script applies them (`params.max_pages || 5`). */
const SEED_MAX_PAGES = 5;
const SEED_MAX_PRODUCTS = 100;

/**
 * payload_json: a JSON object; `max_pages` and `max_products` are checked (they also bound a
 * scraper's run), any other key is kept as given and handed back to the worker on pull.
 */
const payloadParamsSchema = z
  .object({
    max_products: z.number().int().min(1).max(10_000).optional(),
    max_pages: z.number().int().min(1).max(100).optional(),
  })
  .catchall(z.json());

const payloadSchema = workerPayloadSchema.transform((text, context) => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be a JSON object' });
    return z.NEVER;
  }
  const parsed = payloadParamsSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
    return z.NEVER;
  }
  return { text, value: parsed.data };
});

export const seedTaskInputSchema = z
  .object({
    platform: z.string().min(1).max(32),
    market: z.string().min(1).max(8),
    /** The page the worker opens, handed back as is on pull; checked by the SSRF guard. */
    url: z
      .string()
      .min(1)
      .max(2048)
      .regex(/^https?:\/\//i, 'must be an http(s) URL'),
    /** detail_page, category_page, search_page, bestsellers_page, or a crawl type id. */
    data_type: z.string().min(1).max(32),
    /** 0..10 as in seed 004 (7+ high, 4-6 normal, 0-3 low), or high | normal | low. */
    priority: z.union([z.number().int().min(0).max(100), z.enum(PRIORITIES)]).default(5),
    payload_json: payloadSchema.optional(),
    max_retries: z.number().int().min(1).max(MAX_ATTEMPTS_LIMIT).optional(),
    /** Beyond seed 004: who executes it. Default `worker` (seed tasks are for external workers). */
    executor: z.enum(EXECUTORS).default('worker'),
  })
  .strict();

export const createTasksBody = z.object({ tasks: z.array(seedTaskInputSchema).min(1).max(100) }).strict();

type SeedTaskInput = z.infer<typeof seedTaskInputSchema>;

const SEED_FIELD: Readonly<Record<string, string>> = {
  target: 'url',
  marketplace: 'market',
  crawlType: 'data_type',
  maxAttempts: 'max_retries',
  'params.maxPages': 'payload_json.max_pages',
  'params.maxItems': 'payload_json.max_products',
  workerPayload: 'payload_json',
};

/** A one-off definition carrying the task: disabled (never scheduled), run once now. */
function definitionOf(task: SeedTaskInput, id: string, nowMs: number): unknown {
  const payload = task.payload_json?.value ?? {};
  return {
    id,
    platform: task.platform,
    marketplace: task.market,
    crawlType: crawlTypeOf(task.data_type),
    target: task.url,
    schedule: { kind: 'once', at: new Date(nowMs).toISOString() },
    priority: priorityOf(task.priority),
    ...(task.max_retries !== undefined ? { maxAttempts: task.max_retries } : {}),
    params: {
      maxPages: payload.max_pages ?? SEED_MAX_PAGES,
      maxItems: payload.max_products ?? SEED_MAX_PRODUCTS,
    },
    enabled: false,
    executor: task.executor,
    // Handed back on pull exactly as created ("{}" when none was given: the worker's defaults apply).
    workerPayload: task.payload_json?.text ?? '{}',
  };
}

function definitionsOf(
  deps: ApiDependencies,
  tasks: readonly SeedTaskInput[],
  nowMs: number,
): DefinitionFields[] {
  const issues: FieldIssue[] = [];
  const definitions = tasks.flatMap((task, index) => {
    const parsed = definitionInputSchema.safeParse(definitionOf(task, `task-${deps.newRequestId()}`, nowMs));
    if (parsed.success) return [parsed.data];
    for (const issue of ValidationError.fromZod('task', parsed.error).issues) {
      issues.push({
        field: `tasks.${index}.${SEED_FIELD[issue.field] ?? issue.field}`,
        message: issue.message,
      });
    }
    return [];
  });
  if (issues.length > 0) throw new ValidationError('tasks', issues);
  return definitions;
}

export function marketRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/market/tasks/worker/register',
      tag: TAG,
      scope: 'worker',
      mutates: true,
      summary: 'API 1: register a worker, or say it is alive (extends the lease of the task it holds)',
      body: registerBody,
      async handle({ body, principal }) {
        await deps.broker.register(
          {
            workerId: body.worker_id,
            tokenId: principal.tokenId,
            ...(body.worker_name !== undefined ? { name: body.worker_name } : {}),
            ...(body.browser_type !== undefined ? { browserType: body.browser_type } : {}),
            ...(body.browser_version !== undefined ? { browserVersion: body.browser_version } : {}),
            ...(body.script_version !== undefined ? { scriptVersion: body.script_version } : {}),
          },
          deps.clock(),
        );
        return { success: true, worker_id: body.worker_id };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/market/tasks/pull',
      tag: TAG,
      scope: 'worker',
      mutates: true,
      summary: 'API 2: take the next task, high before normal before low; `task` is null when there is none',
      description:
        'payload_json holds the params (max_pages, max_products) merged with the progress the last holder saved: a task interrupted by a crash resumes from there.',
      body: pullBody,
      async handle({ body, principal }) {
        const run = await deps.broker.pull(body.worker_id, deps.clock(), principal.tokenId);
        return { success: true, task: run ? seedTaskOf(run) : null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/market/tasks/update',
      tag: TAG,
      scope: 'worker',
      mutates: true,
      summary: 'API 3: save progress (the resume point) and extend the lease',
      body: updateBody,
      async handle({ body, principal }) {
        await deps.broker.update(
          body.task_id,
          body.worker_id,
          body.progress,
          deps.clock(),
          principal.tokenId,
        );
        return { success: true };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/market/tasks/complete',
      tag: TAG,
      scope: 'worker',
      mutates: true,
      summary: 'API 4: finish a task, DONE or FAILED (FAILED is retried while attempts are left)',
      body: completeBody,
      async handle({ body, principal }) {
        const run = await deps.broker.complete(
          body.task_id,
          body.worker_id,
          body.result ? { status: body.status, result: body.result } : { status: body.status },
          deps.clock(),
          principal.tokenId,
        );
        return { success: true, task_status: seedStatusOf(run.status) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/market/tasks/create',
      tag: TAG,
      // Seed 004: tasks are created by an administrator or a scheduler, not by workers. A worker
      // token that could create tasks could also plant a URL for every other worker to open.
      scope: 'operator',
      mutates: true,
      summary:
        'API 5 (operator token): create tasks in a batch (all or nothing); each becomes a one-off run, queued now',
      body: createTasksBody,
      // Seed 004 answers 200 with success: true (no 201).
      async handle({ body }) {
        const now = deps.clock();
        const definitions = definitionsOf(deps, body.tasks, now);
        await deps.targetGuard.assertSafe(
          'tasks',
          body.tasks.map((task, index) => ({ field: `tasks.${index}.url`, target: task.url })),
        );
        const created = await mapWithConcurrency(definitions, 8, (fields) =>
          deps.definitions.create(fields, now),
        );
        const runs = await mapWithConcurrency(created, 8, (definition) =>
          deps.expander.runNow(definition.id, deps.newRequestId(), now),
        );
        return { success: true, task_ids: runs.map((run) => run.runId), tasks: runs.map(seedTaskOf) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/market/snapshots/ingest',
      tag: TAG,
      scope: 'worker',
      mutates: true,
      summary:
        "Items a worker read: `[product, ...]` (the run held by this token's worker) or `{ task_id, products }`",
      body: ingestBodySchema,
      async handle({ body, principal }) {
        const { run, saved } = await deps.ingest.ingest(body, principal.tokenId, deps.clock());
        return { success: true, task_id: run.runId, saved };
      },
    }),
  ];
}
