/**
 * Definitions: batch create (all-or-nothing by default, or `partial`), list with filters and
 * pages, get, update, delete, enable/disable, run now.
 */
import { z } from 'zod';
import {
  type Definition,
  type DefinitionFields,
  definitionInputSchema,
  DefinitionExistsError,
  DEFINITIONS_PER_REQUEST,
} from '../../definitions/index.ts';
import { ConflictError, type FieldIssue, ValidationError } from '../../errors/index.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { defineRoute, type Route } from '../route.ts';
import { booleanParam, definitionIdSchema, pageQuery } from '../schemas.ts';
import { mapWithConcurrency } from '../../concurrency/index.ts';

const TAG = 'definitions';
const fields = definitionInputSchema.shape;

const idParams = z.object({ definitionId: definitionIdSchema }).strict();

export const createDefinitionsBody = z
  .object({
    definitions: z.array(z.unknown()).min(1).max(DEFINITIONS_PER_REQUEST),
    /** atomic (default): any bad row and nothing is written. partial: good rows are written, bad ones reported. */
    mode: z.enum(['atomic', 'partial']).default('atomic'),
  })
  .strict();

/** Top-level fields to change; `schedule` and `params` are replaced whole. No defaults apply. */
export const definitionPatchBody = z
  .object({
    platform: fields.platform.optional(),
    marketplace: fields.marketplace.optional(),
    crawlType: fields.crawlType.optional(),
    target: fields.target.optional(),
    schedule: fields.schedule.optional(),
    priority: fields.priority.unwrap().optional(),
    maxAttempts: fields.maxAttempts.unwrap().optional(),
    params: fields.params.unwrap().optional(),
    enabled: fields.enabled.unwrap().optional(),
    executor: fields.executor.unwrap().optional(),
    workerPayload: fields.workerPayload,
    /** null: back to the extractor's own fetch mode. */
    fetchMode: fields.fetchMode.unwrap().nullable().optional(),
    /** Refuse the change (409) unless the stored version is this one. */
    expectedVersion: z.number().int().min(1).optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).some((key) => key !== 'expectedVersion'), {
    message: 'must change at least one field',
  });

const runNowBody = z
  .object({
    /** Makes a retried "run now" idempotent: the same id gives the same run. */
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,64}$/, 'must be 8-64 letters, digits or "-"')
      .optional(),
  })
  .strict()
  .optional();

/** Validates every row; issues are named `definitions.<row>.<field>`. */
function validateRows(rows: readonly unknown[]): {
  valid: Map<number, DefinitionFields>;
  issues: FieldIssue[];
} {
  const valid = new Map<number, DefinitionFields>();
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const parsed = definitionInputSchema.safeParse(row);
    if (!parsed.success) {
      for (const issue of ValidationError.fromZod('definition', parsed.error).issues) {
        const field = issue.field === '(root)' ? '' : `.${issue.field}`;
        issues.push({ field: `definitions.${index}${field}`, message: issue.message });
      }
      return;
    }
    const earlier = seen.get(parsed.data.id);
    if (earlier !== undefined) {
      issues.push({ field: `definitions.${index}.id`, message: `repeats definitions.${earlier}.id` });
      return;
    }
    seen.set(parsed.data.id, index);
    valid.set(index, parsed.data);
  });
  return { valid, issues };
}

/** Rows whose URL target the SSRF guard refuses move from `valid` to `issues`. */
async function refuseUnsafeTargets(
  deps: ApiDependencies,
  valid: Map<number, DefinitionFields>,
  issues: FieldIssue[],
): Promise<void> {
  const refused = await deps.targetGuard.issuesOf(
    [...valid].map(([index, row]) => ({ field: `definitions.${index}.target`, target: row.target })),
  );
  for (const issue of refused) {
    valid.delete(Number(issue.field.split('.')[1]));
    issues.push(issue);
  }
}

async function existingIds(
  deps: ApiDependencies,
  rows: Map<number, DefinitionFields>,
): Promise<FieldIssue[]> {
  const found = await mapWithConcurrency([...rows], 8, async ([index, row]) =>
    (await deps.definitions.get(row.id))
      ? [{ field: `definitions.${index}.id`, message: 'already exists' }]
      : [],
  );
  return found.flat();
}

