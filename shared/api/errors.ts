/**
 * How errors become HTTP answers. Every answer that is not a success has one shape:
 *
 *   { "error": { "code": "VALIDATION_FAILED", "message": "...", "issues": [{ "field", "message" }] } }
 *
 * A ShelfwatchError's kind alone decides the status. An `internal` error, like any error that is
 * not a ShelfwatchError, is a 500 that says nothing about internals and is logged with a
 * reference the caller can quote. Transport refusals (413, Hono's HTTPException) are answered in
 * create-api.ts.
 */
import { type ErrorKind, type FieldIssue, ShelfwatchError } from '../errors/index.ts';

export const HTTP_STATUS_OF_KIND = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<ErrorKind, number>;

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly issues: readonly FieldIssue[] };
}

export interface ErrorAnswer {
  readonly status: (typeof HTTP_STATUS_OF_KIND)[ErrorKind];
  readonly body: ErrorBody;
}

const issuesOf = (error: ShelfwatchError): readonly FieldIssue[] =>
  'issues' in error && Array.isArray(error.issues) ? (error.issues as FieldIssue[]) : [];

/** The answer for an error; `reference` identifies the request in the logs of a 500. */
export function errorAnswer(error: unknown, reference: string): ErrorAnswer {
  if (error instanceof ShelfwatchError && error.kind !== 'internal') {
    return {
      status: HTTP_STATUS_OF_KIND[error.kind],
      body: { error: { code: error.code, message: error.message, issues: issuesOf(error) } },
    };
  }
  return {
    status: HTTP_STATUS_OF_KIND.internal,
    body: {
      error: {
        code: 'INTERNAL',
        message: `internal error: nothing about it is shown here; quote reference ${reference} to the operators`,
        issues: [],
      },
    },
  };
}
