import type { z } from 'zod';
import { ShelfwatchError } from './shelfwatch-error.ts';

export interface FieldIssue {
  /** Dotted path of the offending field (`schedule.everyHours`, `tasks.3.url`); `(root)` for the whole input. */
  readonly field: string;
  readonly message: string;
}

/** Input that does not fit its schema. Lists every bad field; nothing was stored. */
export class ValidationError extends ShelfwatchError {
  readonly issues: readonly FieldIssue[];

  constructor(what: string, issues: readonly FieldIssue[]) {
    super(
      'invalid',
      'VALIDATION_FAILED',
      `invalid ${what}: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
    );
    this.issues = issues;
  }

  static fromZod(what: string, error: z.ZodError): ValidationError {
    return new ValidationError(
      what,
      error.issues.map((issue) => ({
        field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
        message: issue.message,
      })),
    );
  }
}
