import { ShelfwatchError } from '../errors/index.ts';
import type { Run } from './run.ts';
import type { RunStatus, TransitionName } from './status.ts';

/** The run does not exist. */
export class RunNotFoundError extends ShelfwatchError {
  readonly runId: string;
  constructor(runId: string) {
    super('not-found', 'RUN_NOT_FOUND', `run ${runId} does not exist`);
    this.runId = runId;
  }
}

/** The run's state does not allow this transition; nothing was written. */
export class IllegalTransitionError extends ShelfwatchError {
  readonly runId: string;
  readonly transition: TransitionName;
  readonly status: RunStatus;
  readonly run: Run;
  constructor(transition: TransitionName, run: Run) {
    super(
      'conflict',
      'ILLEGAL_TRANSITION',
      `run ${run.runId} is ${run.status}: "${transition}" is not allowed from that state`,
    );
    this.runId = run.runId;
    this.transition = transition;
    this.status = run.status;
    this.run = run;
  }
}

/**
 * The caller no longer holds the run's lease (it expired, or another holder took it over, or
 * the run finished); nothing was written. Stop working on the run.
 */
export class LeaseLostError extends ShelfwatchError {
  readonly runId: string;
  readonly fencingToken: number;
  /** The run as it is now, when known. */
  readonly current: Run | undefined;
  constructor(runId: string, fencingToken: number, current: Run | undefined) {
    const holder = current?.lease
      ? `now held by ${current.lease.owner} with fencing number ${current.lease.fencingToken}`
      : `now ${current?.status ?? 'gone'}`;
    super('conflict', 'LEASE_LOST', `lease ${fencingToken} on run ${runId} is no longer held: ${holder}`);
    this.runId = runId;
    this.fencingToken = fencingToken;
    this.current = current;
  }
}
