import { ShelfwatchError } from './shelfwatch-error.ts';
import type { FieldIssue } from './validation-error.ts';

/** A request whose rows are well-formed but clash with what is stored; nothing was written. */
export class ConflictError extends ShelfwatchError {
  readonly issues: readonly FieldIssue[];
  constructor(code: string, message: string, issues: readonly FieldIssue[] = []) {
    super('conflict', code, message);
    this.issues = issues;
  }
}
