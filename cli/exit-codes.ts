/**
 * What `shelfwatch` exits with, so scripts can tell outcomes apart:
 *
 *   0  done
 *   1  the API or the network failed, or the state did not allow it (409: e.g. cancel a finished run)
 *   2  usage or input: a bad flag or argument, a bad file row, a request the API refused as invalid (400)
 *   3  authentication: no token, or the API refused it (401) or its scope (403)
 *   4  not found: the definition, run, worker, token or DLQ message does not exist (404)
 */
import { type ErrorKind, type FieldIssue, ShelfwatchError } from '../shared/errors/index.ts';

export const EXIT = { ok: 0, failure: 1, usage: 2, auth: 3, notFound: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The kind of an error alone decides the exit code, as it alone decides the API's status. */
export const EXIT_CODE_OF_KIND = {
  invalid: EXIT.usage,
  unauthorized: EXIT.auth,
  forbidden: EXIT.auth,
  'not-found': EXIT.notFound,
  conflict: EXIT.failure,
  unavailable: EXIT.failure,
  internal: EXIT.failure,
} as const satisfies Record<ErrorKind, ExitCode>;

export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  API, network or state error (e.g. 409: cancelling a finished run)
  2  usage or input error: bad flag, bad file row, request refused as invalid (400)
  3  authentication: no token, token refused (401) or not allowed (403)
  4  not found (404)`;

/** An outcome the CLI reports and exits with; `issues` are printed one per line. */
export class CliError extends ShelfwatchError {
  readonly exitCode: ExitCode;
  readonly issues: readonly FieldIssue[];
  /** The command printed its own report (e.g. an import's rows): only the exit code is left to give. */
  readonly reported: boolean;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    issues: readonly FieldIssue[] = [],
    options: { reported?: boolean } = {},
  ) {
    super(kind, code, message);
    this.exitCode = EXIT_CODE_OF_KIND[kind];
    this.issues = issues;
    this.reported = options.reported ?? false;
  }
}

export const usageError = (message: string, issues: readonly FieldIssue[] = []): CliError =>
  new CliError('invalid', 'USAGE', message, issues);

/** The kind of an API answer, read back from its status (shared/api/errors.ts maps kinds to statuses). */
export function kindOfStatus(status: number): ErrorKind {
  if (status === 400 || status === 413) return 'invalid';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 503) return 'unavailable';
  return 'internal';
}
