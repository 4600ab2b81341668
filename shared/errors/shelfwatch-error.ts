/**
 * What kind of failure an error is. The kind alone decides how the API answers it (see
 * shared/api/errors.ts) and what the CLI exits with; the code says which failure it is.
 *
 * - `invalid`: the input is wrong; whoever sent it must fix it (a bad field, an unknown extractor).
 * - `unauthorized`: no valid credentials. `forbidden`: valid credentials that do not cover it.
 * - `not-found`: what the input names does not exist.
 * - `conflict`: the current state does not allow it (a lost lease, an illegal transition).
 * - `unavailable`: a dependency refused or failed for now (throttling, a webhook down): try later.
 * - `internal`: a bug or a misconfigured deployment; the operators, not the caller, must act.
 */
export const ERROR_KINDS = [
  'invalid',
  'unauthorized',
  'forbidden',
  'not-found',
  'conflict',
  'unavailable',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * Base of every error Shelfwatch raises on purpose. `code` is stable (APIs and logs use it);
 * the message says what was wrong and, where it can, what to do.
 */
export class ShelfwatchError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;

  constructor(kind: ErrorKind, code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
  }
}
