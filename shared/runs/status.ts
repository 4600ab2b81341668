/**
 * The run lifecycle. One table of legal transitions; the DynamoDB store derives every
 * condition expression from it, so an illegal transition cannot be written.
 *
 *   PENDING ──▶ QUEUED ──▶ RUNNING ⇄ RETRY_WAIT
 *      │           │          │          │
 *      └───────────┴──────────┴──────────┴──▶ SUCCEEDED | FAILED | CANCELLED | DEAD_LETTERED
 *
 * RUNNING ──▶ RUNNING is a new holder taking over an expired lease (the fencing number grows).
 * PENDING ──▶ RUNNING happens when a consumer wins the race with the expander's "queued" mark.
 * Terminal states are left only by an operator's explicit reopen (retry), never by a holder.
 */

export const RUN_STATUSES = [
  'PENDING',
  'QUEUED',
  'RUNNING',
  'RETRY_WAIT',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'DEAD_LETTERED',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINAL_STATUSES = [
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'DEAD_LETTERED',
] as const satisfies readonly RunStatus[];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export const isTerminal = (status: RunStatus): status is TerminalStatus =>
  (TERMINAL_STATUSES as readonly RunStatus[]).includes(status);

/** Every transition, named by the verb that performs it, with the states it may start from. */
export const TRANSITIONS = {
  /** Expander: the run's message was sent. */
  markQueued: { from: ['PENDING'], to: 'QUEUED' },
  /** Consumer takes the lease (RUNNING only when the current lease has expired). */
  acquire: { from: ['PENDING', 'QUEUED', 'RETRY_WAIT', 'RUNNING'], to: 'RUNNING' },
  /** Holder hands the run back to wait for a retry (failure with attempts left, or deadline). */
  release: { from: ['RUNNING'], to: 'RETRY_WAIT' },
  /** Holder finishes. */
  succeed: { from: ['RUNNING'], to: 'SUCCEEDED' },
  fail: { from: ['RUNNING'], to: 'FAILED' },
  /** No attempts left when a consumer came for it. */
  exhaust: { from: ['PENDING', 'QUEUED', 'RETRY_WAIT', 'RUNNING'], to: 'FAILED' },
  /** Operator. */
  cancel: { from: ['PENDING', 'QUEUED', 'RUNNING', 'RETRY_WAIT'], to: 'CANCELLED' },
  /** Monitor: the run's message is in a DLQ. */
  markDeadLettered: { from: ['PENDING', 'QUEUED', 'RUNNING', 'RETRY_WAIT'], to: 'DEAD_LETTERED' },
  /** Monitor repair: a run whose lease expired long ago (its message gone) goes back on its queue. */
  requeue: { from: ['RUNNING'], to: 'QUEUED' },
  /** Operator retry of a finished-but-unsuccessful run: attempts start again. */
  reopen: { from: ['FAILED', 'CANCELLED', 'DEAD_LETTERED'], to: 'QUEUED' },
} as const satisfies Record<string, { from: readonly RunStatus[]; to: RunStatus }>;

export type TransitionName = keyof typeof TRANSITIONS;

export const canTransition = (transition: TransitionName, from: RunStatus): boolean =>
  (TRANSITIONS[transition].from as readonly RunStatus[]).includes(from);
