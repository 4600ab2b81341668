/**
 * How errors become HTTP answers. Every answer that is not a success has one shape:
 *
 *   { "error": { "code": "VALIDATION_FAILED", "message": "...", "issues": [{ "field", "message" }] } }
 *
 * ShelfwatchError codes map to 4xx (or 503 for "try again later"); anything else is a 500 that
 * says nothing about internals and is logged with a reference the caller can quote.
 */
import { ConflictError, ShelfwatchError, type FieldIssue } from '../errors/index.ts';

/** The token is missing, malformed, unknown or revoked. */
export class AuthenticationError extends ShelfwatchError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message);
  }
}

/** The token is valid but its scope does not cover the route. */
export class ForbiddenError extends ShelfwatchError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly issues: readonly FieldIssue[] };
}

export interface ErrorAnswer {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 500 | 503;
  readonly body: ErrorBody;
}

const CONFLICT_CODES = new Set([
  'DEFINITION_EXISTS',
  'DEFINITION_CONFLICT',
  'ILLEGAL_TRANSITION',
  'LEASE_LOST',
  'WORKER_OFFLINE',
]);
const RETRY_LATER_CODES = new Set(['SNAPSHOTS_NOT_SAVED']);

export function statusOf(error: ShelfwatchError): ErrorAnswer['status'] {
  if (error.code === 'VALIDATION_FAILED') return 400;
  if (error.code === 'UNAUTHENTICATED') return 401;
  if (error.code === 'FORBIDDEN') return 403;
  if (error.code === 'PAYLOAD_TOO_LARGE') return 413;
  if (error.code.endsWith('NOT_FOUND')) return 404;
  if (CONFLICT_CODES.has(error.code) || error instanceof ConflictError) return 409;
  if (RETRY_LATER_CODES.has(error.code)) return 503;
  return 400;
}

const issuesOf = (error: ShelfwatchError): readonly FieldIssue[] =>
  'issues' in error && Array.isArray(error.issues) ? (error.issues as FieldIssue[]) : [];

/** The answer for an error; `reference` identifies the request in the logs of a 500. */
export function errorAnswer(error: unknown, reference: string): ErrorAnswer {
  if (error instanceof ShelfwatchError) {
    return {
      status: statusOf(error),
      body: { error: { code: error.code, message: error.message, issues: issuesOf(error) } },
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'INTERNAL',
        message: `internal error: nothing about it is shown here; quote reference ${reference} to the operators`,
        issues: [],
      },
    },
  };
}
