/**
 * The run: one (definition, slot) — or one operator "run now" — and everything about its
 * execution: status, attempts, the lease, the checkpoint and the counts.
 */
import { z } from 'zod';
import type {
  Definition,
  DefinitionParams,
  Executor,
  FetchModeSetting,
  Priority,
} from '../definitions/index.ts';
import { ValidationError } from '../errors/index.ts';
import type { Slot } from '../schedule/index.ts';
import type { Failure } from './failure.ts';
import type { RunStatus } from './status.ts';

/** Run id of a scheduled run: the same (definition, slot) always gives the same id. */
export const runIdOf = (definitionId: string, slot: Slot): string => `${definitionId}@${slot}`;

/** Run id of an operator's "run now": unique per request, recognisably not a slot. */
export const manualRunIdOf = (definitionId: string, requestId: string): string =>
  `${definitionId}@manual-${requestId}`;

/** `<definition id>@<slot>` or `<definition id>@manual-<request id>`. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}@[A-Za-z0-9:._-]{1,100}$/;
export const runIdSchema = z
  .string()
  .regex(RUN_ID_PATTERN, 'must be a run id: <definition id>@<slot>, e.g. shoes-de@2026-11-23T19:00Z');

const MAX_STATE_BYTES = 32 * 1024;
/** DynamoDB allows 32 levels of nesting; the run item and `checkpoint.state` take two. */
const MAX_STATE_DEPTH = 24;

/** Nesting depth of a JSON-like value, measured without recursion (so no stack overflow). */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export const checkpointSchema = z
  .object({
    /** Last page fully done (0: none yet). */
    page: z.number().int().min(0),
    itemsSoFar: z.number().int().min(0),
    lastItemId: z.string().max(512).optional(),
    nextUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Extractor-specific state, JSON, at most 32 KiB. */
    state: z
      .record(z.string(), z.json())
      .refine((state) => Buffer.byteLength(JSON.stringify(state)) <= MAX_STATE_BYTES, {
        message: `must serialize to at most ${MAX_STATE_BYTES} bytes`,
      })
      .optional(),
  })
  .strict();

export type Checkpoint = z.infer<typeof checkpointSchema>;

export function parseCheckpoint(input: unknown): Checkpoint {
  const state =
    typeof input === 'object' && input !== null ? (input as { state?: unknown }).state : undefined;
  if (state !== undefined && depthOf(state, MAX_STATE_DEPTH) > MAX_STATE_DEPTH) {
    throw new ValidationError('checkpoint', [
      { field: 'state', message: `must nest at most ${MAX_STATE_DEPTH} levels deep` },
    ]);
  }
  const parsed = checkpointSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod('checkpoint', parsed.error);
  return parsed.data;
}

export interface RunCounts {
  readonly scraped: number;
  readonly saved: number;
  readonly skipped: number;
  readonly invalid: number;
}

export const ZERO_COUNTS: RunCounts = { scraped: 0, saved: 0, skipped: 0, invalid: 0 };

export interface Lease {
  readonly runId: string;
  readonly owner: string;
  /** Grows by one with every acquisition of the run: the newest holder has the largest. */
  readonly fencingToken: number;
  readonly expiresAtMs: number;
}

/** Why an `auto` run left HTTP for the browser (decided in shared/scraping/fetch-mode.ts). */
export const ESCALATION_REASONS = ['blocked', 'missing-fields', 'unknown-layout'] as const;
export type RunEscalationReason = (typeof ESCALATION_REASONS)[number];

/** The run's escalation to the browser: why, on which page (1-based), when. */
export interface RunEscalation {
  readonly reason: RunEscalationReason;
  readonly page: number;
  readonly at: string;
}

export interface Run {
  readonly runId: string;
  readonly definitionId: string;
  /** The slot of a scheduled run; for a manual run, the slot it was requested in. */
  readonly slot: Slot;
  readonly trigger: 'schedule' | 'manual';
  // What to scrape: a snapshot of the definition when the run was created.
  readonly platform: string;
  readonly marketplace: string;
  readonly crawlType: string;
  readonly target: string;
  readonly params: DefinitionParams;
  readonly priority: Priority;
  readonly maxAttempts: number;
  /** Who may take the run's lease: scrapers, external workers, or either (from the definition). */
  readonly executor: Executor;
  /** Seed 004's payload_json as created, for external workers (see seed-task.ts). */
  readonly workerPayload?: string;
  /** The definition's fetch mode override; absent: the extractor's own. */
  readonly fetchMode?: FetchModeSetting;
  // Execution.
  readonly status: RunStatus;
  readonly statusChangedAt: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly attempts: number;
  /** Highest fencing number handed out so far (0: never acquired). */
  readonly fencingToken: number;
  /** Present while RUNNING. */
  readonly lease?: Lease;
  readonly checkpoint?: Checkpoint;
  readonly counts: RunCounts;
  /** Share of required fields present in the saved items, 0..1. */
  readonly completeness?: number;
  readonly lastFailure?: Failure & { readonly at: string };
  /** Set when an `auto` run escalated from HTTP to the browser (once: every later page is read there). */
  readonly escalation?: RunEscalation;
  /** Attempts that ended blocked (captcha, 403/429). */
  readonly blockedAttempts: number;
  readonly nextAttemptAt?: string;
  readonly finishedAt?: string;
  /** Epoch seconds after which DynamoDB TTL may delete a terminal run (retention only). */
  readonly expiresAt?: number;
  /** Set by the monitor's repair: the fencing number of the expired lease it re-queued from. */
  readonly requeuedForToken?: number;
  readonly requeuedAt?: string;
}

export interface NewRun {
  readonly definition: Pick<
    Definition,
    | 'id'
    | 'platform'
    | 'marketplace'
    | 'crawlType'
    | 'target'
    | 'params'
    | 'priority'
    | 'maxAttempts'
    | 'fetchMode'
  > &
    Partial<Pick<Definition, 'executor' | 'workerPayload'>>;
  readonly slot: Slot;
  readonly trigger?: 'schedule' | 'manual';
  /** For manual runs: makes the id unique. */
  readonly requestId?: string;
}
