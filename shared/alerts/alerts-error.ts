import type { Change } from '../changes/index.ts';
import { ShelfwatchError } from '../errors/index.ts';

/** EventBridge refused some change events after every retry: the batch is retried from the first. */
export class ChangeEventsNotPublishedError extends ShelfwatchError {
  readonly changeIds: readonly string[];
  constructor(changes: readonly Pick<Change, 'changeId'>[], reason: string) {
    super(
      'unavailable',
      'CHANGE_EVENTS_NOT_PUBLISHED',
      `${changes.length} change event(s) were refused by EventBridge (${reason}): the stream batch is retried from the first of them`,
    );
    this.changeIds = changes.map((change) => change.changeId);
  }
}
