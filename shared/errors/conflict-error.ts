import type { FieldIssue } from './validation-error.ts';
import { ShelfwatchError } from './shelfwatch-error.ts';

/** A request whose rows are well-formed but clash with what is stored; nothing was written. */
export class ConflictError extends ShelfwatchError {
  readonly issues: readonly FieldIssue[];
  constructor(code: string, message: string, issues: readonly FieldIssue[] = []) {
    super(code, message);
    this.issues = issues;
  }
}