async function createAll(deps: ApiDependencies, rows: readonly DefinitionFields[]): Promise<Definition[]> {
  const now = deps.clock();
  type Outcome = { readonly created: Definition } | { readonly error: unknown };
  const outcomes = await mapWithConcurrency(rows, 8, async (row): Promise<Outcome> => {
    try {
      return { created: await deps.definitions.create(row, now) };
    } catch (error) {
      return { error };
    }
  });
  const created = outcomes.flatMap((outcome) => ('created' in outcome ? [outcome.created] : []));
  const failure = outcomes.find((outcome) => 'error' in outcome);
  if (!failure || !('error' in failure)) return created;
  // Another writer raced this batch: undo what this request wrote, so it writes nothing.
  await mapWithConcurrency(created, 8, (definition) => deps.definitions.delete(definition.id));
  if (failure.error instanceof DefinitionExistsError) {
    const { message } = failure.error;
    throw new ConflictError('DEFINITIONS_EXIST', message, [{ field: 'definitions', message }]);
  }
  throw failure.error;
}

export function definitionRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/definitions',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Create definitions in a batch',
      description:
        'Every row is validated first. `atomic` (default): one bad or existing row and nothing is written (400/409 naming each row). `partial`: good rows are written, bad ones are returned in `rejected`.',
      body: createDefinitionsBody,
      successStatus: 201,
      async handle({ body }) {
        const { valid, issues } = validateRows(body.definitions);
        await refuseUnsafeTargets(deps, valid, issues);
        const conflicts = await existingIds(deps, valid);
        if (body.mode === 'atomic') {
          if (issues.length > 0) throw new ValidationError('definitions', issues);
          if (conflicts.length > 0) {
            throw new ConflictError(
              'DEFINITIONS_EXIST',
              'some definitions exist already: nothing was written',
              conflicts,
            );
          }
          return { definitions: await createAll(deps, [...valid.values()]), rejected: [] };
        }
        const refused = new Set(conflicts.map((issue) => Number(issue.field.split('.')[1])));
        const rows = [...valid].filter(([index]) => !refused.has(index)).map(([, row]) => row);
        const definitions = await createAll(deps, rows);
        const rejected = [...issues, ...conflicts].sort((a, b) =>
          a.field.localeCompare(b.field, 'en', { numeric: true }),
        );
        return { definitions, rejected };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/definitions',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'List definitions, filtered, a page at a time',
      query: z
        .object({
          platform: z.string().min(1).max(32).optional(),
          crawlType: z.string().min(1).max(32).optional(),
          enabled: booleanParam.optional(),
          ...pageQuery(1000),
        })
        .strict(),
      paged: true,
      handle: ({ query }) => deps.definitions.list(query),
    }),
    defineRoute({
      method: 'get',
      path: '/definitions/:definitionId',
      tag: TAG,
      scope: 'operator',
      mutates: false,
      summary: 'Get one definition',
      params: idParams,
      handle: ({ params }) => deps.definitions.require(params.definitionId),
    }),
    defineRoute({
      method: 'patch',
      path: '/definitions/:definitionId',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Change fields of a definition',
      params: idParams,
      body: definitionPatchBody,
      handle: async ({ params, body }) => {
        const { expectedVersion, ...patch } = body;
        if (patch.target !== undefined) {
          await deps.targetGuard.assertSafe('definition', [{ field: 'target', target: patch.target }]);
        }
        return deps.definitions.update(params.definitionId, patch, deps.clock(), expectedVersion);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/definitions/:definitionId',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Delete a definition (its runs stay)',
      params: idParams,
      async handle({ params }) {
        await deps.definitions.delete(params.definitionId);
        return { deleted: params.definitionId };
      },
    }),
    ...(['enable', 'disable'] as const).map((verb) =>
      defineRoute({
        method: 'post',
        path: `/definitions/:definitionId/${verb}`,
        tag: TAG,
        scope: 'operator',
        mutates: true,
        summary: `${verb === 'enable' ? 'Enable' : 'Disable'} a definition`,
        params: idParams,
        handle: ({ params }) =>
          deps.definitions.setEnabled(params.definitionId, verb === 'enable', deps.clock()),
      }),
    ),
    defineRoute({
      method: 'post',
      path: '/definitions/:definitionId/run',
      tag: TAG,
      scope: 'operator',
      mutates: true,
      summary: 'Run a definition now (a manual run on the queue of its priority)',
      params: idParams,
      body: runNowBody,
      successStatus: 202,
      handle: ({ params, body }) =>
        deps.expander.runNow(params.definitionId, body?.requestId ?? deps.newRequestId(), deps.clock()),
    }),
  ];
}
