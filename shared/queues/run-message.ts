/**
 * The message that puts a run on a priority queue: small, versioned JSON that consumers
 * validate. A message names a run; the run record (not the message) says what to do, so a
 * duplicated or stale message is harmless: its consumer finds the run is not its to take.
 */
import { z } from 'zod';
import { ValidationError } from '../errors/index.ts';
import type { OutgoingMessage } from './send-run-messages.ts';
import type { Run } from '../runs/index.ts';
import { isSlot } from '../schedule/index.ts';
import { runQueueModeOf } from './run-routing.ts';

export const RUN_MESSAGE_VERSION = 1;

export const runMessageSchema = z
  .object({
    v: z.literal(RUN_MESSAGE_VERSION, { error: `must be ${RUN_MESSAGE_VERSION} (the message version)` }),
    runId: z.string().min(1).max(300),
    definitionId: z.string().min(1).max(128),
    slot: z.string().refine(isSlot, 'must be a slot such as 2026-11-23T19:00Z'),
    /** Attempts already made when the message was sent (0 for a new run). */
    attempt: z.number().int().min(0),
  })
  .strict();

export type RunMessage = z.infer<typeof runMessageSchema>;

export const encodeRunMessage = (message: Omit<RunMessage, 'v'>): string =>
  JSON.stringify({ v: RUN_MESSAGE_VERSION, ...message });

/**
 * The message that puts a run on the queue of its priority and mode (expander, run now, monitor
 * repair, hand-backs).
 */
export const runMessageOf = (run: Run): OutgoingMessage => ({
  priority: run.priority,
  mode: runQueueModeOf(run),
  id: run.runId,
  body: encodeRunMessage({
    runId: run.runId,
    definitionId: run.definitionId,
    slot: run.slot,
    attempt: run.attempts,
  }),
});

/** Parses a queue message body; a malformed one is a ValidationError (a permanent failure). */
export function parseRunMessage(body: string): RunMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new ValidationError('run message', [{ field: '(root)', message: 'is not JSON' }]);
  }
  const parsed = runMessageSchema.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod('run message', parsed.error);
  return parsed.data;
}
